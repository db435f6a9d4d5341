"""Manager API, writing: comments, internal notes and status changes, and every bad request."""

import json

import pytest
from django.test import Client as HttpClient

from supportportal.http import MAX_BODY_BYTES
from tests.helpers import assert_json_error
from tests.tickets.helpers import MESSAGE_KEYS, TICKET_KEYS
from tickets import services
from tickets.models import Message, StatusChange, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client, title="Не приходит счёт")


def _post(api, path, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return api.post(path, data, content_type=content_type)


def _comment(api, ticket, body, **kwargs):
    return _post(api, f"/manager/tickets/{ticket.pk}/comment", body, **kwargs)


def _status(api, ticket, body):
    return _post(api, f"/manager/tickets/{ticket.pk}/status", body)


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
    response = _comment(api, ticket, {"author": "Ирина", "text": "Уточните номер договора"})

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
    _comment(api, ticket, {"author": "Ирина", "text": "Смотрим."})

    message = ticket.messages.get()
    assert (message.author_kind, message.source, message.is_internal) == ("manager", "api", False)


def test_public_comment_sets_first_response_at(api, ticket):
    _comment(api, ticket, {"text": "Смотрим."})

    ticket.refresh_from_db()
    assert ticket.first_response_at == ticket.messages.get().created_at


def test_internal_note_is_stored_as_internal(api, ticket):
    response = _comment(api, ticket, {"author": "Ирина", "text": "Должник", "internal": True})

    assert response.json()["is_internal"] is True
    assert ticket.messages.get().is_internal is True


def test_internal_note_does_not_set_first_response_at(api, ticket):
    _comment(api, ticket, {"text": "Должник", "internal": True})

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_comment_without_author_is_accepted(api, ticket):
    response = _comment(api, ticket, {"text": "Смотрим.", "author": None, "internal": None})

    assert response.status_code == 201
    assert response.json()["author_name"] == ""


def test_comment_accepts_json_with_a_charset(api, ticket):
    response = _comment(api, ticket, {"text": "Смотрим."},
                        content_type="application/json; charset=utf-8")

    assert response.status_code == 201


def test_comment_accepts_the_media_type_in_any_case(api, ticket):
    response = _comment(api, ticket, {"text": "Смотрим."},
                        content_type="Application/JSON; charset=UTF-8")

    assert response.status_code == 201


def test_comment_of_exactly_10000_characters_is_accepted(api, ticket):
    assert _comment(api, ticket, {"text": "я" * 10_000}).status_code == 201


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
    response = _status(api, ticket, {"status": value})

    assert response.status_code == 200
    body = response.json()
    assert TICKET_KEYS <= set(body)
    assert (body["id"], body["status"], body["status_label"]) == (ticket.pk, code, label)
    ticket.refresh_from_db()
    assert ticket.status == code


def test_status_change_is_recorded_with_source_api(api, ticket):
    _status(api, ticket, {"status": "В работе", "author": "Ирина"})

    change = StatusChange.objects.get(ticket=ticket)
    assert (change.from_status, change.to_status, change.source, change.actor_name) == (
        "new", "in_progress", "api", "Ирина")


def test_resolving_sets_resolved_at_in_the_answer(api, ticket):
    body = _status(api, ticket, {"status": "resolved"}).json()

    ticket.refresh_from_db()
    assert body["resolved_at"] is not None
    assert ticket.resolved_at is not None


def test_same_status_again_is_200_and_records_nothing_more(api, ticket):
    _status(api, ticket, {"status": "in_progress"})

    response = _status(api, ticket, {"status": "В работе"})

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert StatusChange.objects.filter(ticket=ticket).count() == 1


def test_current_status_is_200_without_a_status_change(api, ticket):
    assert _status(api, ticket, {"status": "new"}).status_code == 200
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("path", ["/manager/tickets/{id}/comment/", "/manager/tickets/{id}/status/"])
def test_write_routes_work_with_a_trailing_slash(api, ticket, path):
    response = _post(api, path.format(id=ticket.pk), {"text": "Смотрим.", "status": "closed"})

    assert response.status_code in (200, 201)


# --- 400: the body ----------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "code"), [
    ('{"text": "обрыв', "invalid_json"),
    ("", None),  # the test client sends no Content-Type with an empty body
    ("{'text': 'одинарные кавычки'}", "invalid_json"),
    ('{"text": "a"} trailing', "invalid_json"),
    ("\ufeff" + '{"text": "BOM"}', "invalid_json"),
    ('{"text": NaN}', None),
    ('["text"]', "invalid_json"),
    ('"text"', "invalid_json"),
    ("null", "invalid_json"),
    ("42", "invalid_json"),
    pytest.param('{"text": ' + "1" * 5000 + "}", None, id="5000-digit-number"),
    pytest.param("[" * 30_000, "invalid_json", id="30000-open-arrays"),
    pytest.param('{"a":' * 10_000 + "1" + "}" * 10_000, "invalid_json", id="10000-nested-objects"),
    pytest.param('{"text": "а", "extra": ' + "[" * 30_000 + "]" * 30_000 + "}", "invalid_json",
                 id="30000-nested-arrays-in-a-field"),
])
def test_comment_refuses_a_body_that_is_not_a_json_object(api, ticket, body, code):
    assert_json_error(_comment(api, ticket, body), 400, code)
    assert not ticket.messages.exists()


def test_the_deeply_nested_bodies_fit_in_the_body_limit():
    # so that they reach the JSON parser instead of being cut off as a 413
    assert len('{"text": "а", "extra": ' + "[" * 30_000 + "]" * 30_000 + "}") < MAX_BODY_BYTES


@pytest.mark.parametrize("body", [
    {}, {"author": "Ирина"}, {"text": None},
    {"text": 42}, {"text": 1.5}, {"text": True}, {"text": ["Смотрим."]}, {"text": {"ru": "а"}},
    {"text": ""}, {"text": "   \n\t "},
    {"text": "я" * 10_001},
    {"text": "нулевой\x00байт"},
    {"text": "a", "internal": "true"}, {"text": "a", "internal": 1}, {"text": "a", "internal": []},
    {"text": "a", "author": 7}, {"text": "a", "author": "И" * 151},
    {"text": "a", "author": "\x00"},
])
def test_comment_refuses_a_bad_field_with_400(api, ticket, body):
    response = _comment(api, ticket, body)

    assert_json_error(response, 400, "invalid_field")
    assert response.json()["field"] in {"text", "internal", "author"}
    assert not ticket.messages.exists()


@pytest.mark.parametrize("text", ['"\\ud800"', '"a\\udfffb"', '"\\u0000"'])
def test_comment_refuses_unstorable_characters_sent_as_json_escapes(api, ticket, text):
    assert_json_error(_comment(api, ticket, '{"text": ' + text + "}"), 400, "invalid_field")
    assert not ticket.messages.exists()


@pytest.mark.parametrize("raw", [b'{"text": "\xff\xfe"}', b'{"text": "\xd0"}',
                                 b'{"text": "\xed\xa0\x80"}', "Ответ".encode("cp1251")])
def test_comment_refuses_bytes_that_are_not_utf_8(api, ticket, raw):
    assert_json_error(_comment(api, ticket, raw), 400, "invalid_encoding")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "",
])
def test_comment_refuses_a_body_that_is_not_declared_json(api, ticket, content_type):
    response = _comment(api, ticket, '{"text": "Смотрим."}', content_type=content_type)

    assert_json_error(response, 400, "unsupported_content_type")
    assert not ticket.messages.exists()


def test_comment_refuses_a_form_post(api, ticket):
    response = api.post(f"/manager/tickets/{ticket.pk}/comment", {"text": "Смотрим."})

    assert_json_error(response, 400, "unsupported_content_type")


@pytest.mark.parametrize("body", [
    {}, {"status": None}, {"status": 3}, {"status": ["closed"]}, {"status": True},
    {"status": "closed", "author": 5}, {"status": "clo\x00sed"}, {"status": "\ud800"},
])
def test_status_refuses_a_bad_field_with_400(api, ticket, body):
    assert_json_error(_status(api, ticket, body), 400, "invalid_field")
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.parametrize("value", ["done", "", "in progress", "Решено"])
def test_unknown_status_is_400_listing_the_allowed_codes(api, ticket, value):
    body = assert_json_error(_status(api, ticket, {"status": value}), 400, "invalid_field")

    assert body["field"] == "status"
    assert set(Ticket.Status.values) <= set(body["allowed"])
    assert not StatusChange.objects.exists()


def test_status_refuses_bad_json(api, ticket):
    assert_json_error(_status(api, ticket, "[" * 30_000), 400, "invalid_json")


# --- 404 before or after the body -------------------------------------------------------------


@pytest.mark.parametrize("route", ["comment", "status"])
def test_writing_to_an_unknown_ticket_is_404_json(api, ticket, route):
    response = _post(api, f"/manager/tickets/{ticket.pk + 1000}/{route}",
                     {"text": "Смотрим.", "status": "closed"})

    assert_json_error(response, 404, "not_found")


def test_comment_on_a_closed_ticket_is_still_accepted_from_a_manager(api, ticket):
    services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    assert _comment(api, ticket, {"text": "Закрыли по вашей просьбе."}).status_code == 201


# --- 413 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 1024 * 1024, 3 * 1024 * 1024])
def test_a_body_over_64_kb_is_413_json(api, ticket, size):
    body = '{"text": "' + "a" * (size - 12) + '"}'
    assert len(body) == size

    assert_json_error(_comment(api, ticket, body), 413, "payload_too_large")
    assert not ticket.messages.exists()


def test_a_body_of_exactly_64_kb_is_read(api, ticket):
    head, tail = '{"text": "Смотрим.", "pad": "', '"}'
    body = head + "a" * (MAX_BODY_BYTES - len(head.encode()) - len(tail)) + tail
    assert len(body.encode()) == MAX_BODY_BYTES

    assert _comment(api, ticket, body).status_code == 201


def test_a_body_over_64_kb_is_413_on_status_too(api, ticket):
    body = '{"status": "closed", "pad": "' + "a" * MAX_BODY_BYTES + '"}'

    assert_json_error(_status(api, ticket, body), 413, "payload_too_large")


def test_a_body_longer_than_its_content_length_is_read_only_that_far(api, ticket):
    response = api.generic("POST", f"/manager/tickets/{ticket.pk}/comment",
                           '{"text": "a"}' + "x" * (2 * MAX_BODY_BYTES),
                           content_type="application/json", CONTENT_LENGTH="13")

    assert response.status_code == 201
    assert response.json()["text"] == "a"
