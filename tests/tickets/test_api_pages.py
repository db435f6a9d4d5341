"""Manager API, reading: the pages of the ticket list and the ticket card."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import assert_json_error
from tests.tickets.helpers import MESSAGE_KEYS, TICKET_KEYS, is_iso_with_offset
from tickets.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def ticket(make_ticket, portal_client, tag):
    return make_ticket(portal_client, title="Не приходит счёт", tag=tag, criticality="high")


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def seven(make_ticket, portal_client):
    return [make_ticket(portal_client, title=f"Заявка {i}") for i in range(7)]


def test_list_pages_with_page_size(api, seven):
    body = api.get("/manager/tickets", {"page_size": 3}).json()

    assert body["count"] == 7
    assert len(body["results"]) == 3
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/manager/tickets?")


def test_list_next_links_walk_every_ticket_once(api, seven):
    seen, url, pages = [], "/manager/tickets?page_size=3", 0
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert sorted(seen) == sorted(ticket.pk for ticket in seven)


def test_list_previous_link_leads_back(api, seven):
    last = api.get("/manager/tickets", {"page_size": 3, "page": 3}).json()
    middle = api.get("/manager/tickets", {"page_size": 3, "page": 2}).json()

    assert last["next"] is None
    assert api.get(last["previous"]).json() == middle


def test_list_links_keep_the_filters(api, seven, make_ticket, portal_client):
    make_ticket(portal_client, criticality="critical")

    first = api.get("/manager/tickets", {"criticality": "normal", "page_size": 5}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == second["count"] == 7
    assert len(second["results"]) == 2
    assert {row["criticality"] for row in second["results"]} == {"normal"}


def test_list_page_beyond_the_end_is_a_json_404(api, seven):
    response = api.get("/manager/tickets", {"page_size": 3, "page": 4})

    assert_json_error(response, 404, "not_found")


def test_list_of_nothing_is_an_empty_first_page(api):
    assert api.get("/manager/tickets").json() == {
        "count": 0, "next": None, "previous": None, "results": []}


# --- the card ---------------------------------------------------------------------------------


def test_detail_carries_the_ticket_and_its_whole_dialog_in_time_order(api, ticket, make_message):
    first = make_message(ticket, text="Добрый день!", author_kind="client", source="portal")
    note = make_message(ticket, text="Клиент не платил", is_internal=True)
    reply = make_message(ticket, text="Проверяем.")

    body = api.get(f"/manager/tickets/{ticket.pk}").json()

    assert TICKET_KEYS <= set(body)
    assert body["id"] == ticket.pk
    assert [m["id"] for m in body["messages"]] == [first.pk, note.pk, reply.pk]
    assert all(set(m) == MESSAGE_KEYS for m in body["messages"])
    assert [m["is_internal"] for m in body["messages"]] == [False, True, False]
    assert body["messages"][0]["author_kind"] == "client"
    assert body["messages"][1]["text"] == "Клиент не платил"
    assert all(is_iso_with_offset(m["created_at"]) for m in body["messages"])


def test_detail_orders_messages_by_time_not_by_id(api, ticket, make_message):
    later, earlier = make_message(ticket, text="позже"), make_message(ticket, text="раньше")
    Message.objects.filter(pk=earlier.pk).update(created_at=datetime(2020, 1, 1, tzinfo=MSK))

    body = api.get(f"/manager/tickets/{ticket.pk}").json()

    assert [m["id"] for m in body["messages"]] == [earlier.pk, later.pk]


@pytest.mark.parametrize("path", ["/manager/tickets/", "/manager/tickets/{id}/"])
def test_read_routes_work_with_a_trailing_slash(api, ticket, path):
    assert api.get(path.format(id=ticket.pk)).status_code == 200
