"""``period_parse()``: the period typed by a person, its defaults and its errors."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from analytics import selectors

from .helpers import moscow


def test_default_period_is_the_last_30_days_up_to_today():
    period = selectors.period_parse(today=date(2026, 3, 6))
    assert (period.start, period.end) == (date(2026, 2, 5), date(2026, 3, 6))
    assert len(period.days) == 30


def test_default_today_is_the_moscow_date(clock):
    clock.set(moscow(date(2026, 3, 7), 1, 0))  # 2026-03-06 22:00 UTC
    assert selectors.period_parse().end == date(2026, 3, 7)


def test_only_to_given_ends_the_30_days_there():
    period = selectors.period_parse(None, "2026-03-06", today=date(2026, 11, 1))
    assert (period.start, period.end) == (date(2026, 2, 5), date(2026, 3, 6))


def test_one_day_period_is_allowed():
    period = selectors.period_parse("2026-03-06", "2026-03-06")
    assert period.days == [date(2026, 3, 6)]


# --- invalid dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "field", "words"), [
    ("2026-13-01", "2026-03-06", "from", "Такой даты нет в календаре"),
    ("2026-02-01", "2026-02-31", "to", "Такой даты нет в календаре"),
    ("abc", "2026-03-06", "from", "Дата в формате ГГГГ-ММ-ДД"),
    ("2026-03-01", "6.3.2026", "to", "Дата в формате ГГГГ-ММ-ДД"),
    ("2026-03-07", "2026-03-06", "from", "Начало периода позже конца"),
    ("2010-01-01", "2026-03-06", "from", "не длиннее 10 лет"),
])
def test_invalid_dates_are_a_russian_error_on_their_field(start, end, field, words):
    with pytest.raises(ValidationError) as caught:
        selectors.period_parse(start, end)
    assert list(caught.value.message_dict) == [field]
    assert words in caught.value.message_dict[field][0]


@pytest.mark.parametrize(("start", "end", "field"), [
    ("0001-01-01", "2026-03-06", "from"),
    ("2026-03-01", "9999-12-31", "to"),
])
def test_dates_at_the_calendar_ends_are_an_error_not_a_crash(start, end, field):
    with pytest.raises(ValidationError) as caught:
        selectors.report(selectors.period_parse(start, end))
    assert list(caught.value.message_dict) == [field]
    assert "Дата вне допустимого диапазона" in caught.value.message_dict[field][0]
