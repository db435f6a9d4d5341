"""The period a report covers: dates typed by a person, and the tickets created in it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tickets.models import Department, Ticket
from tickets.selectors import directory_find

DEFAULT_DAYS = 30
MAX_DAYS = 3660
# The period's bounds are computed one day past ``to`` and converted to UTC:
# dates at the ends of Python's calendar (year 1, year 9999) would overflow.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)


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
