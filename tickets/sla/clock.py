"""The SLA clock of a ticket: due times set at creation, kept by messages and
status changes, recomputed from the history after a change of targets.

Rules (DESIGN, "SLA and the business calendar"):
- both clocks start when the ticket is created;
- the first public manager message meets (or misses) the first-response target;
- ``waiting`` pauses the resolution clock: ``resolution_left_seconds`` keeps what
  was left (negative when already overdue), the due time is null; leaving
  ``waiting`` resumes it with what was left;
- ``resolved``/``closed`` decides the resolution target and stops the first-response
  clock; a ticket done without any public reply has no first-response verdict,
  unless its due time had already passed (then it is missed);
- reopening starts a fresh resolution clock with the full target (and a fresh
  first-response clock when nobody has answered yet): the old verdict no longer counts, as ``resolved_at`` does not (a breach already
  recorded stays in SlaBreach, and is not notified a second time);
- ``sla_due_at`` is the nearest running due time, ``sla_warn_at`` the moment
  80 % of that target's business time has gone (20 % left: «скоро срок»).

Each hook sets the ticket's attributes and returns the names of the fields it
changed, for the caller's ``save(update_fields=…)``.
"""

from ..models import Message, StatusChange, Ticket
from .calendar import BusinessCalendar
from .targets import Targets

WARN_SHARE = 0.2
Status = Ticket.Status
OPEN, DONE = set(Ticket.OPEN_STATUSES), set(Ticket.DONE_STATUSES)


def _targets(ticket) -> tuple[float, float]:
    return Targets.load(criticality=ticket.criticality,
                        department_id=ticket.department_id).seconds(ticket.criticality,
                                                                    ticket.department_id)


def _summary(calendar, running) -> dict:
    """``sla_due_at``/``sla_warn_at`` from the running (due, target seconds) pairs."""
    running = [(due, target) for due, target in running if due is not None]
    if not running:
        return {"sla_due_at": None, "sla_warn_at": None}
    return {"sla_due_at": min(due for due, _ in running),
            "sla_warn_at": min(calendar.add(due, -WARN_SHARE * target) for due, target in running)}


def _apply(ticket, values: dict, calendar, targets: tuple[float, float]) -> list[str]:
    for name, value in values.items():
        setattr(ticket, name, value)
    if ticket.sla_first_response_met is False or ticket.sla_resolution_met is False:
        ticket.sla_breached = True
    # Paused past its due time: missed already (closing it now is a miss, see on_status),
    # though no due time runs for the escalation to find.
    if ticket.resolution_left_seconds is not None and ticket.resolution_left_seconds <= 0:
        ticket.sla_breached = True
    first, resolution = targets
    values = {**values, "sla_breached": ticket.sla_breached,
              **_summary(calendar, [(ticket.first_response_due_at, first),
                                    (ticket.resolution_due_at, resolution)])}
    for name in ("sla_due_at", "sla_warn_at"):
        setattr(ticket, name, values[name])
    return list(values)


def start_fields(*, criticality, department_id, at) -> dict:
    """The SLA fields of a ticket created at ``at`` (for ``Ticket.objects.create``)."""
    calendar = BusinessCalendar.load(at)
    first, resolution = Targets.load(criticality=criticality, department_id=department_id) \
        .seconds(criticality, department_id)
    first_due, resolution_due = calendar.add(at, first), calendar.add(at, resolution)
    return {"first_response_due_at": first_due, "resolution_due_at": resolution_due,
            **_summary(calendar, [(first_due, first), (resolution_due, resolution)])}


def on_message(ticket, message) -> list[str]:
    """The first public manager message decides the first-response target."""
    if (message.is_internal or message.author_kind != Message.AuthorKind.MANAGER
            or ticket.sla_first_response_met is not None or ticket.first_response_due_at is None):
        return []
    met = message.created_at <= ticket.first_response_due_at
    return _apply(ticket, {"first_response_due_at": None, "sla_first_response_met": met},
                  BusinessCalendar.load(message.created_at), _targets(ticket))


def on_status(ticket, old, new, *, now) -> list[str]:
    """Pause, resume, decide or restart the clocks for a move from ``old`` to ``new``."""
    if old == new:
        return []
    calendar = BusinessCalendar.load(now)
    first, resolution = targets = _targets(ticket)
    values = {}
    if old in OPEN and new in DONE:
        if ticket.sla_first_response_met is None and ticket.first_response_due_at is not None:
            values["first_response_due_at"] = None
            if now > ticket.first_response_due_at:  # the client waited past the promise
                values["sla_first_response_met"] = False
        if old == Status.WAITING and ticket.resolution_left_seconds is not None:
            met = ticket.resolution_left_seconds > 0
        elif ticket.resolution_due_at is not None:
            met = now <= ticket.resolution_due_at
        else:
            met = None
        values.update(resolution_due_at=None, resolution_left_seconds=None, sla_resolution_met=met)
    elif old in DONE and new in OPEN:
        paused = new == Status.WAITING
        values.update(resolution_due_at=None if paused else calendar.add(now, resolution),
                      resolution_left_seconds=resolution if paused else None,
                      sla_resolution_met=None)
        if ticket.first_response_at is None and ticket.sla_first_response_met is None:
            values["first_response_due_at"] = calendar.add(now, first)  # still owed a reply
        ticket.sla_breached = ticket.sla_first_response_met is False
        values["sla_breached"] = ticket.sla_breached
    elif new == Status.WAITING and ticket.resolution_due_at is not None:
        values.update(resolution_left_seconds=calendar.between(now, ticket.resolution_due_at),
                      resolution_due_at=None)
    elif old == Status.WAITING and ticket.resolution_left_seconds is not None:
        values.update(resolution_due_at=calendar.add(now, ticket.resolution_left_seconds),
                      resolution_left_seconds=None)
    return _apply(ticket, values, calendar, targets) if values else []


def recompute(ticket, *, now, calendar, targets: Targets, changes) -> list[str]:
    """Due times of an open ticket from scratch, for the current targets and calendar.

    ``changes`` are the ticket's status changes in time order: the resolution
    clock runs from creation (or the last reopening) minus the time spent waiting.
    """
    if ticket.status not in OPEN:
        return []
    first, resolution = pair = targets.seconds(ticket.criticality, ticket.department_id)
    values = {}
    start, paused_at, waited = ticket.created_at, None, 0.0
    for change in changes:
        if change.from_status in DONE and change.to_status in OPEN:
            start, paused_at, waited = change.at, None, 0.0
        if change.to_status == Status.WAITING:
            paused_at = change.at
        elif change.from_status == Status.WAITING and paused_at is not None:
            waited += calendar.between(paused_at, change.at)
            paused_at = None
    if ticket.sla_first_response_met is None and ticket.first_response_at is None:
        values["first_response_due_at"] = calendar.add(start, first)
    if ticket.status == Status.WAITING:
        spent = calendar.between(start, paused_at or now) - waited
        values.update(resolution_due_at=None, resolution_left_seconds=resolution - spent)
    else:
        spent = calendar.between(start, now) - waited
        values.update(resolution_due_at=calendar.add(now, resolution - spent),
                      resolution_left_seconds=None)
    return _apply(ticket, values, calendar, pair)


def refresh(ticket, *, now) -> list[str]:
    """``recompute`` for one ticket, e.g. after its criticality or department changed."""
    changes = StatusChange.objects.filter(ticket=ticket).order_by("at", "pk")
    return recompute(ticket, now=now, calendar=BusinessCalendar.load(ticket.created_at, now),
                     targets=Targets.load(criticality=ticket.criticality,
                                          department_id=ticket.department_id),
                     changes=list(changes))
