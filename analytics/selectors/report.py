"""Support metrics, every one a database aggregate.

The number of queries does not depend on the number of tickets, and no
ticket is loaded into Python. Each pass over the period costs a scan of it,
so there are few: one for the totals and every breakdown over a known list
(criticality, status, rating, tag, department) as filtered counts, one grouped
by manager, one for replies. The days are index range counts, a pair per day in
one query, no scan. The delays are read from the seconds the services store on
each ticket (``first_response_seconds``, ``resolution_seconds``). Medians and
90th percentiles are nearest-rank values: the counts already known give each
wanted rank, and the value at that rank is an ordered walk of an index on the
seconds (``LIMIT 1 OFFSET rank - 1``, from whichever end is nearer), no sort;
all the picks of a pass go in one query. Ratings (whole numbers 1…5) are read
off their five counts.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count, FloatField, Func, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tickets.models import PUBLIC_REPLY, Department, Message, Tag, Ticket
from tickets.selectors import directory_find

DEFAULT_DAYS = 30
MAX_DAYS = 3660
# The period's bounds are computed one day past ``to`` and converted to UTC:
# dates at the ends of Python's calendar (year 1, year 9999) would overflow.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)
PERCENTILES = {"median": 0.5, "p90": 0.9}
# Columns in one SELECT of percentile picks (PostgreSQL allows 1,664, SQLite 2,000).
MAX_PICKS = 500


# The delays in seconds, stored on the ticket by the services (with first_response_at
# and resolved_at) and indexed, so that averages and percentiles read them directly.
FIRST_RESPONSE = "first_response_seconds"
RESOLUTION = "resolution_seconds"


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    department: Department | None = None

    @property
    def bounds(self):
        """[start 00:00, day after end 00:00) in the portal's time zone."""
        return _midnight(self.start), _midnight(self.end + timedelta(days=1))

    @property
    def edges(self):
        """00:00 of every day of the period and of the day after, in the portal's time
        zone: day ``i`` is ``[edges[i], edges[i + 1])``, 23 or 25 hours on a clock change."""
        return [_midnight(day) for day in [*self.days, self.end + timedelta(days=1)]]

    @property
    def days(self):
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def period_parse(start=None, end=None, *, department=None, today=None) -> Period:
    """``from``/``to`` as ISO dates, both included; default the last 30 days to today.
    ``department``: a Department, or its slug, name or id as typed by a person."""
    today = today or timezone.localdate()
    errors = {}
    if isinstance(department, str | int):
        typed, department = department, directory_find(Department, department)
        if department is None and str(typed).strip():
            errors["department"] = [_("Нет такого отдела: «%(v)s».") % {"v": typed}]

    def parse(value, name):
        if value in (None, ""):
            return None
        try:
            parsed = parse_date(value) if isinstance(value, str) else value
        except ValueError:  # well-formed but impossible, like 2026-02-31
            errors[name] = [_("Такой даты нет в календаре: %(v)s.") % {"v": value}]
            return None
        if parsed is None:
            errors[name] = [_("Дата в формате ГГГГ-ММ-ДД, например %(d)s.")
                            % {"d": today.isoformat()}]
        elif not FIRST_DATE <= parsed <= LAST_DATE:
            errors[name] = [_("Дата вне допустимого диапазона: %(v)s.") % {"v": value}]
            return None
        return parsed

    end_date = parse(end, "to") or today
    start_date = parse(start, "from") or max(end_date - timedelta(days=DEFAULT_DAYS - 1),
                                             FIRST_DATE)
    if errors:
        raise ValidationError(errors)
    if start_date > end_date:
        raise ValidationError({"from": [_("Начало периода позже конца.")]})
    if (end_date - start_date).days >= MAX_DAYS:
        raise ValidationError({"from": [_("Период не длиннее 10 лет.")]})
    return Period(start_date, end_date, department)


def created_in(period: Period, prefix="") -> Q:
    """Tickets created in the period (and its department); ``prefix`` reaches them
    from a related model (``"ticket__"``)."""
    start, end = period.bounds
    condition = Q(**{f"{prefix}created_at__gte": start, f"{prefix}created_at__lt": end})
    if period.department is not None:
        condition &= Q(**{f"{prefix}department": period.department})
    return condition


def tickets_in(period: Period):
    return Ticket.objects.filter(created_in(period)).order_by()


def _rounded(value):
    """A figure for the outputs (seconds, a rating): two decimals, or None."""
    return None if value is None else round(float(value), 2)


ANSWERED = Q(first_response_seconds__isnull=False)
RESOLVED = Q(status__in=Ticket.DONE_STATUSES, resolution_seconds__isnull=False)
RATINGS = range(1, 6)  # the check constraint ticket_rating_1_to_5


def _ranks(count) -> dict:
    """1-based positions of the nearest-rank percentiles among ``count`` sorted values."""
    return {name: max(1, math.ceil(count * share)) for name, share in PERCENTILES.items()}


def _duration_aggregates() -> dict:
    """Count and average of each duration."""
    figures = {}
    for name, column, condition in (("first_response", FIRST_RESPONSE, ANSWERED),
                                    ("resolution", RESOLUTION, RESOLVED)):
        figures[f"{name}_n"] = Count("id", filter=condition)
        figures[f"{name}_avg"] = Avg(column, filter=condition)
    return figures


def _force_index(sql, queryset, index) -> str:
    """SQLite keeps no statistics and guesses: it would read a period through
    ticket_created and sort it rather than walk the seconds' index, or count a
    department's resolved tickets through its whole department. ``INDEXED BY`` names
    the index (an error, not a slow plan, if it ever could not be used)."""
    if connection.vendor != "sqlite" or index is None:
        return sql
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return sql.replace(f"FROM {table}", f"FROM {table} INDEXED BY {connection.ops.quote_name(index)}", 1)


def _fetch_all(sql, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _percentiles(wanted) -> dict:
    """Nearest-rank percentiles, all in one query: ``wanted`` is
    ``[(key, queryset, column, count, index)]`` and the answer ``{key: {name: value}}``.

    Every value is ``ORDER BY column LIMIT 1 OFFSET rank - 1`` over the tickets of
    ``queryset`` (``count`` of them, known from the counts already aggregated): a
    walk along an index that starts with ``column`` (ticket_first_response,
    ticket_assignee_first_response…), no sort. A rank past the middle is walked to
    from the other end (``ORDER BY column DESC … OFFSET count - rank``): the 90th
    percentile costs a tenth of the tickets, not nine tenths. The picks are scalar
    subqueries of one SELECT, so one round trip for up to MAX_PICKS / 4 managers.
    """
    picks = []
    for key, queryset, column, count, index in wanted:
        if not count:
            continue
        values = queryset.filter(**{f"{column}__isnull": False}).values_list(column)
        for name, position in _ranks(count).items():
            if position - 1 <= count - position:
                pick = values.order_by(column)[position - 1:position]
            else:
                pick = values.order_by(f"-{column}")[count - position:count - position + 1]
            subquery, subparams = pick.query.sql_with_params()
            picks.append(((key, name), f"({_force_index(subquery, queryset, index)})", subparams))
    found = {}
    # More than MAX_PICKS (hundreds of managers) take more SELECTs, not a wider one.
    for first in range(0, len(picks), MAX_PICKS):
        chunk = picks[first:first + MAX_PICKS]
        [row] = _fetch_all(f"SELECT {', '.join(sql for _k, sql, _p in chunk)}",
                           [param for _k, _sql, params in chunk for param in params])
        for ((key, name), _sql, _p), value in zip(chunk, row, strict=True):
            found.setdefault(key, {})[name] = value
    return found


def _rating_percentiles(histogram) -> dict:
    """Nearest-rank median and p90 of ratings from their counts per value (1…5): the
    sorted ratings are those counts laid end to end, no sort needed."""
    total, found = sum(histogram.values()), {}
    for name, position in (_ranks(total).items() if total else ()):
        seen = 0
        for value in RATINGS:
            seen += histogram[value]
            if seen >= position:
                found[name] = value
                break
    return found


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
    """The counts and the index walks they steer read the same rows. On PostgreSQL each
    statement of READ COMMITTED sees the latest commits: a ticket reopened between the
    count and its walk would leave ``resolved_count=1`` beside a null median. A
    read-only REPEATABLE READ transaction reads one snapshot throughout. (Inside a
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
    )
    picked = _percentiles([
        ("first_response", tickets.filter(ANSWERED), FIRST_RESPONSE, totals["first_response_n"],
         "ticket_first_response"),
        ("resolution", tickets.filter(RESOLVED), RESOLUTION, totals["resolution_n"],
         "ticket_resolution"),
    ])
    first_response, resolution = picked.get("first_response", {}), picked.get("resolution", {})
    ratings = _rating_percentiles({value: totals[f"rating_{value}"] for value in RATINGS})

    if period.department is None:
        by_department = _breakdown("department", departments, totals, field="department")
    else:
        by_department = [{"department": period.department.name, "count": totals["total"]}
                         ][:1 if totals["total"] else 0]

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
        "by_tag": _breakdown("tag", tags, totals, field="tag", total=totals["total"]),
        "by_department": by_department,
        "by_criticality": [{"criticality": code, "label": str(label),
                            "count": totals[f"criticality_{code}"]}
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
        .annotate(tickets=Count("*"), **_duration_aggregates(),
                  rating_avg=Avg(Cast("rating", FloatField())), rating_n=Count("rating"))
        .order_by()
    )}
    picked = _percentiles([
        *((("first_response", key), assigned.filter(ANSWERED, assignee=key), FIRST_RESPONSE,
           row["first_response_n"], "ticket_assignee_first_response") for key, row in rows.items()),
        *((("resolution", key), assigned.filter(RESOLVED, assignee=key), RESOLUTION,
           row["resolution_n"], "ticket_assignee_resolution") for key, row in rows.items()),
    ])
    first_response = {key: picked.get(("first_response", key), {}) for key in rows}
    resolution = {key: picked.get(("resolution", key), {}) for key in rows}
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
            "manager": (user.get_full_name() or user.get_username()) if user else str(user_id),
            "tickets_assigned": row.get("tickets", 0),
            "replies": replies.get(user_id, 0),
            **_figure("first_response_seconds", row.get("first_response_avg"),
                      first_response.get(user_id, {})),
            **_figure("resolution_seconds", row.get("resolution_avg"),
                      resolution.get(user_id, {})),
            "avg_rating": _rounded(row.get("rating_avg")),
            "ratings_count": row.get("rating_n", 0),
        })
    return sorted(result, key=lambda r: (-r["tickets_assigned"], -r["replies"], r["manager"]))


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
    for queryset, field, index in ((created_tickets, "created_at", None),
                                   (resolved_tickets, "resolved_at", "ticket_resolved_status")):
        in_day = queryset.filter(**{f"{field}__gte": RawSQL(f"{DAYS}.lo", ()),
                                    f"{field}__lt": RawSQL(f"{DAYS}.hi", ())})
        sql, subparams = in_day.values(n=COUNT_ROWS).query.sql_with_params()
        counts.append(f"({_force_index(sql, in_day, index)})")
        params.extend(subparams)
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(f"({i}, %s, %s)" for i in range(len(period.days)))
    day_params = [adapt(edge) for pair in pairwise(period.edges) for edge in pair]
    found = _fetch_all(f"WITH {DAYS} (i, lo, hi) AS (VALUES {rows}) "
                       f"SELECT i, {', '.join(counts)} FROM {DAYS} ORDER BY i",
                       [*day_params, *params])
    return [{"date": day.isoformat(), "created": created, "resolved": resolved}
            for day, (_i, created, resolved) in zip(period.days, found, strict=True)]
