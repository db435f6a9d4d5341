"""The manager's queue: one definition of each state (COMMON.md, DESIGN «SLA»).

Each state is a ``Q`` (for filters and for counting in one aggregate) and a queryset
reader; the admin's queue (filters, counters, columns, ordering) reads them from here."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .models import Message, Ticket


def _open_q() -> Q:
    return Q(status__in=Ticket.OPEN_STATUSES)


def overdue_q(now=None) -> Q:
    """«Просрочено»: open, and a target was missed or the nearest due time has passed."""
    now = now or timezone.now()
    return _open_q() & (Q(sla_breached=True) | Q(sla_due_at__lt=now))


def at_risk_q(now=None) -> Q:
    """«Скоро срок»: open, not overdue, less than 20 % of the target left."""
    now = now or timezone.now()
    return _open_q() & Q(sla_warn_at__lte=now) & ~Q(sla_breached=True) & ~Q(sla_due_at__lt=now)


def waiting_on_client_q() -> Q:
    """«Ждёт клиента»: the manager asked and waits for the client's answer."""
    return Q(status=Ticket.Status.WAITING)


def waiting_on_us_q() -> Q:
    """«Ждут нас»: open, not waiting, and the client wrote the last public message."""
    return (Q(status__in=[Ticket.Status.NEW, Ticket.Status.IN_PROGRESS])
            & Q(last_public_by=Message.AuthorKind.CLIENT))


def _tickets(tickets):
    return Ticket.objects.all() if tickets is None else tickets


def sla_overdue(tickets=None, *, now=None) -> QuerySet[Ticket]:
    return _tickets(tickets).filter(overdue_q(now))


def sla_at_risk(tickets=None, *, now=None) -> QuerySet[Ticket]:
    return _tickets(tickets).filter(at_risk_q(now))


def waiting_on_client(tickets=None) -> QuerySet[Ticket]:
    return _tickets(tickets).filter(waiting_on_client_q())


def waiting_on_us(tickets=None) -> QuerySet[Ticket]:
    return _tickets(tickets).filter(waiting_on_us_q())


# Overdue first, then at risk: the nearest due time first (none: last), then who has
# waited longest since the last public message. Field expressions, so the admin shows
# these columns as the sort order and an index on them can serve it.
QUEUE_ORDERING = [F("sla_due_at").asc(nulls_last=True),
                  F("last_public_at").asc(nulls_last=True), "id"]


def ticket_sla_state(ticket, now=None) -> str:
    """``overdue``, ``at_risk``, ``running`` or ``""`` (no clock): the same rules as the
    Q objects above, for one ticket already in memory (a row of the queue)."""
    now = now or timezone.now()
    if ticket.status not in Ticket.OPEN_STATUSES:
        return ""
    if ticket.sla_breached or (ticket.sla_due_at and ticket.sla_due_at < now):
        return "overdue"
    if ticket.sla_warn_at and ticket.sla_warn_at <= now:
        return "at_risk"
    return "running" if ticket.sla_due_at else ""


def queue_counters(*, user, now=None) -> dict:
    """The counters above the queue, in one aggregate over the open tickets."""
    return Ticket.objects.filter(_open_q()).aggregate(
        new=Count("pk", filter=Q(status=Ticket.Status.NEW)),
        waiting_on_us=Count("pk", filter=waiting_on_us_q()),
        waiting_on_client=Count("pk", filter=waiting_on_client_q()),
        mine=Count("pk", filter=Q(assignee_id=user.pk)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
