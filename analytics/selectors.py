"""Support metrics, every one a database aggregate.

The number of queries does not depend on the number of tickets, and no
ticket is loaded into Python: averages are ``AVG``, counts are ``GROUP BY``,
medians and 90th percentiles are nearest-rank values picked with window
functions (``ROW_NUMBER`` against ``COUNT`` over the same partition), which
SQLite and PostgreSQL both run.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    F,
    Field,
    FloatField,
    Func,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Cast, Ceil, RowNumber, TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tickets.models import Department, Message, Ticket

DEFAULT_DAYS = 30
MAX_DAYS = 3660
# The period's bounds are computed one day past ``to`` and converted to UTC:
# dates at the ends of Python's calendar (year 1, year 9999) would overflow.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)
PERCENTILES = {"median": 0.5, "p90": 0.9}


class Seconds(Func):
    """``end - start`` in seconds, computed natively (Django's SQLite datetime
    subtraction calls a Python function for every row)."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="((julianday(%(expressions)s)) * 86400.0)",
                           arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
                           arg_joiner=" - ", **extra)


FIRST_RESPONSE = Seconds(F("first_response_at"), F("created_at"))
RESOLUTION = Seconds(F("resolved_at"), F("created_at"))


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    department: Department | None = None

    @property
    def bounds(self):
        """[start 00:00, day after end 00:00) in the portal's time zone."""
        tz = timezone.get_current_timezone()
        return (timezone.make_aware(datetime.combine(self.start, time.min), tz),
                timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz))

    @property
    def days(self):
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def period_parse(start=None, end=None, *, department=None, today=None) -> Period:
    """``from``/``to`` as ISO dates, both included; default the last 30 days to today."""
    today = today or timezone.localdate()
    errors = {}

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
    start_date = parse(start, "from") or end_date - timedelta(days=DEFAULT_DAYS - 1)
    if errors:
        raise ValidationError(errors)
    if start_date > end_date:
        raise ValidationError({"from": [_("Начало периода позже конца.")]})
    if (end_date - start_date).days >= MAX_DAYS:
        raise ValidationError({"from": [_("Период не длиннее 10 лет.")]})
    return Period(start_date, end_date, department)


def tickets_in(period: Period):
    start, end = period.bounds
    tickets = Ticket.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    if period.department is not None:
        tickets = tickets.filter(department=period.department)
    return tickets


def _seconds(value):
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds(), 1)
    return round(float(value), 2)


class NearestRanks(Aggregate):
    """PostgreSQL's PERCENTILE_DISC is the nearest-rank percentile: one sort, no window."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(ARRAY[%(shares)s]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = Field()  # an array of floats: no converter

    def __init__(self, expression, **extra):
        super().__init__(expression, shares=", ".join(map(str, PERCENTILES.values())), **extra)


def _percentiles(queryset, expression, *, group=None) -> dict:
    """Nearest-rank median and p90 of ``expression``, per ``group`` (one query)."""
    if connection.vendor == "postgresql":
        queryset = queryset.order_by()
        if group:
            rows = queryset.values(group).annotate(ranks=NearestRanks(expression)).values_list(
                group, "ranks")
        else:
            rows = [(None, queryset.aggregate(ranks=NearestRanks(expression))["ranks"])]
        return {key: dict(zip(PERCENTILES, ranks, strict=True))
                for key, ranks in rows if ranks is not None}
    partition = [F(group)] if group else None
    ranked = queryset.annotate(
        value=expression,
        position=Window(RowNumber(), partition_by=partition, order_by=expression.asc()),
        size=Window(Count("id"), partition_by=partition),
    )
    wanted = Q()
    for share in PERCENTILES.values():
        wanted |= Q(position=Ceil(F("size") * share))
    found = {}
    fields = ["value", "position", "size", *([group] if group else [])]
    for row in ranked.filter(wanted).values(*fields):
        key = row[group] if group else None
        for name, share in PERCENTILES.items():
            if row["position"] == max(1, math.ceil(row["size"] * share)):
                found.setdefault(key, {})[name] = row["value"]
    return found


def _figure(prefix, average, picked):
    return {
        f"avg_{prefix}": _seconds(average),
        f"median_{prefix}": _seconds(picked.get("median")),
        f"p90_{prefix}": _seconds(picked.get("p90")),
    }


def _counts(queryset, field, choices=None):
    rows = dict(queryset.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    if choices is None:
        return rows
    return {code: rows.get(code, 0) for code, _label in choices}


def report(period: Period) -> dict:
    tickets = tickets_in(period)
    answered = tickets.filter(first_response_at__isnull=False)
    resolved = tickets.filter(status__in=Ticket.DONE_STATUSES, resolved_at__isnull=False)
    rated = tickets.filter(rating__isnull=False)
    rating = Cast("rating", FloatField())

    totals = tickets.aggregate(
        total=Count("id"),
        first_response=Avg(FIRST_RESPONSE, filter=Q(first_response_at__isnull=False)),
        resolution=Avg(RESOLUTION, filter=Q(status__in=Ticket.DONE_STATUSES,
                                             resolved_at__isnull=False)),
        answered=Count("id", filter=Q(first_response_at__isnull=False)),
        resolved=Count("id", filter=Q(status__in=Ticket.DONE_STATUSES,
                                      resolved_at__isnull=False)),
        rating_avg=Avg(rating), rating_n=Count("rating"),
    )
    first_response = _percentiles(answered, FIRST_RESPONSE).get(None, {})
    resolution = _percentiles(resolved, RESOLUTION).get(None, {})
    ratings = _percentiles(rated, rating).get(None, {})

    by_tag = (tickets.values("tag__name").annotate(n=Count("id")).order_by("-n", "tag__name"))
    by_department = (tickets.values("department__name").annotate(n=Count("id"))
                     .order_by("-n", "department__name"))
    by_criticality = _counts(tickets, "criticality", Ticket.Criticality.choices)
    by_status = _counts(tickets, "status", Ticket.Status.choices)

    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "department": period.department.slug if period.department else None},
        "tickets_total": totals["total"],
        **_figure("first_response_seconds", totals["first_response"], first_response),
        "first_response_count": totals["answered"],
        **_figure("resolution_seconds", totals["resolution"], resolution),
        "resolved_count": totals["resolved"],
        "avg_rating": _seconds(totals["rating_avg"]),
        "median_rating": _seconds(ratings.get("median")),
        "p90_rating": _seconds(ratings.get("p90")),
        "ratings_count": totals["rating_n"],
        "by_tag": [{"tag": row["tag__name"], "count": row["n"]} for row in by_tag],
        "by_department": [{"department": row["department__name"], "count": row["n"]}
                          for row in by_department],
        "by_criticality": [{"criticality": code, "label": str(label),
                            "count": by_criticality[code]}
                           for code, label in Ticket.Criticality.choices],
        "by_status": [{"status": code, "label": str(label), "count": by_status[code]}
                      for code, label in Ticket.Status.choices],
        "by_manager": by_manager(period, tickets),
        "daily": daily(period),
    }


def by_manager(period: Period, tickets) -> list[dict]:
    """Per assignee: tickets, speed and rating; per author: public replies."""
    assigned = (
        tickets.filter(assignee__isnull=False).values("assignee")
        .annotate(
            tickets=Count("id"),
            first_response=Avg(FIRST_RESPONSE, filter=Q(first_response_at__isnull=False)),
            resolution=Avg(RESOLUTION, filter=Q(status__in=Ticket.DONE_STATUSES,
                                                 resolved_at__isnull=False)),
            rating_avg=Avg(Cast("rating", FloatField())),
            rating_n=Count("rating"),
        )
        .order_by()
    )
    rows = {row["assignee"]: row for row in assigned}
    replies = dict(
        Message.objects.filter(ticket__in=tickets, author_kind=Message.AuthorKind.MANAGER,
                               is_internal=False, author_user__isnull=False)
        .values_list("author_user").annotate(n=Count("id")).order_by().values_list(
            "author_user", "n")
    )
    with_assignee = tickets.filter(assignee__isnull=False)
    first_response = _percentiles(with_assignee.filter(first_response_at__isnull=False),
                                  FIRST_RESPONSE, group="assignee")
    resolution = _percentiles(with_assignee.filter(status__in=Ticket.DONE_STATUSES,
                                                   resolved_at__isnull=False),
                              RESOLUTION, group="assignee")
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
            **_figure("first_response_seconds", row.get("first_response"),
                      first_response.get(user_id, {})),
            **_figure("resolution_seconds", row.get("resolution"), resolution.get(user_id, {})),
            "avg_rating": _seconds(row.get("rating_avg")),
            "ratings_count": row.get("rating_n", 0),
        })
    return sorted(result, key=lambda r: (-r["tickets_assigned"], -r["replies"], r["manager"]))


def _local_date(field, period):
    """The local date of ``field``: natively on SQLite when the zone's offset does not
    change in the period (Django's TruncDate calls Python for every row there)."""
    tz = timezone.get_current_timezone()
    if connection.vendor == "sqlite":
        offsets = {tz.utcoffset(datetime.combine(day, time.min))
                   for day in [*period.days, period.end + timedelta(days=1)]}
        if len(offsets) == 1:
            minutes = int(offsets.pop().total_seconds() // 60)
            return Func(F(field), Value(f"{minutes:+d} minutes"), function="date",
                        output_field=DateField())
    return TruncDate(field, tzinfo=tz)


def daily(period: Period) -> list[dict]:
    """Tickets created and resolved on each day of the period (portal's time zone)."""
    start, end = period.bounds
    created = dict(
        tickets_in(period).annotate(day=_local_date("created_at", period)).values("day")
        .annotate(n=Count("id")).order_by().values_list("day", "n")
    )
    resolved_tickets = Ticket.objects.order_by().filter(resolved_at__gte=start, resolved_at__lt=end,
                                             status__in=Ticket.DONE_STATUSES)
    if period.department is not None:
        resolved_tickets = resolved_tickets.filter(department=period.department)
    resolved = dict(
        resolved_tickets.annotate(day=_local_date("resolved_at", period)).values("day")
        .annotate(n=Count("id")).order_by().values_list("day", "n")
    )
    return [{"date": day.isoformat(), "created": created.get(day, 0),
             "resolved": resolved.get(day, 0)} for day in period.days]
