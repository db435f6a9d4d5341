"""Manager API, writing: comments, internal notes and status changes (bad requests:
test_api_write_errors.py)."""


import pytest
from django.test import Client as HttpClient

from tests.tickets.helpers import MESSAGE_KEYS, TICKET_KEYS, api_comment, api_post, api_status
from tickets.models import Message, StatusChange, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client, title="Не приходит счёт")


# --- comments ---------------------------------------------------------------------------------


def test_the_seeds_curl_example_adds_a_comment(settings, portal_client, department):
    # curl -X POST http://127.0.0.1:5000/manager/tickets/1/comment \
    #   -H 'Content-Type: application/json' -H 'X-Manager-Key: manager-demo-key' \
    #   -d '{"author":"Ирина","text":"Уточните, пожалуйста, номер договора"}'
    settings.MANAGER_API_KEY = "manager-demo-key"
    Ticket.objects.create(pk=1, client=portal_client, department=department,
                          title="Счёт", description="Не пришёл счёт")

    response = HttpClient().post(
        "/manager/tickets/1/comment",
        '{"author":"Ирина","text":"Уточните, пожалуйста, номер договора"}'.encode(),
        content_type="application/json", headers={"X-Manager-Key": "manager-demo-key"},
    )

    assert response.status_code == 201
    message = Message.objects.get(ticket_id=1)
    assert (message.author_name, message.text) == ("Ирина", "Уточните, пожалуйста, номер договора")


def test_comment_answers_201_with_the_message_object(api, ticket):
    response = api_comment(api, ticket, {"author": "Ирина", "text": "Уточните номер договора"})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == MESSAGE_KEYS
    assert body["id"] == Message.objects.get().pk
    assert body["author_kind"] == "manager"
    assert body["author_name"] == "Ирина"
    assert body["text"] == "Уточните номер договора"
    assert body["is_internal"] is False
    assert body["source"] == "api"
    assert body["created_at"].endswith("+03:00")


def test_comment_is_stored_as_a_manager_message_from_the_api(api, ticket):
    api_comment(api, ticket, {"author": "Ирина", "text": "Смотрим."})

    message = ticket.messages.get()
    assert (message.author_kind, message.source, message.is_internal) == ("manager", "api", False)


def test_public_comment_sets_first_response_at(api, ticket):
    api_comment(api, ticket, {"text": "Смотрим."})

    ticket.refresh_from_db()
    assert ticket.first_response_at == ticket.messages.get().created_at


def test_internal_note_is_stored_as_internal(api, ticket):
    response = api_comment(api, ticket, {"author": "Ирина", "text": "Должник", "internal": True})

    assert response.json()["is_internal"] is True
    assert ticket.messages.get().is_internal is True


def test_internal_note_does_not_set_first_response_at(api, ticket):
    api_comment(api, ticket, {"text": "Должник", "internal": True})

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_comment_without_author_is_accepted(api, ticket):
    response = api_comment(api, ticket, {"text": "Смотрим.", "author": None, "internal": None})

    assert response.status_code == 201
    assert response.json()["author_name"] == ""


def test_comment_accepts_json_with_a_charset(api, ticket):
    response = api_comment(api, ticket, {"text": "Смотрим."},
                        content_type="application/json; charset=utf-8")

    assert response.status_code == 201


def test_comment_accepts_the_media_type_in_any_case(api, ticket):
    response = api_comment(api, ticket, {"text": "Смотрим."},
                        content_type="Application/JSON; charset=UTF-8")

    assert response.status_code == 201


def test_comment_of_exactly_10000_characters_is_accepted(api, ticket):
    assert api_comment(api, ticket, {"text": "я" * 10_000}).status_code == 201


# --- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "code", "label"), [
    ("in_progress", "in_progress", "В работе"),
    ("В работе", "in_progress", "В работе"),
    ("в работе", "in_progress", "В работе"),
    ("решена", "resolved", "Решена"),
    ("CLOSED", "closed", "Закрыта"),
    ("  Ожидает ответа клиента ", "waiting", "Ожидает ответа клиента"),
])
def test_status_accepts_a_code_or_a_russian_label(api, ticket, value, code, label):
    response = api_status(api, ticket, {"status": value})

    assert response.status_code == 200
    body = response.json()
    assert TICKET_KEYS <= set(body)
    assert (body["id"], body["status"], body["status_label"]) == (ticket.pk, code, label)
    ticket.refresh_from_db()
    assert ticket.status == code


def test_status_change_is_recorded_with_source_api(api, ticket):
    api_status(api, ticket, {"status": "В работе", "author": "Ирина"})

    change = StatusChange.objects.get(ticket=ticket)
    assert (change.from_status, change.to_status, change.source, change.actor_name) == (
        "new", "in_progress", "api", "Ирина")


def test_resolving_sets_resolved_at_in_the_answer(api, ticket):
    body = api_status(api, ticket, {"status": "resolved"}).json()

    ticket.refresh_from_db()
    assert body["resolved_at"] is not None
    assert ticket.resolved_at is not None


def test_same_status_again_is_200_and_records_nothing_more(api, ticket):
    api_status(api, ticket, {"status": "in_progress"})

    response = api_status(api, ticket, {"status": "В работе"})

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert StatusChange.objects.filter(ticket=ticket).count() == 1


def test_current_status_is_200_without_a_status_change(api, ticket):
    assert api_status(api, ticket, {"status": "new"}).status_code == 200
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("path", ["/manager/tickets/{id}/comment/", "/manager/tickets/{id}/status/"])
def test_write_routes_work_with_a_trailing_slash(api, ticket, path):
    response = api_post(api, path.format(id=ticket.pk), {"text": "Смотрим.", "status": "closed"})

    assert response.status_code in (200, 201)
