"""Escalation: record each missed target once, mark the ticket, tell who must know.

Run by ``manage.py sla_escalate`` (cron, every minute) and by ``outbox_worker``
as a chore. Two indexed queries find what is new, whatever the table's size.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import SlaBreach, Ticket
from ..signals import sla_breach_recorded

logger = logging.getLogger(__name__)
BATCH = 500
DUE_FIELDS = {SlaBreach.Kind.FIRST_RESPONSE: "first_response_due_at",
              SlaBreach.Kind.RESOLUTION: "resolution_due_at"}


def _record(ticket_id, kind, due_at, now) -> SlaBreach | None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                breach = SlaBreach.objects.create(ticket_id=ticket_id, kind=kind, due_at=due_at,
                                                  at=now)
        except IntegrityError:  # another run recorded it a moment ago
            return None
        Ticket.objects.filter(pk=ticket_id).update(sla_breached=True)
        answers = sla_breach_recorded.send(sender=SlaBreach, breach=breach)
        breach.notified = sum(answer for _, answer in answers if isinstance(answer, int))
        if breach.notified:
            SlaBreach.objects.filter(pk=breach.pk).update(notified=breach.notified)
    return breach


def sla_escalate(*, now=None) -> list[SlaBreach]:
    """Record the breaches of open tickets not recorded yet; the new ones."""
    now = now or timezone.now()
    recorded = []
    for kind, field in DUE_FIELDS.items():
        known = SlaBreach.objects.filter(ticket=OuterRef("pk"), kind=kind)
        while True:
            missed = list(Ticket.objects
                          # sla_due_at (the nearest due) is redundant here but indexable.
                          .filter(status__in=Ticket.OPEN_STATUSES, sla_due_at__lte=now,
                                  **{f"{field}__lte": now})
                          .exclude(Exists(known)).order_by(field)
                          .values_list("pk", field)[:BATCH])
            new = [breach for pk, due_at in missed if (breach := _record(pk, kind, due_at, now))]
            recorded += new
            if len(missed) < BATCH or not new:
                break
    # A target missed again after a reopening is not notified twice, but it is overdue.
    Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, sla_breached=False,
                          sla_due_at__lte=now).update(sla_breached=True)
    return recorded


def summary(breaches) -> str:
    told = sum(breach.notified for breach in breaches)
    return f"SLA: новых нарушений {len(breaches)}, уведомлений {told}."


def run_chore() -> str:
    """For ``DELIVERY_CHORES``: a line only when something was escalated."""
    breaches = sla_escalate()
    return summary(breaches) if breaches else ""
