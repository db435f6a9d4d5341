"""The shipped production calendar: its yearly totals, and the ``holidays`` package's
view of the same years (transfers and working Saturdays; it has no shortened days)."""

from datetime import date, timedelta

import pytest

from tickets.sla import calendar_data
from tickets.sla.calendar import shipped_kind


def _working_days(year):
    day, days, hours = date(year, 1, 1), 0, 0
    while day.year == year:
        kind = shipped_kind(day)
        if kind is not None:
            days += 1
            hours += 7 if kind == "short" else 8
        day += timedelta(days=1)
    return days, hours


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_each_year_has_the_published_norm(year):
    # 2025 and 2026: 247 working days, 1972 hours of a 40-hour week (published calendars).
    assert _working_days(year) == (247, 1972)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_days_off_and_working_saturdays_agree_with_the_holidays_package(year):
    holidays = pytest.importorskip("holidays")
    russia = holidays.country_holidays("RU", years=year)
    assert {day for day in russia if day.weekday() < 5} == {
        day for day in calendar_data.DAYS_OFF if day.year == year}
    assert {day for day in russia.weekend_workdays if day.year == year} == {
        day for day in calendar_data.WORKING_WEEKENDS if day.year == year}
