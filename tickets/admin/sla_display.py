"""What the ticket's change page says about its SLA: due times, pause, verdicts, breaches."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..formatting import local_datetime


def _hours(seconds) -> str:
    sign = "−" if seconds < 0 else ""
    minutes = round(abs(seconds) / 60)
    return f"{sign}{minutes // 60} ч {minutes % 60:02d} мин"


def _verdict(value) -> str:
    return {True: _("в срок"), False: _("срок нарушен")}.get(value, "")


def card(ticket, *, now=None) -> dict:
    now = now or timezone.now()
    rows = []
    if ticket.first_response_due_at:
        late = ticket.first_response_due_at < now
        rows.append((_("Ответить до"), local_datetime(ticket.first_response_due_at), late))
    elif ticket.sla_first_response_met is not None:
        rows.append((_("Первый ответ"), _verdict(ticket.sla_first_response_met),
                     ticket.sla_first_response_met is False))
    if ticket.resolution_due_at:
        late = ticket.resolution_due_at < now
        rows.append((_("Решить до"), local_datetime(ticket.resolution_due_at), late))
    elif ticket.resolution_left_seconds is not None:
        rows.append((_("Решение"), _("срок остановлен, пока ждём клиента; осталось %(left)s")
                     % {"left": _hours(ticket.resolution_left_seconds)},
                     ticket.resolution_left_seconds <= 0))
    elif ticket.sla_resolution_met is not None:
        rows.append((_("Решение"), _verdict(ticket.sla_resolution_met),
                     ticket.sla_resolution_met is False))
    if ticket.sla_warn_at and ticket.sla_warn_at <= now and not ticket.sla_breached \
            and ticket.status in ticket.OPEN_STATUSES:
        rows.append((_("Внимание"), _("скоро срок: осталось меньше 20 %"), True))
    breaches = [(local_datetime(b.at), b.get_kind_display(), local_datetime(b.due_at), b.notified)
                for b in ticket.sla_breaches.all()]
    return {"rows": rows, "breached": ticket.sla_breached, "breaches": breaches}
