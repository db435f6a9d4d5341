"""Manager API, writing: every bad request — 400 for the body, 404, 413 — answers JSON."""

import pytest

from supportportal.http import MAX_BODY_BYTES
from tests.helpers import assert_json_error
from tests.tickets.helpers import api_comment, api_post, api_status
from tickets import services
from tickets.models import StatusChange, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client, title="Не приходит счёт")


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
    assert_json_error(api_comment(api, ticket, body), 400, code)
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
    response = api_comment(api, ticket, body)

    assert_json_error(response, 400, "invalid_field")
    assert response.json()["field"] in {"text", "internal", "author"}
    assert not ticket.messages.exists()


@pytest.mark.parametrize("text", ['"\\ud800"', '"a\\udfffb"', '"\\u0000"'])
def test_comment_refuses_unstorable_characters_sent_as_json_escapes(api, ticket, text):
    assert_json_error(api_comment(api, ticket, '{"text": ' + text + "}"), 400, "invalid_field")
    assert not ticket.messages.exists()


@pytest.mark.parametrize("raw", [b'{"text": "\xff\xfe"}', b'{"text": "\xd0"}',
                                 b'{"text": "\xed\xa0\x80"}', "Ответ".encode("cp1251")])
def test_comment_refuses_bytes_that_are_not_utf_8(api, ticket, raw):
    assert_json_error(api_comment(api, ticket, raw), 400, "invalid_encoding")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "application/xml", "",
])
def test_comment_refuses_a_body_that_is_not_declared_json(api, ticket, content_type):
    response = api_comment(api, ticket, '{"text": "Смотрим."}', content_type=content_type)

    assert_json_error(response, 400, "unsupported_content_type")
    assert not ticket.messages.exists()


def test_comment_refuses_json_labelled_as_multipart(api, ticket):
    # multipart/form-data is the way to send files (test_api_attachments.py); a body that
    # is not one is a 400 that says so, and nothing is stored.
    response = api_comment(api, ticket, '{"text": "Смотрим."}',
                           content_type="multipart/form-data; boundary=x")

    assert_json_error(response, 400, "invalid_multipart")
    assert not ticket.messages.exists()


@pytest.mark.parametrize("body", [
    {}, {"status": None}, {"status": 3}, {"status": ["closed"]}, {"status": True},
    {"status": "closed", "author": 5}, {"status": "clo\x00sed"}, {"status": "\ud800"},
])
def test_status_refuses_a_bad_field_with_400(api, ticket, body):
    assert_json_error(api_status(api, ticket, body), 400, "invalid_field")
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.parametrize("value", ["done", "", "in progress", "Решено"])
def test_unknown_status_is_400_listing_the_allowed_codes(api, ticket, value):
    body = assert_json_error(api_status(api, ticket, {"status": value}), 400, "invalid_field")

    assert body["field"] == "status"
    assert set(Ticket.Status.values) <= set(body["allowed"])
    assert not StatusChange.objects.exists()


def test_status_refuses_bad_json(api, ticket):
    assert_json_error(api_status(api, ticket, "[" * 30_000), 400, "invalid_json")


# --- 404 before or after the body -------------------------------------------------------------


@pytest.mark.parametrize("route", ["comment", "status"])
def test_writing_to_an_unknown_ticket_is_404_json(api, ticket, route):
    response = api_post(api, f"/manager/tickets/{ticket.pk + 1000}/{route}",
                     {"text": "Смотрим.", "status": "closed"})

    assert_json_error(response, 404, "not_found")


def test_comment_on_a_closed_ticket_is_still_accepted_from_a_manager(api, ticket):
    services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    assert api_comment(api, ticket, {"text": "Закрыли по вашей просьбе."}).status_code == 201


# --- 413 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 1024 * 1024, 3 * 1024 * 1024])
def test_a_body_over_64_kb_is_413_json(api, ticket, size):
    body = '{"text": "' + "a" * (size - 12) + '"}'
    assert len(body) == size

    assert_json_error(api_comment(api, ticket, body), 413, "payload_too_large")
    assert not ticket.messages.exists()


def test_a_body_of_exactly_64_kb_is_read(api, ticket):
    head, tail = '{"text": "Смотрим.", "pad": "', '"}'
    body = head + "a" * (MAX_BODY_BYTES - len(head.encode()) - len(tail)) + tail
    assert len(body.encode()) == MAX_BODY_BYTES

    assert api_comment(api, ticket, body).status_code == 201


def test_a_body_over_64_kb_is_413_on_status_too(api, ticket):
    body = '{"status": "closed", "pad": "' + "a" * MAX_BODY_BYTES + '"}'

    assert_json_error(api_status(api, ticket, body), 413, "payload_too_large")


def test_a_body_longer_than_its_content_length_is_read_only_that_far(api, ticket):
    response = api.generic("POST", f"/manager/tickets/{ticket.pk}/comment",
                           '{"text": "a"}' + "x" * (2 * MAX_BODY_BYTES),
                           content_type="application/json", CONTENT_LENGTH="13")

    assert response.status_code == 201
    assert response.json()["text"] == "a"
