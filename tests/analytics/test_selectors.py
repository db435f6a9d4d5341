"""Each figure of ``analytics.selectors`` against the hand-computed dataset of conftest.py.

Nearest rank: the p-th percentile of n sorted values is value number ⌈p·n⌉.
"""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import selectors
from tickets.models import Department, Tag, Ticket

from .conftest import PERIOD_FROM, PERIOD_TO, Story, moscow

pytestmark = pytest.mark.django_db


def _report(**kwargs):
    return selectors.report(selectors.period_parse(PERIOD_FROM.isoformat(),
                                                   PERIOD_TO.isoformat(), **kwargs))


def _manager(report, user):
    [row] = [row for row in report["by_manager"] if row["manager_id"] == user.pk]
    return row


# --- the whole period --------------------------------------------------------------------------

def test_tickets_total_counts_only_tickets_created_in_the_period(dataset):
    # T1…T6; T0 (the evening before) and T7 (00:10 Moscow after `to`) stay out.
    assert _report()["tickets_total"] == 6


def test_first_response_average_median_and_p90(dataset):
    # T1 60 s, T2 120 s, T3 600 s → avg 780/3 = 260, median ⌈1.5⌉ = #2 = 120, p90 ⌈2.7⌉ = #3 = 600.
    data = _report()
    assert (data["avg_first_response_seconds"], data["median_first_response_seconds"],
            data["p90_first_response_seconds"], data["first_response_count"]) == (
        260.0, 120.0, 600.0, 3)


def test_internal_notes_do_not_set_the_first_response(dataset):
    # T4 and T5 have only internal notes; T2's note at 30 s is not its first response.
    assert dataset.t4.first_response_at is None
    assert dataset.t5.first_response_at is None
    assert dataset.t2.first_response_at == dataset.t2.created_at + timedelta(seconds=120)


def test_tickets_without_a_public_reply_are_left_out_of_first_response(dataset):
    # T4, T5 (notes only) and T6 (no manager message at all) are not averaged in as 0.
    assert dataset.t6.first_response_at is None
    assert _report()["first_response_count"] == 3


def test_resolution_average_median_and_p90(dataset):
    # T1 3600 s; T2 closed straight from in_progress at 7200 s; T3 resolved again at 18000 s.
    # → avg 28800/3 = 9600, median #2 = 7200, p90 #3 = 18000.
    data = _report()
    assert (data["avg_resolution_seconds"], data["median_resolution_seconds"],
            data["p90_resolution_seconds"], data["resolved_count"]) == (9600.0, 7200.0,
                                                                         18000.0, 3)


def test_ticket_closed_straight_from_an_open_status_counts_as_resolved(dataset):
    assert dataset.t2.status == Ticket.Status.CLOSED
    assert dataset.t2.resolved_at == dataset.t2.created_at + timedelta(seconds=7200)
    # …and the report counts it: Анна's resolutions are T1 (3600 s) and T2 (7200 s).
    assert _manager(_report(), dataset.anna)["avg_resolution_seconds"] == 5400.0


def test_reopened_ticket_counts_with_its_later_resolution(dataset):
    # T3 resolved at 1800 s, reopened by the client, resolved again at 18000 s.
    assert dataset.t3.resolved_at == dataset.t3.created_at + timedelta(seconds=18000)
    assert _manager(_report(), dataset.boris)["avg_resolution_seconds"] == 18000.0


def test_reopened_ticket_still_open_is_left_out_of_resolution(dataset):
    # T4: resolved at 900 s, reopened at 1000 s, still in progress.
    assert (dataset.t4.status, dataset.t4.resolved_at) == (Ticket.Status.IN_PROGRESS, None)
    assert _report(department=dataset.billing)["resolved_count"] == 1


def test_reopen_removes_the_resolution_until_the_ticket_is_resolved_again(
        clock, make_client, directories):
    story = Story(clock, make_client())
    ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                          criticality=Ticket.Criticality.NORMAL)
    story.status(ticket, 600, Ticket.Status.RESOLVED)
    assert _report()["avg_resolution_seconds"] == 600.0
    story.client_writes(ticket, 700)
    assert (_report()["avg_resolution_seconds"], _report()["resolved_count"]) == (None, 0)
    story.status(ticket, 5000, Ticket.Status.RESOLVED)
    assert (_report()["avg_resolution_seconds"], _report()["resolved_count"]) == (5000.0, 1)


def test_rating_average_median_p90_and_count(dataset):
    # ★5 (T1), ★4 (T2), ★2 (T3); T4…T6 unrated → avg 11/3 = 3.67, median 4, p90 5.
    data = _report()
    assert (data["avg_rating"], data["median_rating"], data["p90_rating"],
            data["ratings_count"]) == (3.67, 4.0, 5.0, 3)


@pytest.mark.parametrize(("ratings", "median", "p90"), [
    ([1, 2, 5, 5], 2.0, 5.0),  # median ⌈2⌉ = #2, p90 ⌈3.6⌉ = #4
    ([3], 3.0, 3.0),
    ([4, 4, 4, 4, 4, 4, 4, 4, 4, 1], 4.0, 4.0),  # sorted: 1 then nine 4s; p90 ⌈9⌉ = #9
    ([5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1.0, 1.0),  # p90 ⌈9.9⌉ = #10 of eleven: still a 1
])
def test_rating_percentiles_are_nearest_ranks(clock, make_client, directories, ratings, median,
                                              p90, settings):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 20  # up to eleven tickets from one client at once
    story = Story(clock, make_client())
    for rating in ratings:
        ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                              criticality=Ticket.Criticality.NORMAL)
        story.status(ticket, 60, Ticket.Status.RESOLVED)
        story.rate(ticket, 120, rating)
    data = _report()
    assert (data["median_rating"], data["p90_rating"], data["ratings_count"]) == (
        median, p90, len(ratings))


@pytest.mark.parametrize(("delays", "median", "p90"), [
    # Sorted: 60 60 120 300 300 300 900 900 3600 3600 7200; median ⌈5.5⌉ = #6, p90 ⌈9.9⌉ = #10.
    ([3600, 60, 300, 900, 7200, 300, 60, 120, 3600, 300, 900], 300.0, 3600.0),
    ([500, 100], 100.0, 500.0),  # median ⌈1⌉ = #1, p90 ⌈1.8⌉ = #2
    ([7, 7, 7, 7, 7, 7, 7, 7, 7, 1], 7.0, 7.0),  # p90 ⌈9⌉ = #9: a 7, one from the top
    ([40, 10, 30, 20, 50, 60, 70, 80, 90, 100], 50.0, 90.0),  # #5 and #9
])
def test_duration_percentiles_are_nearest_ranks_for_the_period_and_each_manager(
        clock, make_client, directories, managers, delays, median, p90, settings):
    # Ranks past the middle are read walking down from the largest value: both walks agree
    # with the nearest rank counted from the smallest.
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 20  # up to eleven tickets from one client at once
    story = Story(clock, make_client())
    for delay in delays:
        ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                              criticality=Ticket.Criticality.NORMAL, assignee=managers.anna)
        story.reply(ticket, delay, managers.anna)
        story.status(ticket, delay * 2, Ticket.Status.RESOLVED)
    data = _report()
    expected = (median, p90, median * 2, p90 * 2)
    assert (data["median_first_response_seconds"], data["p90_first_response_seconds"],
            data["median_resolution_seconds"], data["p90_resolution_seconds"]) == expected
    anna = _manager(data, managers.anna)
    assert (anna["median_first_response_seconds"], anna["p90_first_response_seconds"],
            anna["median_resolution_seconds"], anna["p90_resolution_seconds"]) == expected


def test_by_tag_counts_tickets_without_a_tag_as_null(dataset):
    assert _report()["by_tag"] == [{"tag": "Ошибка", "count": 3},  # T1 T2 T5
                                   {"tag": "Вопрос", "count": 2},  # T3 T6
                                   {"tag": None, "count": 1}]  # T4


def test_by_department_counts_tickets_per_department(dataset):
    assert _report()["by_department"] == [
        {"department": "Техническая поддержка", "count": 3},  # T1 T2 T5
        {"department": "Бухгалтерия", "count": 2},  # T3 T4
        {"department": "Продажи", "count": 1},  # T6
    ]


def test_by_criticality_lists_every_level_with_its_label(dataset):
    assert _report()["by_criticality"] == [
        {"criticality": "low", "label": "Низкая", "count": 1},  # T4
        {"criticality": "normal", "label": "Средняя", "count": 3},  # T2 T5 T6
        {"criticality": "high", "label": "Высокая", "count": 1},  # T1
        {"criticality": "critical", "label": "Критическая", "count": 1},  # T3
    ]


def test_by_status_counts_current_statuses(dataset):
    counts = {row["status"]: row["count"] for row in _report()["by_status"]}
    assert counts == {"new": 1, "in_progress": 1, "waiting": 1, "resolved": 2, "closed": 1}


def test_by_manager_figures_for_the_manager_with_most_tickets(dataset):
    # Анна: T1 T2 T5 assigned; public replies on T1, T2 and Борис's T3 (notes on T2, T5 and
    # T0 outside the period do not count). First response 60, 120 → avg 90, median #1 = 60,
    # p90 #2 = 120; resolution 3600, 7200 → 5400 / 3600 / 7200; ★5, ★4 → 4.5.
    data = _report()
    assert data["by_manager"][0] == {
        "manager_id": dataset.anna.pk, "manager": "Анна Петрова",
        "tickets_assigned": 3, "replies": 3,
        "avg_first_response_seconds": 90.0, "median_first_response_seconds": 60.0,
        "p90_first_response_seconds": 120.0,
        "avg_resolution_seconds": 5400.0, "median_resolution_seconds": 3600.0,
        "p90_resolution_seconds": 7200.0,
        "avg_rating": 4.5, "ratings_count": 2,
    }


def test_by_manager_figures_for_the_second_manager(dataset):
    # Борис: T3 T4 assigned; one public reply (T3; the note on T4 and T7's reply do not count).
    data = _report()
    assert data["by_manager"][1] == {
        "manager_id": dataset.boris.pk, "manager": "Борис Иванов",
        "tickets_assigned": 2, "replies": 1,
        "avg_first_response_seconds": 600.0, "median_first_response_seconds": 600.0,
        "p90_first_response_seconds": 600.0,
        "avg_resolution_seconds": 18000.0, "median_resolution_seconds": 18000.0,
        "p90_resolution_seconds": 18000.0,
        "avg_rating": 2.0, "ratings_count": 1,
    }
    assert len(data["by_manager"]) == 2


def test_daily_counts_created_and_resolved_per_moscow_day(dataset):
    # T2 closes at 00:00 on 03-03 and T4 is created at 01:00 on 03-04 (Moscow): in UTC both
    # would fall on the day before. T4's resolution was undone by the reopen.
    assert _report()["daily"] == [
        {"date": "2026-03-02", "created": 2, "resolved": 1},
        {"date": "2026-03-03", "created": 1, "resolved": 2},
        {"date": "2026-03-04", "created": 1, "resolved": 0},
        {"date": "2026-03-05", "created": 1, "resolved": 0},
        {"date": "2026-03-06", "created": 1, "resolved": 0},
    ]


def test_daily_days_follow_the_clock_change_of_the_portals_zone(
        settings, clock, make_client, directories):
    # Berlin moves its clocks forward at 02:00 on 2026-03-29 (a 23-hour day) and back at
    # 03:00 on 2026-10-25 (25 hours): each ticket lands on its local day.
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    story = Story(clock, make_client())
    for when in (datetime(2026, 3, 28, 23, 30, tzinfo=berlin),  # 22:30 UTC, 03-28
                 datetime(2026, 3, 29, 0, 30, tzinfo=berlin),  # 23:30 UTC, 03-28
                 datetime(2026, 3, 29, 23, 30, tzinfo=berlin),  # 21:30 UTC, 03-29
                 datetime(2026, 10, 25, 23, 30, tzinfo=berlin)):  # 22:30 UTC, 10-25
        ticket = story.ticket(when, department=directories.support,
                              criticality=Ticket.Criticality.NORMAL)
        story.status(ticket, 60, Ticket.Status.RESOLVED)
    with timezone.override(berlin):
        daily = {day["date"]: (day["created"], day["resolved"]) for day in selectors.report(
            selectors.period_parse("2026-03-28", "2026-10-26"))["daily"]}
    assert len(daily) == 213
    assert {day: n for day, n in daily.items() if n != (0, 0)} == {
        "2026-03-28": (1, 1), "2026-03-29": (2, 2), "2026-10-25": (1, 1)}


def test_daily_covers_the_longest_period_allowed(dataset):
    start = PERIOD_TO - timedelta(days=selectors.MAX_DAYS - 1)  # 3,660 days, both included
    data = selectors.report(selectors.period_parse(start.isoformat(), PERIOD_TO.isoformat()))
    assert len(data["daily"]) == selectors.MAX_DAYS
    assert (data["daily"][0]["date"], data["daily"][-1]["date"]) == (start.isoformat(),
                                                                     PERIOD_TO.isoformat())
    # T0 (the evening before the dataset's period) counts now; T7, after `to`, still does not.
    assert sum(day["created"] for day in data["daily"]) == data["tickets_total"] == 7


def test_report_names_its_period(dataset):
    assert _report(department=dataset.billing)["period"] == {
        "from": "2026-03-02", "to": "2026-03-06", "department": "billing"}


# --- one department ----------------------------------------------------------------------------

def test_department_filter_narrows_the_totals(dataset):
    # Бухгалтерия: T3 (reply 600 s, resolved 18000 s, ★2) and T4 (reopened, no reply).
    data = _report(department=dataset.billing)
    assert {key: data[key] for key in (
        "tickets_total", "avg_first_response_seconds", "median_first_response_seconds",
        "p90_first_response_seconds", "first_response_count", "avg_resolution_seconds",
        "median_resolution_seconds", "p90_resolution_seconds", "resolved_count",
        "avg_rating", "median_rating", "p90_rating", "ratings_count")} == {
        "tickets_total": 2, "avg_first_response_seconds": 600.0,
        "median_first_response_seconds": 600.0, "p90_first_response_seconds": 600.0,
        "first_response_count": 1, "avg_resolution_seconds": 18000.0,
        "median_resolution_seconds": 18000.0, "p90_resolution_seconds": 18000.0,
        "resolved_count": 1, "avg_rating": 2.0, "median_rating": 2.0, "p90_rating": 2.0,
        "ratings_count": 1}


def test_department_filter_narrows_the_breakdowns(dataset):
    data = _report(department=dataset.billing)
    # Two tags with one ticket each: their order is the database's NULL ordering.
    assert sorted(data["by_tag"], key=lambda row: row["tag"] or "") == [
        {"tag": None, "count": 1}, {"tag": "Вопрос", "count": 1}]
    assert data["by_department"] == [{"department": "Бухгалтерия", "count": 2}]
    assert [row["count"] for row in data["by_criticality"]] == [1, 0, 0, 1]
    assert {row["status"]: row["count"] for row in data["by_status"]} == {
        "new": 0, "in_progress": 1, "waiting": 0, "resolved": 1, "closed": 0}
    assert [(day["created"], day["resolved"]) for day in data["daily"]] == [
        (0, 0), (1, 1), (1, 0), (0, 0), (0, 0)]


def test_department_filter_narrows_the_managers(dataset):
    # Анна has no ticket in Бухгалтерия but replied on T3: she is listed with her reply only.
    rows = {row["manager"]: row for row in _report(department=dataset.billing)["by_manager"]}
    assert (rows["Борис Иванов"]["tickets_assigned"], rows["Борис Иванов"]["replies"],
            rows["Борис Иванов"]["avg_first_response_seconds"]) == (2, 1, 600.0)
    assert rows["Анна Петрова"] == {
        "manager_id": dataset.anna.pk, "manager": "Анна Петрова",
        "tickets_assigned": 0, "replies": 1,
        "avg_first_response_seconds": None, "median_first_response_seconds": None,
        "p90_first_response_seconds": None, "avg_resolution_seconds": None,
        "median_resolution_seconds": None, "p90_resolution_seconds": None,
        "avg_rating": None, "ratings_count": 0}


def test_breakdowns_leave_out_tags_and_departments_without_tickets(dataset):
    Tag.objects.create(name="Доступ", slug="access")
    Department.objects.create(name="Юристы", slug="legal")
    data = _report()
    assert [row["tag"] for row in data["by_tag"]] == ["Ошибка", "Вопрос", None]
    assert [row["department"] for row in data["by_department"]] == [
        "Техническая поддержка", "Бухгалтерия", "Продажи"]


def test_department_without_tickets_in_the_period_has_empty_breakdowns(dataset):
    legal = Department.objects.create(name="Юристы", slug="legal")
    data = _report(department=legal)
    assert (data["tickets_total"], data["by_tag"], data["by_department"], data["by_manager"]) == (
        0, [], [], [])


# --- empty period ------------------------------------------------------------------------------

def test_empty_period_gives_zero_tickets_and_null_figures(dataset):
    data = selectors.report(selectors.period_parse("2026-01-01", "2026-01-31"))
    assert data["tickets_total"] == 0
    figures = {key: value for key, value in data.items()
               if key.startswith(("avg_", "median_", "p90_"))}
    assert len(figures) == 9
    assert set(figures.values()) == {None}
    assert (data["ratings_count"], data["first_response_count"], data["resolved_count"]) == (
        0, 0, 0)


def test_empty_period_gives_empty_lists_and_zero_counts(dataset):
    data = selectors.report(selectors.period_parse("2026-01-01", "2026-01-31"))
    assert (data["by_tag"], data["by_department"], data["by_manager"]) == ([], [], [])
    assert {row["count"] for row in data["by_criticality"] + data["by_status"]} == {0}
    assert len(data["daily"]) == 31
    assert {(day["created"], day["resolved"]) for day in data["daily"]} == {(0, 0)}


# --- period edges ------------------------------------------------------------------------------

def test_ticket_created_at_2330_moscow_on_the_last_day_counts(clock, make_client, directories):
    story = Story(clock, make_client())
    story.ticket(moscow(PERIOD_TO, 23, 30), department=directories.support,  # 20:30 UTC
                 criticality=Ticket.Criticality.NORMAL)
    assert _report()["tickets_total"] == 1


def test_ticket_created_at_0010_moscow_after_the_last_day_does_not_count(
        clock, make_client, directories):
    story = Story(clock, make_client())
    # 00:10 Moscow on the next day is still 21:10 UTC on the last day.
    story.ticket(moscow(PERIOD_TO + timedelta(days=1), 0, 10), department=directories.support,
                 criticality=Ticket.Criticality.NORMAL)
    assert _report()["tickets_total"] == 0


def test_ticket_created_at_0000_moscow_on_the_first_day_counts(clock, make_client, directories):
    story = Story(clock, make_client())
    story.ticket(moscow(PERIOD_FROM, 0, 0), department=directories.support,
                 criticality=Ticket.Criticality.NORMAL)
    story.ticket(moscow(PERIOD_FROM - timedelta(days=1), 23, 59, 59),
                 department=directories.support, criticality=Ticket.Criticality.NORMAL)
    assert _report()["tickets_total"] == 1


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


def test_only_to_given_near_the_first_allowed_date_starts_on_it(db):
    period = selectors.period_parse(None, "1900-01-05")
    assert (period.start, period.end) == (selectors.FIRST_DATE, date(1900, 1, 5))
    assert selectors.report(period)["tickets_total"] == 0


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


# --- large and changing data ------------------------------------------------------------------

def test_percentile_picks_beyond_one_select_go_in_several(monkeypatch, dataset):
    # Hundreds of managers would be more columns than one SELECT may have (PostgreSQL
    # 1,664): the picks are split, the figures stay the same.
    whole = _report()
    with CaptureQueriesContext(connection) as one_select:
        _report()
    monkeypatch.setattr(selectors, "MAX_PICKS", 3)
    with CaptureQueriesContext(connection) as split:
        assert _report() == whole
    assert len(split) > len(one_select)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's report runs in autocommit (its BEGIN takes the write lock)")
@pytest.mark.django_db(transaction=True)
def test_report_reads_one_snapshot_while_a_ticket_is_reopened(clock, make_client, directories):
    # The only resolved ticket is reopened by another connection after the counts were
    # read and before the median is walked to: the report still sees it resolved, as
    # it was when the report began, instead of one resolution with no median.
    story = Story(clock, make_client())
    ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                          criticality=Ticket.Criticality.NORMAL)
    story.status(ticket, 600, Ticket.Status.RESOLVED)

    def reopen_elsewhere():
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.IN_PROGRESS,
                                                   resolved_at=None, resolution_seconds=None)
        connections.close_all()  # this thread's own connection

    def meddle(execute, sql, params, many, context):
        if sql.startswith("SELECT (SELECT") and not meddled:
            meddled.append(sql)
            worker = threading.Thread(target=reopen_elsewhere)
            worker.start()
            worker.join()
        return execute(sql, params, many, context)

    meddled = []
    with connection.execute_wrapper(meddle):
        data = _report()
    assert meddled
    assert (data["resolved_count"], data["median_resolution_seconds"]) == (1, 600.0)
    assert _report()["resolved_count"] == 0  # the next report sees the reopen
