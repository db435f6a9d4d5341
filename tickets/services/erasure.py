"""Erasing a client's personal data on their request (152-FZ, art. 21).

The client asks on «Мои данные» (``erasure_request``); a staff user with
``tickets.erase_client`` confirms in admin (``client_erase``). Erased: the phone and
name, the text of the client's messages, the title and description of their tickets,
rating comments, the files they attached, their login codes; apps that keep more
(Telegram chats, notification texts) forget it on ``tickets.signals.client_erased``.
Kept: every figure — statuses, dates, durations, SLA verdicts, ratings, counts — so
analytics totals do not change. Managers' replies and internal notes are the company's
record and stay. The client's sessions end: ``selectors.client_from_session`` knows no
erased client.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attachment, Client, ErasureRequest, Message, OneTimeCode, StatusChange, Ticket
from ..signals import client_erased
from .retention import attachment_files_delete

# Stored in place of what is erased (data, not interface: the same in every language).
ERASED_TEXT = "Удалено по запросу клиента"
ERASED_NAME = "Данные удалены"


def erased_phone(client_id: int) -> str:
    """The phone an erased client keeps: unique (the client's id) and unreachable.

    +999 is a country code ITU-T holds in reserve (E.164 "spare code"): no network
    routes it, so no SMS or call can reach anyone, and login refuses it. Twelve digits
    of the id fill E.164's fifteen.
    """
    return f"+999{client_id:012d}"


def erasure_request(*, client: Client) -> ErasureRequest:
    """The client asks for erasure; asking again while one waits returns that one."""
    if client.erased_at is not None:
        raise ValidationError(_("Данные этого клиента уже удалены."), code="erased")
    request, _created = ErasureRequest.objects.get_or_create(client=client, confirmed_at=None)
    return request


def erasure_pending(*, client: Client) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(client=client, confirmed_at__isnull=True).first()


def _staff_name(user) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def _admin_history_forget(client_id: int, ticket_ids: list[int]) -> None:
    """Admin's history («Последние действия», an object's history) names what it logged
    by ``str()``: the client's name or phone, a ticket's title. Those names go too."""
    types = ContentType.objects.get_for_models(Client, Ticket)
    LogEntry.objects.filter(content_type=types[Client], object_id=str(client_id)).update(
        object_repr=ERASED_NAME)
    LogEntry.objects.filter(content_type=types[Ticket],
                            object_id__in=[str(pk) for pk in ticket_ids]).update(
        object_repr=Concat(Value("#"), F("object_id"), Value(f" {ERASED_TEXT}"),
                           output_field=CharField()))


@transaction.atomic
def client_erase(*, erasure: ErasureRequest, by) -> ErasureRequest:
    """Erase the client of a pending request and record who did it and when.

    The caller checks ``tickets.erase_client``. Files are marked removed here and
    deleted from the storage once the transaction commits.
    """
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.confirmed_at is not None:
        raise ValidationError(_("Запрос №%(id)s уже выполнен.") % {"id": erasure.pk},
                              code="done")
    # A message being added right now holds its ticket's lock (message_add): wait for it,
    # so the updates below see it and erase it too. The tickets first, then the client:
    # message_add (and its client_limits) locks in that order, the other would deadlock.
    ticket_ids = list(Ticket.objects.select_for_update().filter(client_id=erasure.client_id)
                      .order_by("pk").values_list("pk", flat=True))
    client = Client.objects.select_for_update().get(pk=erasure.client_id)
    now = timezone.now()
    # How the services wrote the client down as an author (message_add: name or phone).
    client_as_author = {client.name, client.phone.as_international, str(client.phone)} - {""}

    tickets = Ticket.objects.filter(client=client)
    messages = Message.objects.filter(ticket__client=client, author_kind=Message.AuthorKind.CLIENT)
    files = Attachment.objects.filter(
        Q(message__isnull=True) | Q(message__author_kind=Message.AuthorKind.CLIENT),
        ticket__client=client,
    )
    summary = {
        "tickets": tickets.update(title=ERASED_TEXT, description=ERASED_TEXT, rating_comment=""),
        "messages": messages.update(text=ERASED_TEXT, author_name=ERASED_NAME),
        "files": files.filter(removed_at__isnull=True).update(removed_at=now),
    }
    # The list's copy of the client's last word (Ticket.set_last_public) goes with it.
    tickets.filter(last_public_by=Message.AuthorKind.CLIENT).update(
        last_public_text=ERASED_TEXT, last_public_name=ERASED_NAME)
    files.update(name=ERASED_TEXT)  # a file's own name may say whose it is («Паспорт …»)
    StatusChange.objects.filter(ticket__client=client, actor_name__in=client_as_author).update(
        actor_name=ERASED_NAME)
    OneTimeCode.objects.filter(phone=client.phone).delete()
    _admin_history_forget(client.pk, ticket_ids)

    client.phone = erased_phone(client.pk)
    client.name = ERASED_NAME
    client.erased_at = now
    client.save(update_fields=["phone", "name", "erased_at"])
    client_erased.send(sender=Client, client=client)

    erasure.confirmed_at = now
    erasure.confirmed_by = by
    erasure.confirmed_by_name = _staff_name(by)
    erasure.summary = summary
    erasure.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_by_name", "summary"])
    transaction.on_commit(lambda: attachment_files_delete(
        Attachment.objects.filter(ticket__client_id=client.pk)))
    return erasure
