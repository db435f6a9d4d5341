"""Photos and documents a client sends the bot as a reply to a notification.

The webhook only notes the file (``file_received``: a ``file_fetch`` job on the
outbox); the worker's Telegram sender fetches it (``fetch``: ``getFile``, then
``GET {TELEGRAM_API_URL}/file/bot<token>/<file_path>``) and adds it, with the
caption, as the client's message through the same rules as the portal's
uploads (kinds, size, scanning, hourly caps). Whatever happens, the client is
told in the chat. A repeat of the job adds nothing twice (``external_id``).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.senders import Delivered, Failed
from delivery.services import job_enqueue
from tickets import services as ticket_services
from tickets.models import Message, Ticket
from tickets.services import attachments

from ..models import Channel
from ..outbox import bot_say, chat_key
from .client import TelegramError

KIND_FILE_FETCH = "file_fetch"
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what getFile hands a bot (Bot API docs)


def _limit() -> int:
    return min(attachments.max_bytes(), BOT_API_DOWNLOAD_LIMIT)


def file_of(message: dict) -> dict | None:
    """``{"file_id", "size", "name"}`` of the photo (its largest size) or document."""
    if photos := message.get("photo"):
        biggest = photos[-1]
        return {"file_id": biggest["file_id"], "size": biggest.get("file_size"),
                "name": f"photo_{message.get('message_id')}.jpg"}
    if document := message.get("document"):
        return {"file_id": document["file_id"], "size": document.get("file_size"),
                "name": document.get("file_name") or "document"}
    return None


def file_received(chat, ticket: Ticket, message: dict, sent: dict) -> str | None:
    """Queue the file for the worker; a refusal to say at once, or ``None`` (the worker
    answers once the file is added)."""
    if ticket.status == Ticket.Status.CLOSED:
        return _("Заявка #%(id)s закрыта, добавить в неё файл нельзя. Создайте новую: /new.") % {
            "id": ticket.pk}
    if (sent.get("size") or 0) > _limit():
        return _("Файл «%(name)s» больше %(mb)d МБ: такой не принять. Уменьшите его или "
                 "загрузите на портале.") % {"name": sent["name"], "mb": _limit() // 1024 // 1024}
    job_enqueue(channel=Channel.TELEGRAM, key=f"{chat_key(chat.chat_id)}:files",
                kind=KIND_FILE_FETCH, ticket=ticket, payload={
                    "chat_id": int(chat.chat_id), "ticket_id": ticket.pk,
                    "file_id": sent["file_id"], "name": sent["name"],
                    "caption": (message.get("caption") or "").strip(),
                    "external_id": f"{chat.chat_id}:{message.get('message_id')}"})
    return None


def _failed(error: TelegramError):
    if error.kind == "rate_limited":  # the whole channel waits, as for messages
        wait = error.retry_after if isinstance(error.retry_after, int) else 5
        return Failed(str(error), wait_until=timezone.now() + timedelta(seconds=wait),
                      pause_scope="")
    if error.kind == "unauthorized":
        return Failed(f"TELEGRAM_BOT_TOKEN не подходит: {error}", config=True)
    return Failed(str(error), unreachable=True)


def fetch(client, job):
    """Fetch the file and add it to the ticket; the outcome of the job."""
    payload = job.payload
    chat_id, name = payload["chat_id"], payload["name"]
    try:
        info = client.get_file(payload["file_id"])
        data = client.download(info.get("file_path", ""), max_bytes=_limit())
    except TelegramError as error:
        if error.kind != "bad_request":
            return _failed(error)
        bot_say(chat_id, _("Не удалось получить файл «%(name)s» из Telegram. Пришлите его ещё "
                           "раз или загрузите на портале.") % {"name": name})
        return Delivered({"refused": str(error)})
    ticket = Ticket.objects.filter(pk=payload["ticket_id"]).first()
    if ticket is None:
        return Delivered({"refused": "ticket is gone"})
    try:
        ticket_services.message_add(
            ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text=payload["caption"],
            source=Message.Source.TELEGRAM, external_id=payload["external_id"],
            files=[SimpleUploadedFile(name, data)])
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        bot_say(chat_id, _("Файл не добавлен в заявку #%(id)s. %(reason)s")
                % {"id": ticket.pk, "reason": reason})
        return Delivered({"refused": reason})
    bot_say(chat_id, _("Добавил файл в заявку #%(id)s.") % {"id": ticket.pk})
    return Delivered({"added": name, "size": len(data), "limit_mb": settings.ATTACHMENT_MAX_MB})
