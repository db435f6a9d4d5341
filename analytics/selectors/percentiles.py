"""Nearest-rank medians and 90th percentiles: the value at rank ``ceil(count × share)``
of the sorted values, which is what PostgreSQL's ``PERCENTILE_DISC`` computes.

On PostgreSQL ``PercentileDisc`` is an aggregate like ``Avg``, in the passes that count.
SQLite has no such function: there each value is walked to along the index on the
delay (``walked``). Ratings (whole numbers 1…5) are read off their five counts.
"""

import math

from django.db import connection
from django.db.models import Aggregate, DateTimeField, Func

from tickets.models import Ticket

PERCENTILES = {"median": 0.5, "p90": 0.9}
MAX_PICKS = 400  # scalar subqueries in one SELECT on SQLite


def ranks(count) -> dict:
    """1-based positions of the nearest-rank percentiles among ``count`` sorted values."""
    return {name: max(1, math.ceil(count * share)) for name, share in PERCENTILES.items()}


class PercentileDisc(Aggregate):
    function = "PERCENTILE_DISC"
    # Django appends `` FILTER (WHERE …)`` when a filter is given.
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


def percentile_aggregates(prefix, column, condition) -> dict:
    """``{prefix_median: …, prefix_p90: …}`` of ``column`` over the rows of ``condition``."""
    return {f"{prefix}_{name}": PercentileDisc(column, share=share, filter=condition)
            for name, share in PERCENTILES.items()}


def from_aggregates(row, prefix) -> dict:
    return {name: row.get(f"{prefix}_{name}") for name in PERCENTILES}


class OffIndex(Func):
    """SQLite's unary ``+`` on a column: the term still filters, but the planner may not
    serve it from an index ("Disqualifying WHERE clause terms using unary-+" in SQLite's
    query planner docs). A period's date range then cannot lure it off the index on
    the delay: it walks that index in order instead of sorting the whole period."""

    template = "+%(expressions)s"
    output_field = DateTimeField()


def walkable(period):
    """The period's tickets (and department) for index walks on SQLite."""
    start, end = period.bounds
    tickets = Ticket.objects.alias(created=OffIndex("created_at")).filter(
        created__gte=start, created__lt=end)
    if period.department is not None:
        tickets = tickets.filter(department=period.department)
    return tickets.order_by()


def walked(wanted) -> dict:
    """SQLite has no PERCENTILE_DISC: each pick is ``ORDER BY column LIMIT 1 OFFSET
    rank - 1`` along the covering index that starts with the delay (ticket_first_response,
    ticket_assignee_first_response…), no sort. ``wanted`` is ``[(key, tickets, column,
    condition, count)]`` (the counts are aggregated already), the answer ``{key: {name:
    value}}``. A rank past the middle is walked to from the top, so the 90th percentile
    reads a tenth of the rows. All picks are scalar subqueries of one SELECT (MAX_PICKS
    at a time)."""
    picks = []
    for key, tickets, column, condition, count in wanted:
        values = tickets.filter(condition).values_list(column)
        for name, position in (ranks(count).items() if count else ()):
            if position - 1 <= count - position:
                pick = values.order_by(column)[position - 1:position]
            else:
                pick = values.order_by(f"-{column}")[count - position:count - position + 1]
            sql, params = pick.query.sql_with_params()
            picks.append(((key, name), f"({sql})", params))
    found = {}
    for first in range(0, len(picks), MAX_PICKS):
        chunk = picks[first:first + MAX_PICKS]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(sql for _k, sql, _p in chunk)}",
                           [param for _k, _sql, params in chunk for param in params])
            row = cursor.fetchone()
        for ((key, name), _sql, _p), value in zip(chunk, row, strict=True):
            found.setdefault(key, {})[name] = value
    return found


def from_histogram(histogram) -> dict:
    """Nearest-rank percentiles of whole numbers from their counts per value (in
    ascending order of value): the sorted values are those counts laid end to end."""
    total, found = sum(histogram.values()), {}
    for name, position in (ranks(total).items() if total else ()):
        seen = 0
        for value, count in histogram.items():
            seen += count
            if seen >= position:
                found[name] = value
                break
    return found
