"""What the bot and the SMS say, in Russian. Telegram gets plain text (no
``parse_mode``), so nothing in a ticket's title or a message needs escaping:
Telegram shows it as it is."""

from django.conf import settings
from django.utils.translation import gettext as _

from tickets.formatting import local_datetime
from tickets.models import Ticket

TELEGRAM_MAX_CHARS = 4096


def portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path if settings.PORTAL_BASE_URL else ""


def card_url(ticket_id: int) -> str:
    return portal_url(f"/tickets/{ticket_id}/")


def fit(text: str, limit: int = TELEGRAM_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_link(text: str, ticket_id: int) -> str:
    url = card_url(ticket_id)
    return f"{text}\n\n{url}" if url else text


def _rate_invite() -> str:
    return _("Оцените, пожалуйста, как мы помогли: это займёт минуту.")


def reply(ticket: Ticket, texts: list[str]) -> str:
    """A manager's replies; where the ticket now waits for the client, is resolved or
    closed, it says so after them: a reply sent with «…и ждать ответа клиента» or «…и
    решить» is one message, not a reply and then a status (events.status_changed)."""
    head = _("Ответ по заявке #%(id)s «%(title)s»:") % {"id": ticket.pk, "title": ticket.title}
    parts = [head, "\n\n".join(texts)]
    if ticket.status == Ticket.Status.WAITING:
        parts.append(Ticket.client_status_label(ticket.status) + ".")
    elif ticket.status == Ticket.Status.RESOLVED:
        parts.append(_("Заявка решена.") + " " + _rate_invite())
    elif ticket.status == Ticket.Status.CLOSED:
        parts.append(_("Заявка закрыта."))
    if ticket.status != Ticket.Status.CLOSED:  # a closed ticket takes no more messages
        parts.append(_("Ответьте на это сообщение, чтобы написать в заявку."))
    return fit(_with_link("\n\n".join(parts), ticket.pk))


def status(ticket: Ticket, to_status: str) -> str:
    text = _("Заявка #%(id)s «%(title)s»: %(label)s.") % {
        "id": ticket.pk, "title": ticket.title, "label": Ticket.client_status_label(to_status)}
    if to_status == Ticket.Status.RESOLVED:
        text += " " + _rate_invite()
    return fit(_with_link(text, ticket.pk))


def new_ticket(ticket: Ticket) -> str:
    text = _("Новая заявка #%(id)s «%(title)s» (%(department)s, %(criticality)s).") % {
        "id": ticket.pk, "title": ticket.title, "department": ticket.department.name,
        "criticality": ticket.get_criticality_display()}
    return fit(_with_link(text, ticket.pk))


def sla_breach(ticket: Ticket, breach) -> str:
    text = _("Нарушен срок SLA по заявке #%(id)s «%(title)s»: %(kind)s (срок был %(due)s). "
             "Отдел: %(department)s.") % {
        "id": ticket.pk, "title": ticket.title, "kind": breach.get_kind_display(),
        "due": local_datetime(breach.due_at), "department": ticket.department.name}
    return fit(_with_link(text, ticket.pk))


def client_reply(ticket: Ticket, texts: list[str]) -> str:
    head = _("Клиент ответил в заявке #%(id)s «%(title)s»:") % {"id": ticket.pk,
                                                                "title": ticket.title}
    return fit(_with_link(head + "\n\n" + "\n\n".join(texts), ticket.pk))


def sms(ticket: Ticket, event: str) -> str:
    if event == "reply":
        return _("Поддержка ответила по заявке #%(id)s.") % {"id": ticket.pk}
    return status(ticket, event)[:300]


def help_text() -> str:
    return _("Я бот портала поддержки. Присылаю ответы по вашим заявкам.\n\n"
             "/tickets — открытые заявки\n"
             "/new — новая заявка\n"
             "Чтобы написать в заявку, ответьте (Reply) на моё сообщение о ней.")


def manager_help() -> str:
    return _("Сюда приходят уведомления о новых заявках вашего отдела, ответах клиентов "
             "в ваших заявках и нарушенных сроках SLA. Работать с заявками — в админке портала.")


def how_to_link() -> str:
    where = portal_url("/notifications/") or _("страница «Уведомления» на портале")
    return _("Этот чат не привязан к порталу поддержки. Войдите на портал, откройте "
             "%(where)s и нажмите «Привязать Telegram».") % {"where": where}
