"""The outputs — JSON and ``analytics_report`` (the admin dashboard: ``test_dashboard``) —
show what ``selectors.report`` computes for the same period."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from .helpers import QUERY, report_as_json

pytestmark = pytest.mark.django_db

DESIGN_KEYS = {"tickets_total", "avg_first_response_seconds", "avg_resolution_seconds",
               "by_tag", "by_department", "avg_rating", "ratings_count", "by_manager",
               "by_criticality"}


def _command(*args):
    out = io.StringIO()
    call_command("analytics_report", "--from", QUERY["from"], "--to", QUERY["to"], *args,
                 stdout=out)
    return out.getvalue()


# --- GET /manager/analytics ----------------------------------------------------------------------

def test_json_has_the_design_keys(dataset, api):
    response = api.get("/manager/analytics", QUERY)
    assert response.status_code == 200
    assert DESIGN_KEYS <= set(response.json())


def test_json_equals_the_report_for_the_same_period(dataset, api):
    assert api.get("/manager/analytics", QUERY).json() == report_as_json()


def test_json_carries_the_hand_computed_figures(dataset, api):
    data = api.get("/manager/analytics", QUERY).json()
    assert (data["tickets_total"], data["avg_first_response_seconds"],
            data["avg_resolution_seconds"], data["avg_rating"], data["ratings_count"]) == (
        6, 260.0, 9600.0, 3.67, 3)


def test_json_filters_by_department_slug(dataset, api):
    response = api.get("/manager/analytics", {**QUERY, "department": "billing"})
    assert response.json() == report_as_json(department=dataset.billing)
    assert response.json()["tickets_total"] == 2


def test_json_answers_with_a_trailing_slash(dataset, api):
    assert api.get("/manager/analytics/", QUERY).json() == report_as_json()


def test_json_without_the_key_is_401(dataset):
    response = HttpClient().get("/manager/analytics", QUERY)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_json_with_a_wrong_key_is_401(dataset, manager_key):
    wrong = HttpClient(headers={"X-Manager-Key": manager_key + "x"})
    response = wrong.get("/manager/analytics", QUERY)
    assert response.status_code == 401


@pytest.mark.parametrize(("query", "field", "words"), [
    ({"from": "2026-13-01", "to": "2026-03-06"}, "from", "Такой даты нет в календаре"),
    ({"from": "2026-03-01", "to": "abc"}, "to", "Дата в формате ГГГГ-ММ-ДД"),
    ({"from": "2026-03-07", "to": "2026-03-06"}, "from", "Начало периода позже конца"),
    ({"from": "2026-03-01", "to": "9999-12-31"}, "to", "вне допустимого диапазона"),
    ({**QUERY, "department": "nowhere"}, "department", "Нет такого отдела"),
])
def test_json_bad_parameter_is_a_400_json_error_on_its_field(dataset, api, query, field, words):
    response = api.get("/manager/analytics", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["error"], body["field"]) == ("invalid_field", field)
    assert words in body["detail"]


def test_json_post_is_405(dataset, api):
    assert api.post("/manager/analytics", QUERY).status_code == 405


# --- manage.py analytics_report --------------------------------------------------------------

def test_command_json_equals_the_report(dataset):
    assert json.loads(_command("--format", "json")) == report_as_json()


def test_command_csv_parses_and_carries_the_same_totals(dataset):
    rows = list(csv.reader(io.StringIO(_command("--format", "csv"))))
    assert rows[0] == ["section", "key", "value"]
    totals = {key: value for section, key, value in rows[1:] if section == "total"}
    expected = {key: "" if value is None else str(value) for key, value in report_as_json().items()
                if not isinstance(value, dict | list)}
    assert totals == expected
    assert totals["tickets_total"] == "6"


def test_command_csv_carries_the_breakdowns(dataset):
    rows = list(csv.reader(io.StringIO(_command("--format", "csv"))))
    by_tag = [(key, int(value)) for section, key, value in rows if section == "by_tag"]
    assert by_tag == [("Ошибка", 3), ("Вопрос", 2), ("—", 1)]
    managers = {(section, key): value for section, key, value in rows
                if section.startswith("manager:")}
    assert managers[("manager:Анна Петрова", "replies")] == "3"
    assert managers[("manager:Борис Иванов", "avg_resolution_seconds")] == "18000.0"


def test_command_table_prints_durations_in_russian(dataset):
    lines = {line.split()[1]: line for line in _command("--format", "table").splitlines()
             if line.startswith("total")}
    assert lines["avg_first_response_seconds"].endswith("260.0 (4 мин)")
    assert lines["avg_resolution_seconds"].endswith("9600.0 (2 ч 40 мин)")
    assert lines["p90_resolution_seconds"].endswith("18000.0 (5 ч)")
    assert lines["tickets_total"].endswith(" 6")


def test_command_table_shows_a_dash_for_empty_figures(dataset):
    out = io.StringIO()
    call_command("analytics_report", "--from", "2026-01-01", "--to", "2026-01-31", stdout=out)
    lines = {line.split()[1]: line for line in out.getvalue().splitlines()
             if line.startswith("total")}
    assert lines["avg_first_response_seconds"].endswith(" —")


def test_command_filters_by_department_like_the_json(dataset, api):
    printed = json.loads(_command("--format", "json", "--department", "Бухгалтерия"))
    assert printed == api.get("/manager/analytics",
                              {**QUERY, "department": "billing"}).json()
    assert (printed["tickets_total"], printed["period"]["department"]) == (2, "billing")


def test_command_unknown_department_is_a_command_error_in_russian(db):
    with pytest.raises(CommandError, match="Нет такого отдела: «legal»"):
        call_command("analytics_report", "--department", "legal", stdout=io.StringIO())


@pytest.mark.parametrize(("args", "words"), [
    (["--from", "2026-13-01"], "Такой даты нет в календаре: 2026-13-01."),
    (["--from", "abc"], "Дата в формате ГГГГ-ММ-ДД"),
    (["--from", "2026-03-07", "--to", "2026-03-06"], "Начало периода позже конца."),
])
def test_command_bad_dates_are_a_command_error_in_russian(db, args, words):
    with pytest.raises(CommandError, match="даты|Дата|Начало периода") as caught:
        call_command("analytics_report", *args, stdout=io.StringIO())
    assert words in str(caught.value)
