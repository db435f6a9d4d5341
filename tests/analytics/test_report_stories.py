"""``report()`` on tickets made for one test each through the services, at known moments.

Nearest rank: the p-th percentile of n sorted values is value number ⌈p·n⌉.
"""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from analytics import selectors
from tickets.models import Ticket

from .helpers import PERIOD_FROM, PERIOD_TO, Story, manager_row, moscow, report

pytestmark = pytest.mark.django_db


def test_reopen_removes_the_resolution_until_the_ticket_is_resolved_again(
        clock, make_client, directories):
    story = Story(clock, make_client())
    ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                          criticality=Ticket.Criticality.NORMAL)
    story.status(ticket, 600, Ticket.Status.RESOLVED)
    assert report()["avg_resolution_seconds"] == 600.0
    story.client_writes(ticket, 700)
    assert (report()["avg_resolution_seconds"], report()["resolved_count"]) == (None, 0)
    story.status(ticket, 5000, Ticket.Status.RESOLVED)
    assert (report()["avg_resolution_seconds"], report()["resolved_count"]) == (5000.0, 1)


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
    data = report()
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
    # The same nearest ranks from PostgreSQL's PERCENTILE_DISC and SQLite's own.
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 20  # up to eleven tickets from one client at once
    story = Story(clock, make_client())
    for delay in delays:
        ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                              criticality=Ticket.Criticality.NORMAL, assignee=managers.anna)
        story.reply(ticket, delay, managers.anna)
        story.status(ticket, delay * 2, Ticket.Status.RESOLVED)
    data = report()
    expected = (median, p90, median * 2, p90 * 2)
    assert (data["median_first_response_seconds"], data["p90_first_response_seconds"],
            data["median_resolution_seconds"], data["p90_resolution_seconds"]) == expected
    anna = manager_row(data, managers.anna)
    assert (anna["median_first_response_seconds"], anna["p90_first_response_seconds"],
            anna["median_resolution_seconds"], anna["p90_resolution_seconds"]) == expected


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


# --- period edges ------------------------------------------------------------------------------

def test_ticket_created_at_2330_moscow_on_the_last_day_counts(clock, make_client, directories):
    story = Story(clock, make_client())
    story.ticket(moscow(PERIOD_TO, 23, 30), department=directories.support,  # 20:30 UTC
                 criticality=Ticket.Criticality.NORMAL)
    assert report()["tickets_total"] == 1


def test_ticket_created_at_0010_moscow_after_the_last_day_does_not_count(
        clock, make_client, directories):
    story = Story(clock, make_client())
    # 00:10 Moscow on the next day is still 21:10 UTC on the last day.
    story.ticket(moscow(PERIOD_TO + timedelta(days=1), 0, 10), department=directories.support,
                 criticality=Ticket.Criticality.NORMAL)
    assert report()["tickets_total"] == 0


def test_ticket_created_at_0000_moscow_on_the_first_day_counts(clock, make_client, directories):
    story = Story(clock, make_client())
    story.ticket(moscow(PERIOD_FROM, 0, 0), department=directories.support,
                 criticality=Ticket.Criticality.NORMAL)
    story.ticket(moscow(PERIOD_FROM - timedelta(days=1), 23, 59, 59),
                 department=directories.support, criticality=Ticket.Criticality.NORMAL)
    assert report()["tickets_total"] == 1


def test_only_to_given_near_the_first_allowed_date_starts_on_it(db):
    period = selectors.period_parse(None, "1900-01-05")
    assert (period.start, period.end) == (selectors.FIRST_DATE, date(1900, 1, 5))
    assert selectors.report(period)["tickets_total"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's report runs in autocommit (its BEGIN takes the write lock)")
@pytest.mark.django_db(transaction=True)
def test_report_reads_one_snapshot_while_a_ticket_is_reopened(clock, make_client, directories):
    # The only resolved ticket is reopened by another connection after the totals were
    # read and before the days are counted: the days still see it resolved, as it was
    # when the report began, instead of one resolution on no day.
    story = Story(clock, make_client())
    ticket = story.ticket(moscow(PERIOD_FROM, 10), department=directories.support,
                          criticality=Ticket.Criticality.NORMAL)
    story.status(ticket, 600, Ticket.Status.RESOLVED)

    def reopen_elsewhere():
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.IN_PROGRESS,
                                                   resolved_at=None, resolution_seconds=None)
        connections.close_all()  # this thread's own connection

    def meddle(execute, sql, params, many, context):
        if sql.startswith("WITH analytics_days") and not meddled:
            meddled.append(sql)
            worker = threading.Thread(target=reopen_elsewhere)
            worker.start()
            worker.join()
        return execute(sql, params, many, context)

    meddled = []
    with connection.execute_wrapper(meddle):
        data = report()
    assert meddled
    assert (data["resolved_count"], data["median_resolution_seconds"],
            sum(day["resolved"] for day in data["daily"])) == (1, 600.0, 1)
    assert report()["resolved_count"] == 0  # the next report sees the reopen
