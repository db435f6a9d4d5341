"""The dialog's rules: who may write what, and what a message does to its ticket."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import sla
from ..models import Message, Ticket
from . import attachments, client_limits
from .tickets import (
    AUTHOR_NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Status,
    clean_text,
    ticket_assign,
    ticket_change_status,
)


def message_add(*, files=(), **fields) -> Message:
    """Add a message to a ticket's dialog, with up to five ``files`` (uploaded files
    or checked ``attachments.Upload`` objects; see ``attachments``): the message and
    its files are stored together or not at all. A message may be only files.
    ``fields``: see ``_message_add``."""
    uploads = attachments.attachments_check(files)
    with attachments.removed_on_failure() as stored:
        return _message_add(uploads=uploads, stored=stored, **fields)


@transaction.atomic
def _message_add(
    *,
    ticket: Ticket,
    author_kind: str,
    text: str,
    source: str,
    author_name: str = "",
    author_user=None,
    is_internal: bool = False,
    external_id: str | None = None,
    uploads=(),
    stored=None,
) -> Message:
    """Add a message to a ticket's dialog.

    - A client cannot write to a closed ticket. The conversation drives the status
      (``_follow_conversation``): a client message on a resolved or waiting ticket
      moves it to ``in_progress``; so does the first public manager reply on a new
      one, which also gives the ticket to that manager when nobody has it.
    - The first public manager message sets ``first_response_at``; internal
      notes never count.
    - ``external_id`` (unique per source) makes a repeated inbound delivery
      return the message already stored instead of adding it twice.
    - A client writes at most ``CLIENT_COMMENTS_HOURLY_LIMIT`` messages an hour, and
      uploads within ``client_limits.check_upload_cap``.
    """
    if uploads and not (text or "").strip():
        text = attachments.summary_text(uploads)
    text = clean_text(text, field="text", max_length=TEXT_MAX_LENGTH, label=_("Сообщение"))
    if external_id:
        existing = Message.objects.filter(source=source, external_id=external_id).first()
        if existing is not None:
            return existing

    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    is_client = author_kind == Message.AuthorKind.CLIENT
    if is_client:
        if is_internal:
            raise ValidationError({"is_internal": _("Клиент не может оставлять внутренние заметки.")})
        if ticket.status == Status.CLOSED:
            raise ValidationError(
                {"text": _("Заявка закрыта, ответить в ней нельзя. "
                           "Если вопрос остался, создайте новую заявку.")},
                code="closed",
            )
        if not author_name:
            author_name = ticket.client.name or ticket.client.phone.as_international

    now = timezone.now()
    if is_client:
        client_limits.check_message_cap(client=ticket.client, now=now)
        client_limits.check_upload_cap(client=ticket.client, now=now, uploads=uploads)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                ticket=ticket,
                author_kind=author_kind,
                author_name=author_name[:AUTHOR_NAME_MAX_LENGTH],
                author_user=author_user,
                text=text,
                is_internal=is_internal,
                source=source,
                created_at=now,
                external_id=external_id or None,
            )
    except IntegrityError:
        # A concurrent delivery of the same external message won the race.
        return Message.objects.get(source=source, external_id=external_id)
    if uploads:
        attachments.attachments_store(ticket=ticket, message=message, uploads=uploads,
                                      stored=stored if stored is not None else [])

    fields = ["updated_at"]
    ticket.updated_at = now
    if not is_internal and author_kind in (Message.AuthorKind.CLIENT, Message.AuthorKind.MANAGER):
        fields += ticket.set_last_public(at=now, by=author_kind, text=text,
                                        name=message.author_name)
    if (author_kind == Message.AuthorKind.MANAGER and not is_internal
            and ticket.first_response_at is None):
        ticket.first_response_at = now
        ticket.first_response_seconds = (now - ticket.created_at).total_seconds()
        fields += ["first_response_at", "first_response_seconds"]
    fields += sla.on_message(ticket, message)
    ticket.save(update_fields=fields)

    if not is_internal:
        _follow_conversation(ticket=ticket, author_kind=author_kind, author_name=author_name,
                             author_user=author_user, source=source)
    return message


# Statuses a public message of each side moves to ``in_progress``: the turn is ours.
_TO_IN_PROGRESS = {
    Message.AuthorKind.CLIENT: (Status.RESOLVED, Status.WAITING),
    Message.AuthorKind.MANAGER: (Status.NEW,),
}


def _follow_conversation(*, ticket, author_kind, author_name, author_user, source):
    """The status follows the public dialog, through the status and assignment
    services, so the history row and every listener (Bitrix, notifications) see it."""
    if ticket.status not in _TO_IN_PROGRESS.get(author_kind, ()):
        return
    if (author_kind == Message.AuthorKind.MANAGER and ticket.assignee_id is None
            and author_user is not None and author_user.is_staff and author_user.is_active):
        ticket_assign(ticket=ticket, assignee=author_user)
    ticket_change_status(ticket=ticket, status=Status.IN_PROGRESS, source=source,
                         actor_name=author_name)
