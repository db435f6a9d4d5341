"""Nearest-rank medians and 90th percentiles: the value at rank ``ceil(count × share)``
of the sorted values.

PostgreSQL computes them in the pass that counts: ``PERCENTILE_DISC`` is exactly the
nearest rank. SQLite has no percentile function: once the counts are known, each value
is ``ORDER BY column LIMIT 1 OFFSET rank - 1`` (from whichever end is nearer), all in
one query. With the statistics of ``ANALYZE`` (analytics/statistics.py) SQLite reads a
manager's values off the index that starts with the assignee and the seconds.
Ratings (whole numbers 1…5) are read off their five counts.
"""

import math

from django.db import connection
from django.db.models import Aggregate

PERCENTILES = {"median": 0.5, "p90": 0.9}
# Columns in one SELECT of picks (SQLite allows 2,000).
MAX_PICKS = 500


def ranks(count) -> dict:
    """1-based positions of the nearest-rank percentiles among ``count`` sorted values."""
    return {name: max(1, math.ceil(count * share)) for name, share in PERCENTILES.items()}


def in_aggregates() -> bool:
    """Does the database compute the percentiles in its aggregates (PERCENTILE_DISC)?"""
    return connection.vendor == "postgresql"


class PercentileDisc(Aggregate):
    function = "PERCENTILE_DISC"
    # Django appends `` FILTER (WHERE …)`` when a filter is given.
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


def percentile_aggregates(prefix, column, condition) -> dict:
    """``{prefix_median: …, prefix_p90: …}`` aggregates where the database has them,
    else nothing (the values are then walked to, see ``walk``)."""
    if not in_aggregates():
        return {}
    return {f"{prefix}_{name}": PercentileDisc(column, share=share, filter=condition)
            for name, share in PERCENTILES.items()}


def from_aggregates(row, prefix) -> dict:
    return {name: row.get(f"{prefix}_{name}") for name in PERCENTILES}


def walk(wanted) -> dict:
    """``wanted`` is ``[(key, queryset, column, count)]`` (``count`` rows of ``queryset``
    have a value in ``column``); the answer ``{key: {name: value}}``, in one query for
    up to MAX_PICKS values."""
    picks = []
    for key, queryset, column, count in wanted:
        if not count:
            continue
        values = queryset.values_list(column)
        for name, position in ranks(count).items():
            if position - 1 <= count - position:
                pick = values.order_by(column)[position - 1:position]
            else:  # from the top: p90 reads a tenth of the rows, not nine tenths
                pick = values.order_by(f"-{column}")[count - position:count - position + 1]
            picks.append(((key, name), *pick.query.sql_with_params()))
    found = {}
    for first in range(0, len(picks), MAX_PICKS):
        chunk = picks[first:first + MAX_PICKS]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(f'({sql})' for _k, sql, _p in chunk)}",
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
