"""Business time against hand-computed cases (09:00–18:00 Moscow, the production calendar).

2025: Постановление № 1335 (Nov 1 a working Saturday, shortened; Jun 12–15 off).
2026: Постановление № 1466 (Dec 31 2025 – Jan 11 off; Mar 9 off for Sunday Mar 8;
Apr 30 shortened; May 1–3 off).
"""

from datetime import time

import pytest

from tickets.models import CalendarDay, WorkSchedule
from tickets.sla import BusinessCalendar

from .sla_helpers import HOUR, msk

pytestmark = pytest.mark.django_db


def add(moment, hours):
    return BusinessCalendar.load(moment).add(moment, hours * HOUR)


def between(first, last):
    return BusinessCalendar.load(first, last).between(first, last)


def test_across_a_weekend():
    # Fri 17:00–18:00 is one hour, Saturday and Sunday rest, Monday 09:00 + 1 h.
    assert add(msk(2026, 3, 13, 17), 2) == msk(2026, 3, 16, 10)


def test_friday_evening_to_monday_morning():
    assert add(msk(2026, 3, 13, 20), 1) == msk(2026, 3, 16, 10)


def test_ticket_created_at_three_in_the_night_starts_at_nine():
    assert add(msk(2026, 3, 10, 3), 1) == msk(2026, 3, 10, 10)


def test_across_the_new_year_holidays_2025_2026():
    # Tue Dec 30 2025 17:00–18:00 (1 h); Dec 31 is a day off (moved from Jan 5, 2025);
    # Jan 1–8 holidays, Jan 9 moved from Jan 3, Jan 10–11 weekend; Mon Jan 12 09:00 + 1 h.
    assert add(msk(2025, 12, 30, 17), 2) == msk(2026, 1, 12, 10)


def test_across_the_new_year_holidays_2025():
    # Jan 1–8 2025 holidays: a ticket filed on Jan 3 waits for Thu Jan 9.
    assert add(msk(2025, 1, 3, 12), 8) == msk(2025, 1, 9, 17)


def test_over_a_working_saturday_2025():
    # Fri Oct 31 17:00–18:00 (1 h); Sat Nov 1 works, one hour shorter (09:00–17:00):
    # 2 h more end at 11:00.
    assert add(msk(2025, 10, 31, 17), 3) == msk(2025, 11, 1, 11)


def test_the_working_saturday_is_short_and_the_holidays_follow_it():
    # Sat Nov 1 2025 16:00–17:00 (1 h); Nov 2 Sunday, Nov 3 moved day off, Nov 4 holiday.
    assert add(msk(2025, 11, 1, 16), 2) == msk(2025, 11, 5, 10)


def test_on_a_shortened_pre_holiday_day():
    # Thu Apr 30 2026 ends at 17:00: 16:00–17:00 is 1 h; May 1–3 rest; Mon May 4 + 1 h.
    assert add(msk(2026, 4, 30, 16), 2) == msk(2026, 5, 4, 10)


def test_a_target_can_end_exactly_at_the_shortened_end():
    assert add(msk(2026, 4, 30, 9), 8) == msk(2026, 4, 30, 17)


def test_a_holiday_moved_from_a_weekend_2026():
    # Mar 8 2026 is a Sunday: Monday Mar 9 is the day off (ТК РФ art. 112).
    assert add(msk(2026, 3, 6, 17), 2) == msk(2026, 3, 10, 10)


def test_a_holiday_moved_by_the_decree_2025():
    # Wed Jun 11 2025 is shortened (to 17:00); Jun 12 holiday, Jun 13 moved from Mar 8.
    assert add(msk(2025, 6, 11, 16, 30), 1) == msk(2025, 6, 16, 9, 30)


def test_between_counts_only_working_seconds():
    assert between(msk(2026, 3, 13, 17), msk(2026, 3, 16, 10)) == 2 * HOUR
    # Two working days around the New Year break: Dec 30 2025 and Jan 12 2026.
    assert between(msk(2025, 12, 30, 9), msk(2026, 1, 12, 18)) == 18 * HOUR
    # A whole shortened day is 8 hours.
    assert between(msk(2026, 4, 30), msk(2026, 5, 1)) == 8 * HOUR


def test_between_is_negative_backwards_and_add_walks_back():
    assert between(msk(2026, 3, 16, 10), msk(2026, 3, 13, 17)) == -2 * HOUR
    assert add(msk(2026, 3, 16, 10), -2) == msk(2026, 3, 13, 17)


def test_an_admin_day_off_wins_over_the_shipped_calendar():
    CalendarDay.objects.create(date=msk(2026, 3, 16).date(), kind=CalendarDay.Kind.DAY_OFF)
    assert add(msk(2026, 3, 13, 17), 2) == msk(2026, 3, 17, 10)


def test_an_admin_working_saturday_and_short_day():
    CalendarDay.objects.create(date=msk(2026, 3, 14).date(), kind=CalendarDay.Kind.SHORT)
    assert add(msk(2026, 3, 13, 17), 9) == msk(2026, 3, 14, 17)


def test_working_hours_come_from_the_schedule_row():
    WorkSchedule.objects.update(day_start=time(10), day_end=time(19))
    assert add(msk(2026, 3, 13, 18), 2) == msk(2026, 3, 16, 11)


def test_a_year_without_a_decree_keeps_the_labour_code_holidays():
    # 2028 is not shipped: Feb 23 (Wednesday) still rests by art. 112.
    assert add(msk(2028, 2, 22, 17), 2) == msk(2028, 2, 24, 10)


def test_one_query_for_the_days_however_long_the_walk(django_assert_num_queries):
    with django_assert_num_queries(2):  # the working hours, the admin's days
        calendar = BusinessCalendar.load(msk(2025, 12, 30, 17))
        # 1 h on Dec 30, 45 h in Jan 12–16, 27 h in Jan 19–21, 7 h on Jan 22.
        assert calendar.add(msk(2025, 12, 30, 17), 80 * HOUR) == msk(2026, 1, 22, 16)
