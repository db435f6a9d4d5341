"""Each figure of ``report()`` against the hand-computed week of conftest.py (``dataset``,
built once for this module).

Nearest rank: the p-th percentile of n sorted values is value number ⌈p·n⌉.
"""

from datetime import timedelta

import pytest

from analytics import selectors
from tickets.models import Department, Tag, Ticket

from .helpers import PERIOD_TO, manager_row, report

pytestmark = pytest.mark.django_db


# --- the whole period --------------------------------------------------------------------------

def test_tickets_total_counts_only_tickets_created_in_the_period(dataset):
    # T1…T6; T0 (the evening before) and T7 (00:10 Moscow after `to`) stay out.
    assert report()["tickets_total"] == 6


def test_first_response_average_median_and_p90(dataset):
    # T1 60 s, T2 120 s, T3 600 s → avg 780/3 = 260, median ⌈1.5⌉ = #2 = 120, p90 ⌈2.7⌉ = #3 = 600.
    data = report()
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
    assert report()["first_response_count"] == 3


def test_resolution_average_median_and_p90(dataset):
    # T1 3600 s; T2 closed straight from in_progress at 7200 s; T3 resolved again at 18000 s.
    # → avg 28800/3 = 9600, median #2 = 7200, p90 #3 = 18000.
    data = report()
    assert (data["avg_resolution_seconds"], data["median_resolution_seconds"],
            data["p90_resolution_seconds"], data["resolved_count"]) == (9600.0, 7200.0,
                                                                         18000.0, 3)


def test_ticket_closed_straight_from_an_open_status_counts_as_resolved(dataset):
    assert dataset.t2.status == Ticket.Status.CLOSED
    assert dataset.t2.resolved_at == dataset.t2.created_at + timedelta(seconds=7200)
    # …and the report counts it: Анна's resolutions are T1 (3600 s) and T2 (7200 s).
    assert manager_row(report(), dataset.anna)["avg_resolution_seconds"] == 5400.0


def test_reopened_ticket_counts_with_its_later_resolution(dataset):
    # T3 resolved at 1800 s, reopened by the client, resolved again at 18000 s.
    assert dataset.t3.resolved_at == dataset.t3.created_at + timedelta(seconds=18000)
    assert manager_row(report(), dataset.boris)["avg_resolution_seconds"] == 18000.0


def test_reopened_ticket_still_open_is_left_out_of_resolution(dataset):
    # T4: resolved at 900 s, reopened at 1000 s, still in progress.
    assert (dataset.t4.status, dataset.t4.resolved_at) == (Ticket.Status.IN_PROGRESS, None)
    assert report(department=dataset.billing)["resolved_count"] == 1


def test_rating_average_median_p90_and_count(dataset):
    # ★5 (T1), ★4 (T2), ★2 (T3); T4…T6 unrated → avg 11/3 = 3.67, median 4, p90 5.
    data = report()
    assert (data["avg_rating"], data["median_rating"], data["p90_rating"],
            data["ratings_count"]) == (3.67, 4.0, 5.0, 3)


def test_by_tag_counts_tickets_without_a_tag_as_null(dataset):
    assert report()["by_tag"] == [{"tag": "Ошибка", "count": 3},  # T1 T2 T5
                                   {"tag": "Вопрос", "count": 2},  # T3 T6
                                   {"tag": None, "count": 1}]  # T4


def test_by_department_counts_tickets_per_department(dataset):
    # SLA (default targets): every decided verdict of the week is met; T4 was resolved
    # without a public reply (no first-response verdict) and reopened (none for resolution).
    assert report()["by_department"] == [
        {"department": "Техническая поддержка", "count": 3,  # T1 T2 T5
         "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0},
        {"department": "Бухгалтерия", "count": 2,  # T3 T4
         "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0},
        {"department": "Продажи", "count": 1,  # T6: waiting, nothing decided
         "sla_first_response_met_pct": None, "sla_resolution_met_pct": None},
    ]


def test_by_criticality_lists_every_level_with_its_label(dataset):
    assert report()["by_criticality"] == [
        {"criticality": "low", "label": "Низкая", "count": 1,  # T4
         "sla_first_response_met_pct": None, "sla_resolution_met_pct": None},
        {"criticality": "normal", "label": "Средняя", "count": 3,  # T2 T5 T6
         "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0},
        {"criticality": "high", "label": "Высокая", "count": 1,  # T1
         "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0},
        {"criticality": "critical", "label": "Критическая", "count": 1,  # T3
         "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0},
    ]


def test_by_status_counts_current_statuses(dataset):
    counts = {row["status"]: row["count"] for row in report()["by_status"]}
    assert counts == {"new": 1, "in_progress": 1, "waiting": 1, "resolved": 2, "closed": 1}


def test_by_manager_figures_for_the_manager_with_most_tickets(dataset):
    # Анна: T1 T2 T5 assigned; public replies on T1, T2 and Борис's T3 (notes on T2, T5 and
    # T0 outside the period do not count). First response 60, 120 → avg 90, median #1 = 60,
    # p90 #2 = 120; resolution 3600, 7200 → 5400 / 3600 / 7200; ★5, ★4 → 4.5.
    data = report()
    assert data["by_manager"][0] == {
        "manager_id": dataset.anna.pk, "manager": "Анна Петрова",
        "tickets_assigned": 3, "replies": 3,
        "avg_first_response_seconds": 90.0, "median_first_response_seconds": 60.0,
        "p90_first_response_seconds": 120.0,
        "avg_resolution_seconds": 5400.0, "median_resolution_seconds": 3600.0,
        "p90_resolution_seconds": 7200.0,
        "avg_rating": 4.5, "ratings_count": 2,
        "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0,
    }


def test_by_manager_figures_for_the_second_manager(dataset):
    # Борис: T3 T4 assigned; one public reply (T3; the note on T4 and T7's reply do not count).
    data = report()
    assert data["by_manager"][1] == {
        "manager_id": dataset.boris.pk, "manager": "Борис Иванов",
        "tickets_assigned": 2, "replies": 1,
        "avg_first_response_seconds": 600.0, "median_first_response_seconds": 600.0,
        "p90_first_response_seconds": 600.0,
        "avg_resolution_seconds": 18000.0, "median_resolution_seconds": 18000.0,
        "p90_resolution_seconds": 18000.0,
        "avg_rating": 2.0, "ratings_count": 1,
        "sla_first_response_met_pct": 100.0, "sla_resolution_met_pct": 100.0,
    }
    assert len(data["by_manager"]) == 2


def test_daily_counts_created_and_resolved_per_moscow_day(dataset):
    # T2 closes at 00:00 on 03-03 and T4 is created at 01:00 on 03-04 (Moscow): in UTC both
    # would fall on the day before. T4's resolution was undone by the reopen.
    assert report()["daily"] == [
        {"date": "2026-03-02", "created": 2, "resolved": 1},
        {"date": "2026-03-03", "created": 1, "resolved": 2},
        {"date": "2026-03-04", "created": 1, "resolved": 0},
        {"date": "2026-03-05", "created": 1, "resolved": 0},
        {"date": "2026-03-06", "created": 1, "resolved": 0},
    ]


def test_daily_covers_the_longest_period_allowed(dataset):
    start = PERIOD_TO - timedelta(days=selectors.MAX_DAYS - 1)  # 3,660 days, both included
    data = selectors.report(selectors.period_parse(start.isoformat(), PERIOD_TO.isoformat()))
    assert len(data["daily"]) == selectors.MAX_DAYS
    assert (data["daily"][0]["date"], data["daily"][-1]["date"]) == (start.isoformat(),
                                                                     PERIOD_TO.isoformat())
    # T0 (the evening before the dataset's period) counts now; T7, after `to`, still does not.
    assert sum(day["created"] for day in data["daily"]) == data["tickets_total"] == 7


def test_report_names_its_period(dataset):
    assert report(department=dataset.billing)["period"] == {
        "from": "2026-03-02", "to": "2026-03-06", "department": "billing"}


# --- one department ----------------------------------------------------------------------------

def test_department_filter_narrows_the_totals(dataset):
    # Бухгалтерия: T3 (reply 600 s, resolved 18000 s, ★2) and T4 (reopened, no reply).
    data = report(department=dataset.billing)
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
    data = report(department=dataset.billing)
    # Two tags with one ticket each: their order is the database's NULL ordering.
    assert sorted(data["by_tag"], key=lambda row: row["tag"] or "") == [
        {"tag": None, "count": 1}, {"tag": "Вопрос", "count": 1}]
    assert data["by_department"] == [{"department": "Бухгалтерия", "count": 2,
                                      "sla_first_response_met_pct": 100.0,
                                      "sla_resolution_met_pct": 100.0}]
    assert [row["count"] for row in data["by_criticality"]] == [1, 0, 0, 1]
    assert {row["status"]: row["count"] for row in data["by_status"]} == {
        "new": 0, "in_progress": 1, "waiting": 0, "resolved": 1, "closed": 0}
    assert [(day["created"], day["resolved"]) for day in data["daily"]] == [
        (0, 0), (1, 1), (1, 0), (0, 0), (0, 0)]


def test_department_filter_narrows_the_managers(dataset):
    # Анна has no ticket in Бухгалтерия but replied on T3: she is listed with her reply only.
    rows = {row["manager"]: row for row in report(department=dataset.billing)["by_manager"]}
    assert (rows["Борис Иванов"]["tickets_assigned"], rows["Борис Иванов"]["replies"],
            rows["Борис Иванов"]["avg_first_response_seconds"]) == (2, 1, 600.0)
    assert rows["Анна Петрова"] == {
        "manager_id": dataset.anna.pk, "manager": "Анна Петрова",
        "tickets_assigned": 0, "replies": 1,
        "avg_first_response_seconds": None, "median_first_response_seconds": None,
        "p90_first_response_seconds": None, "avg_resolution_seconds": None,
        "median_resolution_seconds": None, "p90_resolution_seconds": None,
        "avg_rating": None, "ratings_count": 0,
        "sla_first_response_met_pct": None, "sla_resolution_met_pct": None}


def test_breakdowns_leave_out_tags_and_departments_without_tickets(dataset):
    Tag.objects.create(name="Доступ", slug="access")
    Department.objects.create(name="Юристы", slug="legal")
    data = report()
    assert [row["tag"] for row in data["by_tag"]] == ["Ошибка", "Вопрос", None]
    assert [row["department"] for row in data["by_department"]] == [
        "Техническая поддержка", "Бухгалтерия", "Продажи"]


def test_department_without_tickets_in_the_period_has_empty_breakdowns(dataset):
    legal = Department.objects.create(name="Юристы", slug="legal")
    data = report(department=legal)
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
