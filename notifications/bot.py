"""What the bot does with an update. Everything it says goes through the outbox
(``outbox.bot_say``); nothing here calls Telegram."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import services as ticket_services
from tickets.models import Department, Message, Ticket

from . import outbox, services, texts
from .models import BotDialog, Notification, TelegramChat
from .telegram import files

MAX_LISTED = 20
DIALOG_TTL = timedelta(minutes=30)


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _start(chat_id, argument, sender):
    if not argument:
        chat = TelegramChat.objects.filter(chat_id=chat_id).first()
        if chat is None:
            return texts.how_to_link()
        return texts.manager_help() if chat.user_id else texts.help_text()
    try:
        chat = services.telegram_link(token=argument, chat_id=chat_id,
                                      username=sender.get("username", ""))
    except ValidationError as exc:
        return _first_error(exc)
    if chat.user_id:
        return _("Готово: этот чат привязан к вашей учётной записи менеджера.\n\n") + \
            texts.manager_help()
    return _("Готово: уведомления о ваших заявках будут приходить сюда.\n\n") + texts.help_text()


def _tickets(chat):
    tickets = list(Ticket.objects.filter(client_id=chat.client_id,
                                         status__in=Ticket.OPEN_STATUSES)
                   .order_by("-updated_at").only("pk", "title", "status")[:MAX_LISTED])
    if not tickets:
        return _("Открытых заявок нет. Новая — командой /new."), None
    lines = [_("Открытые заявки:")]
    buttons = []
    for ticket in tickets:
        label = (_("Ждём вашего ответа") if ticket.status == Ticket.Status.WAITING
                 else ticket.get_status_display())
        lines.append(f"#{ticket.pk} {ticket.title} — {label}")
        if url := texts.card_url(ticket.pk):
            buttons.append([{"text": texts.fit(f"#{ticket.pk} {ticket.title}", 60), "url": url}])
    return "\n".join(lines), ({"inline_keyboard": buttons} if buttons else None)


def _reply_to_notification(chat, message, text):
    replied = message["reply_to_message"].get("message_id")
    notification = (Notification.objects.filter(address=str(chat.chat_id), external_id=replied,
                                                ticket__isnull=False)
                    .select_related("ticket__client").first())
    if notification is None or notification.ticket.client_id != chat.client_id:
        return _("Не понял, к какой заявке это ответ. Ответьте (Reply) на сообщение о заявке.")
    ticket = notification.ticket
    if (sent := files.file_of(message)) is not None:
        return files.file_received(chat, ticket, message, sent)
    if not text:
        return _("Пока я понимаю только текст.")
    try:
        ticket_services.message_add(
            ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text=text,
            source=Message.Source.TELEGRAM,
            external_id=f"{chat.chat_id}:{message.get('message_id')}")
    except ValidationError as exc:
        if Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.CLOSED).exists():
            return _("Заявка #%(id)s закрыта, ответить в ней нельзя. Создайте новую: /new.") % {
                "id": ticket.pk}
        return _first_error(exc)
    return _("Добавил ваше сообщение в заявку #%(id)s.") % {"id": ticket.pk}


def _departments():
    return list(Department.objects.filter(is_active=True).order_by("name"))


def _dialog(chat, dialog, text):
    """The /new dialog: department, title, description; /cancel stops it."""
    if text == "/cancel":
        dialog.delete()
        return _("Хорошо, заявку не создаю.")
    if dialog.step == "department":
        departments = _departments()
        chosen = next((d for n, d in enumerate(departments, 1)
                       if text in (str(n), d.name)), None)
        if chosen is None:
            return _("Пришлите номер отдела из списка (или /cancel).")
        dialog.step, dialog.data = "title", {"department": chosen.pk}
        dialog.updated_at = timezone.now()
        dialog.save()
        return _("Коротко: о чём заявка? (название)")
    if dialog.step == "title":
        dialog.step, dialog.data = "description", {**dialog.data, "title": text}
        dialog.updated_at = timezone.now()
        dialog.save()
        return _("Опишите подробнее, что случилось.")
    department = Department.objects.filter(pk=dialog.data.get("department")).first()
    try:
        ticket = ticket_services.ticket_create(client=chat.client, department=department,
                                               title=dialog.data.get("title", ""),
                                               description=text)
    except ValidationError as exc:
        dialog.delete()
        return _first_error(exc) + " " + _("Начните заново: /new.")
    dialog.delete()
    reply = _("Заявка #%(id)s создана. Ответ придёт сюда.") % {"id": ticket.pk}
    url = texts.card_url(ticket.pk)
    return f"{reply}\n{url}" if url else reply


def _new(chat):
    departments = _departments()
    if not departments:
        return _("Сейчас заявку можно создать только на портале.")
    BotDialog.objects.update_or_create(chat_id=chat.chat_id, defaults={
        "step": "department", "data": {}, "updated_at": timezone.now()})
    lines = [_("Новая заявка. Выберите отдел — пришлите его номер:")]
    lines += [f"{n}. {d.name}" for n, d in enumerate(departments, 1)]
    return "\n".join(lines + [_("Отменить — /cancel.")])


def _client_says(chat, message, text):
    command = text.split(maxsplit=1)[0].split("@")[0] if text.startswith("/") else ""
    dialog = BotDialog.objects.filter(chat_id=chat.chat_id).first()
    if dialog is not None and dialog.updated_at < timezone.now() - DIALOG_TTL:
        dialog.delete()  # abandoned long ago: this message is not its answer
        dialog = None
    if dialog is not None and command in ("", "/cancel"):
        return _dialog(chat, dialog, text), None
    if command == "/tickets":
        return _tickets(chat)
    if command == "/new":
        return _new(chat), None
    if message.get("reply_to_message") and not command:
        return _reply_to_notification(chat, message, text), None
    if files.file_of(message) is not None:
        return _("Чтобы добавить файл в заявку, ответьте им (Reply) на сообщение о заявке."), None
    return texts.help_text(), None


@transaction.atomic
def handle_update(update: dict) -> None:
    """Apply one update (webhook or getUpdates). A repeated ``update_id`` does nothing."""
    if not services.update_accept(int(update["update_id"])):
        return
    message = update.get("message")
    if not isinstance(message, dict) or (message.get("chat") or {}).get("type") != "private":
        return  # edits, channels, groups: the bot talks in private chats only
    chat_id = message["chat"]["id"]
    text = (message.get("text") or "").strip()
    if text.startswith("/start"):
        argument = text.split(maxsplit=1)[1] if " " in text else ""
        outbox.bot_say(chat_id, _start(chat_id, argument, message.get("from") or {}))
        return
    chat = TelegramChat.objects.filter(chat_id=chat_id).select_related("client").first()
    if chat is None:
        outbox.bot_say(chat_id, texts.how_to_link())
        return
    if chat.user_id:
        outbox.bot_say(chat_id, texts.manager_help())
        return
    answer, markup = _client_says(chat, message, text)
    if answer:  # a file being fetched: the worker answers once it is added
        outbox.bot_say(chat_id, answer, reply_markup=markup)
