"""Support metrics, every one a database aggregate.

The number of queries does not depend on the number of tickets, and no ticket is
loaded into Python. Each pass over the period costs a scan of it, so there are few:
one for the totals and every breakdown over a known list (criticality, status,
rating, tag, department) as filtered counts, one grouped by manager, one for
replies. The days are index range counts, a pair per day in one query. The delays
are read from the seconds the services store on each ticket
(``first_response_seconds``, ``resolution_seconds``); their percentiles are in
``percentiles.py``.
"""

from contextlib import contextmanager
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Avg, Count, FloatField, Func, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from tickets.models import PUBLIC_REPLY, Department, Message, Tag, Ticket
from tickets.selectors import display_name

from . import sla
from .percentiles import (
    from_aggregates,
    from_histogram,
    percentile_aggregates,
    walkable,
    walked,
)
from .period import Period, created_in, tickets_in

# The delays in seconds, stored on the ticket by the services (with first_response_at
# and resolved_at) and indexed, so that averages and percentiles read them directly.
FIRST_RESPONSE = "first_response_seconds"
RESOLUTION = "resolution_seconds"


def _rounded(value):
    """A figure for the outputs (seconds, a rating): two decimals, or None."""
    return None if value is None else round(float(value), 2)


ANSWERED = Q(first_response_seconds__isnull=False)
RESOLVED = Q(status__in=Ticket.DONE_STATUSES, resolution_seconds__isnull=False)
RATINGS = range(1, 6)  # the check constraint ticket_rating_1_to_5


DURATIONS = {"first_response": (FIRST_RESPONSE, ANSWERED), "resolution": (RESOLUTION, RESOLVED)}


def _native_percentiles() -> bool:
    return connection.vendor == "postgresql"


def _duration_aggregates() -> dict:
    """Count, average and (PostgreSQL) percentiles of each duration."""
    figures = {}
    for name, (column, condition) in DURATIONS.items():
        figures[f"{name}_n"] = Count("id", filter=condition)
        figures[f"{name}_avg"] = Avg(column, filter=condition)
        if _native_percentiles():
            figures.update(percentile_aggregates(name, column, condition))
    return figures


def _percentiles(period, groups) -> dict:
    """``{(key, duration): {median, p90}}`` of each group: ``groups`` is ``{key: (row of
    aggregates, the group's filter)}``. PostgreSQL computed them in the pass; SQLite
    walks the delays' indexes, knowing the counts from the row."""
    if _native_percentiles():
        return {(key, name): from_aggregates(row, name)
                for key, (row, _match) in groups.items() for name in DURATIONS}
    tickets = walkable(period)
    found = walked([((key, name), tickets.filter(**match), column, condition,
                     row.get(f"{name}_n", 0))
                    for key, (row, match) in groups.items()
                    for name, (column, condition) in DURATIONS.items()])
    return {(key, name): found.get((key, name), {})
            for key in groups for name in DURATIONS}


def _figure(prefix, average, picked):
    return {
        f"avg_{prefix}": _rounded(average),
        f"median_{prefix}": _rounded(picked.get("median")),
        f"p90_{prefix}": _rounded(picked.get("p90")),
    }


def _count_by(field, choices) -> dict:
    return {f"{field}_{code}": Count("id", filter=Q(**{field: code})) for code, _l in choices}


def _directory(model) -> dict:
    """``{pk: name}`` of a directory (tags, departments: a few dozen rows, and a
    ticket's tag or department cannot be deleted), to count each entry in the pass."""
    return dict(model.objects.order_by().values_list("pk", "name"))


def _breakdown(key, names, totals, *, field, total=None) -> list[dict]:
    """``[{key: name, "count": n}]`` of the entries with tickets, most first; with
    ``total``, the tickets without an entry are counted as ``None``."""
    counts = {names[pk]: totals[f"{field}_{pk}"] for pk in names}
    if total is not None:
        counts[None] = total - sum(counts.values())
    return [{key: name, "count": n}
            for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] is None,
                                                                    item[0] or ""))
            if n]


@contextmanager
def _one_snapshot():
    """Every statement of a report reads the same rows. On PostgreSQL each statement of
    READ COMMITTED sees the latest commits: a ticket resolved between the totals and
    the days would be counted by one and not the other. A read-only REPEATABLE READ
    transaction reads one snapshot throughout. (Inside a
    caller's transaction the isolation is the caller's. SQLite: its transactions here
    take the write lock at BEGIN, so the queries stay in autocommit.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


@_one_snapshot()
def report(period: Period) -> dict:
    """One pass over the period's tickets gives every total and the breakdowns by
    criticality, status, rating, tag and department as filtered counts: no GROUP BY,
    which both databases would pay for with a sort or a hash of the whole period."""
    tickets = tickets_in(period)
    tags = _directory(Tag)
    # One department: every ticket of the period is in it, nothing to count.
    departments = _directory(Department) if period.department is None else {}
    totals = tickets.aggregate(
        total=Count("*"),
        **_duration_aggregates(),
        rating_avg=Avg(Cast("rating", FloatField())), rating_n=Count("rating"),
        **{f"rating_{value}": Count("id", filter=Q(rating=value)) for value in RATINGS},
        **_count_by("criticality", Ticket.Criticality.choices),
        **_count_by("status", Ticket.Status.choices),
        **{f"tag_{pk}": Count("id", filter=Q(tag=pk)) for pk in tags},
        **{f"department_{pk}": Count("id", filter=Q(department=pk)) for pk in departments},
        **sla.aggregates(),
        **{key: value for code, _label in Ticket.Criticality.choices
           for key, value in sla.aggregates(f"criticality_{code}_", Q(criticality=code)).items()},
        **{key: value for pk in departments
           for key, value in sla.aggregates(f"department_{pk}_", Q(department=pk)).items()},
    )
    picked = _percentiles(period, {None: (totals, {})})
    first_response, resolution = (picked[None, name] for name in DURATIONS)
    ratings = from_histogram({value: totals[f"rating_{value}"] for value in RATINGS})

    if period.department is None:
        by_department = _breakdown("department", departments, totals, field="department")
        department_sla = {name: sla.percents(totals, f"department_{pk}_")
                          for pk, name in departments.items()}
        for row in by_department:
            row.update(department_sla[row["department"]])
    else:
        by_department = [{"department": period.department.name, "count": totals["total"],
                          **sla.percents(totals)}][:1 if totals["total"] else 0]

    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "department": period.department.slug if period.department else None},
        "tickets_total": totals["total"],
        **_figure("first_response_seconds", totals["first_response_avg"], first_response),
        "first_response_count": totals["first_response_n"],
        **_figure("resolution_seconds", totals["resolution_avg"], resolution),
        "resolved_count": totals["resolution_n"],
        "avg_rating": _rounded(totals["rating_avg"]),
        "median_rating": _rounded(ratings.get("median")),
        "p90_rating": _rounded(ratings.get("p90")),
        "ratings_count": totals["rating_n"],
        **sla.percents(totals),
        "by_tag": _breakdown("tag", tags, totals, field="tag", total=totals["total"]),
        "by_department": by_department,
        "by_criticality": [{"criticality": code, "label": str(label),
                            "count": totals[f"criticality_{code}"],
                            **sla.percents(totals, f"criticality_{code}_")}
                           for code, label in Ticket.Criticality.choices],
        "by_status": [{"status": code, "label": str(label), "count": totals[f"status_{code}"]}
                      for code, label in Ticket.Status.choices],
        "by_manager": by_manager(period, tickets),
        "daily": daily(period),
    }


def by_manager(period: Period, tickets) -> list[dict]:
    """Per assignee: tickets, speed and rating; per author: public replies."""
    assigned = tickets.filter(assignee__isnull=False)
    rows = {row["assignee"]: row for row in (
        assigned.values("assignee")
        .annotate(tickets=Count("*"), **_duration_aggregates(), **sla.aggregates(),
                  rating_avg=Avg(Cast("rating", FloatField())), rating_n=Count("rating"))
        .order_by()
    )}
    picked = _percentiles(period, {key: (row, {"assignee": key}) for key, row in rows.items()})
    replies = dict(
        # A join, not ``ticket__in``: SQLite would first build the list of the period's
        # tickets, then look each one up in it.
        Message.objects.filter(PUBLIC_REPLY, created_in(period, prefix="ticket__"))
        .values_list("author_user").annotate(n=Count("*")).order_by().values_list(
            "author_user", "n")
    )
    user_ids = set(rows) | set(replies)
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)}
    result = []
    for user_id in user_ids:
        user, row = users.get(user_id), rows.get(user_id, {})
        result.append({
            "manager_id": user_id,
            "manager": display_name(user) if user else str(user_id),
            "tickets_assigned": row.get("tickets", 0),
            "replies": replies.get(user_id, 0),
            **_figure("first_response_seconds", row.get("first_response_avg"),
                      picked.get((user_id, "first_response"), {})),
            **_figure("resolution_seconds", row.get("resolution_avg"),
                      picked.get((user_id, "resolution"), {})),
            "avg_rating": _rounded(row.get("rating_avg")),
            "ratings_count": row.get("rating_n", 0),
            **sla.percents(row),
        })
    return sorted(result, key=lambda r: (-r["tickets_assigned"], -r["replies"], r["manager"]))


def _fetch_all(sql, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


DAYS = "analytics_days"
# COUNT(*) as a plain expression: a subquery's count, with no GROUP BY added (Count()
# would group by every column). Not COUNT(id): PostgreSQL can then count off the index.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def daily(period: Period) -> list[dict]:
    """Tickets created and resolved on each day of the period (portal's time zone).

    Each day is its own range (``Period.edges``, reckoned in Python in the portal's
    zone) and each count an index range count: one query with a row per day,
    ``WITH days AS (VALUES …)`` and two correlated counts. No date is computed per
    ticket and nothing is sorted.
    """
    created_tickets = Ticket.objects.order_by()
    # "Not open" rather than "done": the same tickets (the services set resolved_at
    # only with a done status), but the index carries the status either way.
    resolved_tickets = Ticket.objects.order_by().exclude(status__in=Ticket.OPEN_STATUSES)
    if period.department is not None:
        created_tickets = created_tickets.filter(department=period.department)
        resolved_tickets = resolved_tickets.filter(department=period.department)
    counts, params = [], []
    for queryset, field in ((created_tickets, "created_at"), (resolved_tickets, "resolved_at")):
        in_day = queryset.filter(**{f"{field}__gte": RawSQL(f"{DAYS}.lo", ()),
                                    f"{field}__lt": RawSQL(f"{DAYS}.hi", ())})
        sql, subparams = in_day.values(n=COUNT_ROWS).query.sql_with_params()
        counts.append(f"({sql})")
        params.extend(subparams)
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(f"({i}, %s, %s)" for i in range(len(period.days)))
    day_params = [adapt(edge) for pair in pairwise(period.edges) for edge in pair]
    found = _fetch_all(f"WITH {DAYS} (i, lo, hi) AS (VALUES {rows}) "
                       f"SELECT i, {', '.join(counts)} FROM {DAYS} ORDER BY i",
                       [*day_params, *params])
    return [{"date": day.isoformat(), "created": created, "resolved": resolved}
            for day, (_i, created, resolved) in zip(period.days, found, strict=True)]
