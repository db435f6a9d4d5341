"""Recompute the due times of open tickets after the targets or the calendar changed."""

from django.db import transaction
from django.utils import timezone

from ..models import StatusChange, Ticket
from .calendar import BusinessCalendar
from .clock import recompute
from .targets import Targets

BATCH = 500
FIELDS = ["first_response_due_at", "resolution_due_at", "resolution_left_seconds", "sla_due_at",
          "sla_warn_at", "sla_breached"]


def sla_recalculate(*, now=None, batch=BATCH, progress=None) -> tuple[int, int]:
    """(open tickets seen, tickets whose SLA fields changed). Four queries a batch:
    the tickets, their status changes, the update; the calendar and targets once."""
    now = now or timezone.now()
    tickets = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
    oldest = tickets.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None:
        return 0, 0
    calendar, targets = BusinessCalendar.load(oldest, now), Targets.load()
    seen = changed = 0
    last_pk = 0
    while True:
        # The page is locked from reading to writing: a reply or a status change made
        # meanwhile (the services lock the ticket too) waits, instead of being overwritten
        # with due times computed before it.
        with transaction.atomic():
            page = list(tickets.select_for_update(of=("self",)).filter(pk__gt=last_pk)
                        .order_by("pk")[:batch])
            if not page:
                return seen, changed
            history = {}
            for change in (StatusChange.objects.filter(ticket__in=page).order_by("at", "pk")
                           .only("ticket_id", "from_status", "to_status", "at")):
                history.setdefault(change.ticket_id, []).append(change)
            dirty = []
            for ticket in page:
                before = [getattr(ticket, name) for name in FIELDS]
                recompute(ticket, now=now, calendar=calendar, targets=targets,
                          changes=history.get(ticket.pk, []))
                if [getattr(ticket, name) for name in FIELDS] != before:
                    dirty.append(ticket)
            Ticket.objects.bulk_update(dirty, FIELDS)
        seen, changed, last_pk = seen + len(page), changed + len(dirty), page[-1].pk
        if progress:
            progress(seen)
