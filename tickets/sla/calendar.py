"""Business time: the one place that adds working seconds to a moment and counts
the working seconds between two moments.

A working day runs from ``WorkSchedule.day_start`` to ``day_end`` (09:00–18:00
by default) in ``TIME_ZONE``; a pre-holiday day ends an hour earlier. Which
days work: an admin's ``CalendarDay`` row, else the shipped production calendar
(``calendar_data``), else Labour Code art. 112's fixed holidays and
Monday–Friday. The rows are read in one query for a window of dates and again
only if a computation walks out of it.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from ..models import CalendarDay, WorkSchedule
from . import calendar_data

UTC = dt.UTC
DEFAULT_DAY_START = dt.time(9)
DEFAULT_DAY_END = dt.time(18)
SHORTENED_BY = dt.timedelta(hours=1)  # ТК РФ art. 95
WINDOW_DAYS = 120  # a window covers the longest default target (80 h) many times over
MAX_DAYS = 3660  # a calendar with no working day in ten years is a mistake, not a wait
# ТК РФ art. 112: non-working holidays, for years the shipped calendar does not cover.
ART_112 = {(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (2, 23), (3, 8),
           (5, 1), (5, 9), (6, 12), (11, 4)}
Kind = CalendarDay.Kind


class NoWorkingTime(Exception):
    """The calendar has no working day for years: the admin's rows need a look."""


def shipped_kind(day: dt.date) -> str | None:
    """What the shipped calendar says of a day: a kind, or None (a non-working day)."""
    if day in calendar_data.DAYS_OFF:
        return None
    if day in calendar_data.SHORT_DAYS:
        return Kind.SHORT
    if day in calendar_data.WORKING_WEEKENDS:
        return Kind.WORKING
    if day.year not in calendar_data.YEARS and (day.month, day.day) in ART_112:
        return None
    return Kind.WORKING if day.weekday() < 5 else None


class BusinessCalendar:
    """The working intervals of days, loaded for a window and extended on demand."""

    def __init__(self, *, day_start=DEFAULT_DAY_START, day_end=DEFAULT_DAY_END, tz=None):
        self.day_start, self.day_end = day_start, day_end
        self.tz = tz or ZoneInfo(settings.TIME_ZONE)
        self._overrides: dict[dt.date, str] = {}
        self._loaded: tuple[dt.date, dt.date] | None = None

    @classmethod
    def load(cls, first: dt.datetime, last: dt.datetime | None = None) -> "BusinessCalendar":
        """The calendar with the admin's rows for ``first``…``last`` (plus a margin) read."""
        schedule = WorkSchedule.objects.order_by("pk").first()
        calendar = (cls(day_start=schedule.day_start, day_end=schedule.day_end) if schedule
                    else cls())
        calendar._read(calendar.local_date(first) - dt.timedelta(days=7),
                       calendar.local_date(last or first) + dt.timedelta(days=WINDOW_DAYS))
        return calendar

    def _read(self, first: dt.date, last: dt.date) -> None:
        if self._loaded:
            first, last = min(first, self._loaded[0]), max(last, self._loaded[1])
        self._overrides = dict(CalendarDay.objects.filter(date__range=(first, last))
                               .values_list("date", "kind"))
        self._loaded = (first, last)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def kind(self, day: dt.date) -> str | None:
        """``working``, ``short`` or None for a day off."""
        if self._loaded is None or not self._loaded[0] <= day <= self._loaded[1]:
            self._read(day - dt.timedelta(days=WINDOW_DAYS), day + dt.timedelta(days=WINDOW_DAYS))
        kind = self._overrides.get(day)
        if kind is None:
            return shipped_kind(day)
        return None if kind == Kind.DAY_OFF else kind

    def hours(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The day's working interval in UTC, or None."""
        kind = self.kind(day)
        if kind is None:
            return None
        start = dt.datetime.combine(day, self.day_start, tzinfo=self.tz)
        end = dt.datetime.combine(day, self.day_end, tzinfo=self.tz)
        if kind == Kind.SHORT:
            end = max(start, end - SHORTENED_BY)
        return start.astimezone(UTC), end.astimezone(UTC)

    def add(self, moment: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of working time after ``moment`` (before it when negative).

        Outside working hours the count starts at the next working moment: a
        ticket filed at 03:00 with one hour to go is due at 10:00.
        """
        moment = moment.astimezone(UTC)
        step = dt.timedelta(days=1 if seconds >= 0 else -1)
        left = abs(seconds)
        day = self.local_date(moment)
        for _ in range(MAX_DAYS):
            interval = self.hours(day)
            if interval is not None:
                start, end = interval
                if seconds >= 0:
                    start = max(start, moment)
                else:
                    end = min(end, moment)
                available = (end - start).total_seconds()
                if available > 0 or (available == 0 and left == 0 and start == moment):
                    if left <= available:
                        return (start + dt.timedelta(seconds=left) if seconds >= 0
                                else end - dt.timedelta(seconds=left))
                    left -= available
            day += step
        raise NoWorkingTime(day)

    def between(self, first: dt.datetime, last: dt.datetime) -> float:
        """Working seconds from ``first`` to ``last`` (negative when ``last`` is earlier)."""
        if last < first:
            return -self.between(last, first)
        first, last = first.astimezone(UTC), last.astimezone(UTC)
        total = 0.0
        day, last_day = self.local_date(first), self.local_date(last)
        while day <= last_day:
            interval = self.hours(day)
            if interval is not None:
                start, end = max(interval[0], first), min(interval[1], last)
                if end > start:
                    total += (end - start).total_seconds()
            day += dt.timedelta(days=1)
        return total
