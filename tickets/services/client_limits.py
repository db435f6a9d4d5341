"""Hourly caps on what one client writes: new tickets, messages and uploaded files.

Counted from the rows themselves (``Ticket.created_at``, ``Message.created_at``),
inside the writing transaction and under a lock on the client's row, so
parallel requests of one client cannot both pass the cap. Every channel that
writes for a client (portal, Telegram) goes through these.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ..formatting import local_time
from ..models import Attachment, Client, Message, Ticket
from .otp_limits import wait_text

HOUR = timedelta(hours=1)


def _check(rows, *, limit, now, message):
    # The oldest write that still counts frees a place an hour after it was made.
    times = list(rows.filter(created_at__gt=now - HOUR).order_by("-created_at")
                 .values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return
    free_at = times[-1] + HOUR
    raise ValidationError(
        message % {"limit": limit, "at": local_time(free_at),
                   "wait": wait_text((free_at - now).total_seconds())},
        code="rate_limit",
    )


def _lock(client):
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk").first()


def check_ticket_cap(*, client, now) -> None:
    _lock(client)
    _check(Ticket.objects.filter(client=client),
           limit=settings.CLIENT_TICKETS_HOURLY_LIMIT, now=now,
           message=_("Слишком много новых заявок за час: не больше %(limit)d. "
                     "Новую можно создать в %(at)s (через %(wait)s), а пока "
                     "допишите подробности в одну из открытых заявок."))


def check_message_cap(*, client, now) -> None:
    _lock(client)
    _check(Message.objects.filter(ticket__client=client, author_kind=Message.AuthorKind.CLIENT),
           limit=settings.CLIENT_COMMENTS_HOURLY_LIMIT, now=now,
           message=_("Слишком много сообщений за час: не больше %(limit)d. "
                     "Следующее можно отправить в %(at)s (через %(wait)s)."))


def check_upload_cap(*, client, now, uploads) -> None:
    """Files a client uploads in an hour: at most ``CLIENT_FILES_HOURLY_LIMIT`` of them and
    ``CLIENT_UPLOAD_MB_HOURLY_LIMIT`` megabytes, this upload included (call after
    ``check_message_cap`` or ``check_ticket_cap``, which lock the client's row)."""
    if not uploads:
        return
    recent = (Attachment.objects.filter(ticket__client=client, created_at__gt=now - HOUR)
              .filter(Q(message__isnull=True) | Q(message__author_kind=Message.AuthorKind.CLIENT)))
    totals = recent.aggregate(files=Count("id"), size=Sum("size"))
    files = (totals["files"] or 0) + len(uploads)
    size = (totals["size"] or 0) + sum(upload.size for upload in uploads)
    if (files <= settings.CLIENT_FILES_HOURLY_LIMIT
            and size <= settings.CLIENT_UPLOAD_MB_HOURLY_LIMIT * 1024 * 1024):
        return
    first = recent.order_by("created_at").values_list("created_at", flat=True).first()
    free_at = (first or now) + HOUR
    raise ValidationError({"files": ValidationError(
        _("Слишком много файлов за час: не больше %(files)d штук и %(mb)d МБ. "
          "Файлы можно будет отправить в %(at)s (через %(wait)s), а сообщение без "
          "файлов — сейчас.")
        % {"files": settings.CLIENT_FILES_HOURLY_LIMIT,
           "mb": settings.CLIENT_UPLOAD_MB_HOURLY_LIMIT, "at": local_time(free_at),
           "wait": wait_text((free_at - now).total_seconds())},
        code="rate_limit",
    )})
