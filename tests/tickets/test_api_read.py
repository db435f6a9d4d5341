"""Manager API, reading the list: its tickets, filters and the 400s of bad query values
(pages and the card: test_api_pages.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from tests.helpers import assert_json_error
from tests.tickets.helpers import TICKET_KEYS, is_iso_with_offset
from tickets import services
from tickets.models import Department, Tag

from .helpers import ids_of, set_updated_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def ticket(make_ticket, portal_client, tag):
    return make_ticket(portal_client, title="Не приходит счёт", tag=tag, criticality="high")


# --- the list ---------------------------------------------------------------------------------


def test_list_answers_count_links_and_results(api, ticket):
    body = api.get("/manager/tickets").json()

    assert body == {"count": 1, "next": None, "previous": None, "results": body["results"]}
    assert [row["id"] for row in body["results"]] == [ticket.pk]


def test_list_ticket_carries_every_design_key(api, ticket):
    row = api.get("/manager/tickets").json()["results"][0]

    assert TICKET_KEYS <= set(row)
    assert row["title"] == "Не приходит счёт"
    assert row["status"] == "new" and row["status_label"] == "Новая"
    assert row["criticality"] == "high" and row["criticality_label"] == "Высокая"
    assert row["department"] == "Техническая поддержка"
    assert row["tag"] == "Ошибка"
    assert row["client_phone"] == "+79991234567"
    assert row["assignee"] is None and row["rating"] is None


def test_list_times_are_iso_8601_with_offset(api, ticket, make_message):
    make_message(ticket, text="Смотрим.")
    services.ticket_change_status(ticket=ticket, status="resolved", source="admin")

    row = api.get("/manager/tickets").json()["results"][0]

    for name in ("created_at", "updated_at", "first_response_at", "resolved_at"):
        assert is_iso_with_offset(row[name]), name
    assert row["created_at"].endswith("+03:00")  # the portal's zone, Europe/Moscow


def test_list_shows_the_assignees_full_name(api, ticket):
    user = get_user_model().objects.create_user("irina", first_name="Ирина",
                                                last_name="Петрова", is_staff=True)
    services.ticket_assign(ticket=ticket, assignee=user)

    assert api.get("/manager/tickets").json()["results"][0]["assignee"] == "Ирина Петрова"


def test_list_shows_the_most_recently_updated_first(api, make_ticket, portal_client):
    old, new = make_ticket(portal_client), make_ticket(portal_client)
    set_updated_at(new, datetime(2026, 3, 1, tzinfo=MSK))
    set_updated_at(old, datetime(2026, 3, 2, tzinfo=MSK))

    assert ids_of(api.get("/manager/tickets")) == [old.pk, new.pk]


@pytest.mark.parametrize("value", ["in_progress", "IN_PROGRESS", "В работе", "в работе"])
def test_list_filters_by_status_code_or_label(api, make_ticket, portal_client, value):
    make_ticket(portal_client)
    working = make_ticket(portal_client)
    services.ticket_change_status(ticket=working, status="in_progress", source="admin")

    assert ids_of(api.get("/manager/tickets", {"status": value})) == [working.pk]


@pytest.mark.parametrize("value", ["critical", "Критическая", "критическая"])
def test_list_filters_by_criticality_code_or_label(api, make_ticket, portal_client, value):
    make_ticket(portal_client, criticality="low")
    burning = make_ticket(portal_client, criticality="critical")

    assert ids_of(api.get("/manager/tickets", {"criticality": value})) == [burning.pk]


@pytest.fixture
def billing():
    return Department.objects.create(name="Бухгалтерия", slug="billing")


@pytest.mark.parametrize("value", [
    "billing", "BILLING", "Бухгалтерия", "id",
    "бухгалтерия",
    "БУХГАЛТЕРИЯ",
])
def test_list_filters_by_department_slug_id_or_name(
    api, make_ticket, portal_client, billing, value
):
    make_ticket(portal_client)
    invoice = make_ticket(portal_client, department=billing)
    value = str(billing.pk) if value == "id" else value

    assert ids_of(api.get("/manager/tickets", {"department": value})) == [invoice.pk]


@pytest.mark.parametrize("value", ["bug", "Ошибка", "id"])
def test_list_filters_by_tag_slug_id_or_name(api, make_ticket, portal_client, tag, value):
    Tag.objects.create(name="Вопрос", slug="question")
    make_ticket(portal_client)
    make_ticket(portal_client, tag=Tag.objects.get(slug="question"))
    tagged = make_ticket(portal_client, tag=tag)
    value = str(tag.pk) if value == "id" else value

    assert ids_of(api.get("/manager/tickets", {"tag": value})) == [tagged.pk]


def test_list_combines_filters(api, make_ticket, portal_client, billing):
    make_ticket(portal_client, department=billing, criticality="low")
    make_ticket(portal_client, criticality="high")
    wanted = make_ticket(portal_client, department=billing, criticality="high")

    response = api.get("/manager/tickets", {"department": "billing", "criticality": "high"})

    assert ids_of(response) == [wanted.pk]


@pytest.fixture
def three_days(make_ticket, portal_client):
    """Tickets last updated on 9 March 23:00, 10 March 10:00 and 10 March 13:00, Moscow time."""
    tickets = [make_ticket(portal_client) for _ in range(3)]
    moments = [datetime(2026, 3, 9, 23, 0), datetime(2026, 3, 10, 10, 0),
               datetime(2026, 3, 10, 13, 0)]
    for ticket, moment in zip(tickets, moments, strict=True):
        set_updated_at(ticket, moment.replace(tzinfo=MSK))
    return tickets


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-10", [2, 1]),  # a date: from the start of that day in Moscow
        ("2026-03-10T12:00:00+03:00", [2]),
        ("2026-03-10T06:30:00+00:00", [2, 1]),  # 09:30 in Moscow
        ("2026-03-10T09:30:00Z", [2]),  # 12:30 in Moscow
        ("2026-03-10T12:00:00", [2]),  # naive: the portal's time zone, not UTC
        ("2026-03-10T10:00:00", [2, 1]),  # "since" includes the very moment
        ("2026-03-11", []),
    ],
)
def test_list_filters_by_updated_since(api, three_days, value, expected):
    response = api.get("/manager/tickets", {"updated_since": value})

    assert ids_of(response) == [three_days[i].pk for i in expected]


def test_list_accepts_an_unencoded_plus_in_the_offset_of_updated_since(api, three_days):
    # curl users write "+03:00" as is; in a query string "+" arrives as a space
    response = api.get("/manager/tickets?updated_since=2026-03-10T12:00:00+03:00")

    assert ids_of(response) == [three_days[2].pk]


# --- bad query values are 400s ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("page", "0"), ("page", "-1"), ("page", "abc"), ("page", "1.5"), ("page", "²"),
    ("page", "9" * 30), ("page", " 1"),
    ("page_size", "0"), ("page_size", "201"), ("page_size", "x"), ("page_size", "²"),
    ("page_size", "٣"),
    ("status", "done"), ("status", "\x00"),
    ("criticality", "urgent"),
    ("updated_since", "yesterday"), ("updated_since", "2026-13-01"),
    ("updated_since", "2026-03-10T25:00:00"), ("updated_since", "2026-03-10T10:00:00+99:00"),
    ("updated_since", "\x00"),
    ("department", "nope"), ("department", "999999"), ("department", "9" * 30),
    ("department", "\x00"), ("department", "bill\x00ing"),
    ("department", "²"),
    ("tag", "nope"), ("tag", "\x00"), ("tag", "²"),
])
def test_list_refuses_a_bad_query_value_with_400(api, ticket, name, value):
    body = assert_json_error(api.get("/manager/tickets", {name: value}), 400, "invalid_field")

    assert body["field"] == name


@pytest.mark.parametrize(("value", "found"), [("0001-01-02", True), ("9999-12-31", False),
                                              ("9999-12-31T23:59:59+03:00", False)])
def test_list_takes_updated_since_far_in_the_past_or_future(api, ticket, value, found):
    assert ids_of(api.get("/manager/tickets", {"updated_since": value})) == ([ticket.pk] if found
                                                                          else [])


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00+14:00",
                                   "9999-12-31T23:59:59-12:00"])
def test_list_refuses_updated_since_that_falls_off_the_calendar_in_utc(api, ticket, value):
    response = api.get("/manager/tickets", {"updated_since": value})

    assert assert_json_error(response, 400, "invalid_field")["field"] == "updated_since"


@pytest.mark.parametrize("name", ["status", "department", "tag", "criticality"])
def test_list_unknown_choice_lists_the_allowed_values(api, ticket, billing, name):
    body = api.get("/manager/tickets", {name: "nope"}).json()

    assert body["allowed"]
    assert {"status": "in_progress", "department": "billing", "tag": "bug",
            "criticality": "critical"}[name] in body["allowed"]


def test_list_ignores_empty_filter_values(api, ticket):
    query = {"status": "", "department": "", "tag": "", "criticality": "", "updated_since": "",
             "page": "", "page_size": ""}

    assert ids_of(api.get("/manager/tickets", query)) == [ticket.pk]
