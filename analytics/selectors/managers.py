"""The per-manager dashboard: a manager's day as it stands (open tickets, overdue, at risk,
waiting on the client or on us), their figures for a period (first response and
resolution: median and 90th percentile; SLA targets met; ratings) and the tickets that
need them next; and for a team lead the same for every manager, one row each.

Every figure is a database aggregate grouped by assignee: the number of queries is the
same for one manager or fifty, for a hundred tickets or a million. The "now" counts read
only open tickets (the partial index ``ticket_open_assignee`` holds all they need); the
period's figures reuse the analytics report's delays and percentiles (PERCENTILE_DISC on
PostgreSQL, index walks on SQLite).
"""

from django.contrib.auth import get_user_model
from django.db.models import Avg, Case, CharField, Count, FloatField, Q, Value, When
from django.db.models.functions import Cast

from tickets import queue as ticket_queue
from tickets import selectors as ticket_selectors
from tickets.models import Ticket

from .period import Period, tickets_in
from .report import DURATIONS, _duration_aggregates, _figure, _percentiles, _rounded

NEXT_TICKETS = 10
WORKLOAD = ("open", "overdue", "at_risk", "waiting_on_client", "waiting_on_us")


def _share(met, decided):
    """Percent of decided targets met, or None when none was decided."""
    return round(100.0 * met / decided, 1) if decided else None


def workload(*, now, assignee=None) -> dict[int, dict]:
    """``{assignee id: {open, overdue, at_risk, waiting_on_client, waiting_on_us}}`` of
    the open tickets now (one query; only assignees with open tickets are keys)."""
    tickets = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, assignee__isnull=False)
    if assignee is not None:
        tickets = tickets.filter(assignee=assignee)
    # COUNT(status): Django has no COUNT(*) FILTER; status is in the partial index too.
    rows = (tickets.values("assignee").annotate(
        open=Count("*"),
        overdue=Count("status", filter=ticket_queue.overdue_q(now)),
        at_risk=Count("status", filter=ticket_queue.at_risk_q(now)),
        waiting_on_client=Count("status", filter=ticket_queue.waiting_on_client_q()),
        waiting_on_us=Count("status", filter=ticket_queue.waiting_on_us_q()),
    ).order_by())
    return {row.pop("assignee"): row for row in rows}


def figures(period: Period, *, assignee=None) -> dict[int, dict]:
    """``{assignee id: figures}`` of the tickets created in the period: count, first
    response and resolution (average, median, p90 in seconds), the share of each SLA
    target met (of those decided), average rating and count. Two queries on SQLite (the
    pass and the percentile picks), one on PostgreSQL."""
    tickets = tickets_in(period).filter(assignee__isnull=False)
    if assignee is not None:
        tickets = tickets.filter(assignee=assignee)
    rows = {row.pop("assignee"): row for row in tickets.values("assignee").annotate(
        tickets=Count("*"), **_duration_aggregates(),
        rating_avg=Avg(Cast("rating", FloatField())), rating_n=Count("rating"),
        first_response_met=Count("id", filter=Q(sla_first_response_met=True)),
        first_response_decided=Count("sla_first_response_met"),
        resolution_met=Count("id", filter=Q(sla_resolution_met=True)),
        resolution_decided=Count("sla_resolution_met"),
    ).order_by()}
    picked = _percentiles(period, {key: (row, {"assignee": key}) for key, row in rows.items()})
    result = {}
    for key, row in rows.items():
        result[key] = {"tickets": row["tickets"]}
        for name in DURATIONS:
            result[key].update(_figure(f"{name}_seconds", row[f"{name}_avg"],
                                       picked.get((key, name), {})))
        result[key] |= {
            "first_response_count": row["first_response_n"],
            "resolved_count": row["resolution_n"],
            "sla_first_response_met_pct": _share(row["first_response_met"],
                                                 row["first_response_decided"]),
            "sla_first_response_decided": row["first_response_decided"],
            "sla_resolution_met_pct": _share(row["resolution_met"], row["resolution_decided"]),
            "sla_resolution_decided": row["resolution_decided"],
            "avg_rating": _rounded(row["rating_avg"]),
            "ratings_count": row["rating_n"],
        }
    return result


def empty_figures() -> dict:
    """The figures of a manager with no ticket in the period."""
    return {"tickets": 0, **{f"{kind}_{name}_seconds": None for name in DURATIONS
                             for kind in ("avg", "median", "p90")},
            "first_response_count": 0, "resolved_count": 0,
            "sla_first_response_met_pct": None, "sla_first_response_decided": 0,
            "sla_resolution_met_pct": None, "sla_resolution_decided": 0,
            "avg_rating": None, "ratings_count": 0}


def next_tickets(*, assignee, now, limit=NEXT_TICKETS):
    """The manager's open tickets that wait on them (not on the client), in queue order:
    overdue first, then at risk, then the longest wait (one query). ``sla_state`` is
    "overdue", "at_risk" or "" by the shared definitions."""
    return (Ticket.objects.filter(assignee=assignee,
                                  status__in=[Ticket.Status.NEW, Ticket.Status.IN_PROGRESS])
            .select_related("client", "department")
            .annotate(sla_state=Case(
                When(ticket_queue.overdue_q(now), then=Value("overdue")),
                When(ticket_queue.at_risk_q(now), then=Value("at_risk")),
                default=Value(""), output_field=CharField()))
            .only("title", "status", "criticality", "sla_due_at", "sla_warn_at",
                  "sla_breached", "last_public_at", "last_public_by", "client__phone",
                  "department__name")
            .order_by(*ticket_queue.QUEUE_ORDERING)[:limit])


def manager_board(*, user, period: Period, now) -> dict:
    """One manager's page: what stands now, the period's figures, what needs them next."""
    return {
        "manager": user,
        "name": ticket_selectors.display_name(user),
        "now": {name: 0 for name in WORKLOAD} | workload(now=now, assignee=user).get(user.pk, {}),
        "figures": figures(period, assignee=user).get(user.pk) or empty_figures(),
        "next": list(next_tickets(assignee=user, now=now)),
    }


def team_board(*, period: Period, now) -> list[dict]:
    """Every active manager (and anyone else holding tickets), one row each, by name:
    three queries (four on SQLite), whatever the number of managers or tickets."""
    loads, found = workload(now=now), figures(period)
    users = get_user_model().objects.filter(
        Q(is_staff=True, is_active=True) | Q(pk__in=set(loads) | set(found))
    ).order_by("first_name", "last_name", "username")
    return [{
        "manager": user,
        "name": ticket_selectors.display_name(user),
        "now": {name: 0 for name in WORKLOAD} | loads.get(user.pk, {}),
        "figures": found.get(user.pk) or empty_figures(),
    } for user in users]
