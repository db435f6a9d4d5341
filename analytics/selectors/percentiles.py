"""Nearest-rank medians and 90th percentiles: the value at rank ``ceil(count × share)``
of the sorted values, which is what PostgreSQL's ``PERCENTILE_DISC`` computes.

``PercentileDisc`` is an aggregate like ``Avg``: it goes in the passes that count, on
both databases. SQLite has no such function; each of its connections gets one written
in Python (``register_sqlite_percentile``, connected in ``analytics/apps.py``), as
Django itself gives SQLite the functions it lacks. Ratings (whole numbers 1…5) are
read off their five counts.
"""

import math

from django.db.models import Aggregate

PERCENTILES = {"median": 0.5, "p90": 0.9}


def ranks(count) -> dict:
    """1-based positions of the nearest-rank percentiles among ``count`` sorted values."""
    return {name: max(1, math.ceil(count * share)) for name, share in PERCENTILES.items()}


class PercentileDisc(Aggregate):
    function = "PERCENTILE_DISC"
    # Django appends `` FILTER (WHERE …)`` when a filter is given.
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        plain = self.copy()  # SQLite's (ours, below) takes the share as its second argument
        plain.template = "%(function)s(%(expressions)s, %(share)s)"
        return plain.as_sql(compiler, connection, **extra_context)


def percentile_aggregates(prefix, column, condition) -> dict:
    """``{prefix_median: …, prefix_p90: …}`` of ``column`` over the rows of ``condition``."""
    return {f"{prefix}_{name}": PercentileDisc(column, share=share, filter=condition)
            for name, share in PERCENTILES.items()}


def from_aggregates(row, prefix) -> dict:
    return {name: row.get(f"{prefix}_{name}") for name in PERCENTILES}


class _SqlitePercentileDisc:
    """``PERCENTILE_DISC(value, share)`` for SQLite: keeps the values, sorts them once."""

    def __init__(self):
        self.values, self.share = [], None

    def step(self, value, share):
        if value is not None:
            self.values.append(value)
            self.share = share

    def finalize(self):
        if not self.values:
            return None
        self.values.sort()
        return self.values[max(1, math.ceil(len(self.values) * self.share)) - 1]


def register_sqlite_percentile(*, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("PERCENTILE_DISC", 2, _SqlitePercentileDisc)


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
