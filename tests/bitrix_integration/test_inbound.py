"""POST /integrations/bitrix/inbound: the seed's JSON bodies, idempotency, errors, audit."""

import json

import pytest
from django.test import Client as HttpClient

from bitrix_integration.models import InboundEvent, OutboxJob
from supportportal.http import MAX_BODY_BYTES
from tickets.models import Message, StatusChange, Ticket

from .helpers import INBOUND_KEY

pytestmark = pytest.mark.django_db

PATH = "/integrations/bitrix/inbound"
# Verbatim from the seed README.
SEED_COMMENT = """{
  "action": "comment",
  "local_ticket_id": 12,
  "author": "Ирина",
  "text": "Уточните номер договора"
}"""
SEED_STATUS = """{
  "action": "status",
  "bitrix_entity_id": 215,
  "status": "В работе"
}"""
CURL_STATUS = '{"action":"status","local_ticket_id":%d,"status":"Решена"}'


@pytest.fixture
def api():
    return HttpClient(headers={"X-Bitrix-Key": INBOUND_KEY})


@pytest.fixture
def ticket_12(portal_client, department):
    return Ticket.objects.create(pk=12, client=portal_client, department=department,
                                 title="Счёт", description="Нет счёта за май.")


def _post(api, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return api.post(PATH, data, content_type=content_type)


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if code:
        assert body["error"] == code
    return body


def _sent_to_bitrix(ticket):
    return list(OutboxJob.objects.filter(ticket=ticket).exclude(kind=OutboxJob.Kind.LEAD_ADD))


def test_seed_comment_is_stored_as_a_manager_message_from_bitrix(api, ticket_12):
    response = _post(api, SEED_COMMENT)

    assert response.status_code == 200, response.content
    message = Message.objects.get(ticket=ticket_12)
    assert (message.author_kind, message.author_name, message.text, message.source) == (
        Message.AuthorKind.MANAGER, "Ирина", "Уточните номер договора", Message.Source.BITRIX)
    assert response.json()["message"]["id"] == message.pk
    ticket_12.refresh_from_db()
    assert ticket_12.first_response_at is not None
    # The conversation drives the status from Bitrix too: the first reply takes the new
    # ticket in progress (nobody to assign: no portal user wrote it), and neither the
    # comment nor the status change goes back to Bitrix.
    assert (ticket_12.status, ticket_12.assignee_id) == (Ticket.Status.IN_PROGRESS, None)
    assert ticket_12.last_public_by == "manager"
    assert _sent_to_bitrix(ticket_12) == []


def test_seed_status_by_bitrix_entity_id_changes_the_ticket(api, linked_ticket):
    response = _post(api, SEED_STATUS)

    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True
    linked_ticket.refresh_from_db()
    assert linked_ticket.status == Ticket.Status.IN_PROGRESS
    assert StatusChange.objects.get(ticket=linked_ticket).source == Message.Source.BITRIX
    assert _sent_to_bitrix(linked_ticket) == []


def test_seed_curl_example_resolves_the_ticket(api, ticket):
    response = _post(api, CURL_STATUS % ticket.pk)

    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED and ticket.resolved_at is not None
    assert response.json()["ticket"]["status"] == "resolved"
    assert _sent_to_bitrix(ticket) == []


def test_status_as_a_code_is_accepted(api, ticket):
    response = _post(api, {"action": "status", "local_ticket_id": ticket.pk,
                           "status": "waiting"})

    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.WAITING


def test_repeated_status_is_a_no_op(api, ticket):
    body = {"action": "status", "local_ticket_id": ticket.pk, "status": "В работе"}
    _post(api, body)

    response = _post(api, body)

    assert response.status_code == 200 and response.json()["changed"] is False
    assert StatusChange.objects.filter(ticket=ticket).count() == 1


def test_repeated_event_id_is_answered_as_duplicate_without_a_second_message(api, ticket):
    body = {"action": "comment", "local_ticket_id": ticket.pk, "author": "Ирина",
            "text": "Уточните номер договора", "event_id": "bp-77"}
    first = _post(api, body)

    second = _post(api, body)

    assert first.status_code == second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["message"] == first.json()["message"]
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_repeated_event_id_is_kept_in_the_audit_too(api, ticket):
    body = {"action": "comment", "local_ticket_id": ticket.pk, "text": "Да", "event_id": 77}
    _post(api, body)

    _post(api, body)

    events = InboundEvent.objects.order_by("id")
    assert [event.status_code for event in events] == [200, 200]
    assert events[1].result["duplicate"] is True and events[1].body


def test_event_id_that_failed_first_is_a_duplicate_once_handled(api, ticket):
    body = {"action": "status", "bitrix_entity_id": 215, "status": "В работе", "event_id": "e1"}
    failed = _post(api, body)  # the lead id is not known yet
    Ticket.objects.filter(pk=ticket.pk).update(bitrix_entity_id=215)
    handled = _post(api, body)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)

    repeat = _post(api, body)

    assert (failed.status_code, handled.status_code) == (404, 200)
    assert repeat.json()["duplicate"] is True
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED
    assert "event_id=e1" in InboundEvent.objects.get(status_code=404).error


@pytest.mark.parametrize("headers", [{}, {"X-Bitrix-Key": "wrong"}], ids=["missing", "wrong"])
def test_request_without_the_right_key_is_401(ticket, headers):
    response = _post(HttpClient(headers=headers), CURL_STATUS % ticket.pk)

    _error(response, 401, "unauthorized")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.NEW


def test_every_key_is_refused_when_none_is_configured(settings, ticket):
    settings.BITRIX_INBOUND_KEY = ""

    _error(_post(HttpClient(headers={"X-Bitrix-Key": ""}), CURL_STATUS % ticket.pk), 401)


@pytest.mark.parametrize("body", [
    {"action": "comment", "local_ticket_id": 999999, "text": "Привет"},
    {"action": "status", "bitrix_entity_id": 999999, "status": "Решена"},
], ids=["local-id", "bitrix-id"])
def test_unknown_ticket_is_404(api, ticket, body):
    _error(_post(api, body), 404, "not_found")


def test_bad_json_is_400(api):
    _error(_post(api, '{"action": "comment",'), 400, "invalid_json")


def test_json_that_is_not_an_object_is_400(api):
    _error(_post(api, "[1, 2]"), 400, "invalid_json")


def test_form_body_without_the_status_is_400(api, ticket):
    _error(_post(api, f"action=status&local_ticket_id={ticket.pk}",
                 content_type="application/x-www-form-urlencoded"), 400)


def test_unknown_action_is_400_with_the_allowed_ones(api, ticket):
    body = _error(_post(api, {"action": "delete", "local_ticket_id": ticket.pk}), 400)

    assert body["field"] == "action" and body["allowed"] == ["comment", "status"]


def test_comment_without_text_is_400(api, ticket):
    body = _error(_post(api, {"action": "comment", "local_ticket_id": ticket.pk}), 400)

    assert body["field"] == "text"
    assert not Message.objects.exists()


def test_blank_comment_is_400(api, ticket):
    body = _error(_post(api, {"action": "comment", "local_ticket_id": ticket.pk,
                              "text": "   "}), 400)

    assert body["field"] == "text"


def test_unknown_status_is_400_with_the_allowed_ones(api, ticket):
    body = _error(_post(api, {"action": "status", "local_ticket_id": ticket.pk,
                              "status": "Отложена"}), 400)

    assert body["field"] == "status" and "resolved" in body["allowed"]


def test_request_with_neither_id_is_400(api):
    body = _error(_post(api, {"action": "comment", "text": "Привет"}), 400)

    assert body["field"] == "local_ticket_id"


@pytest.mark.parametrize(("body", "field"), [
    ({"action": "comment", "local_ticket_id": "12", "text": "Привет"}, "local_ticket_id"),
    ({"action": "comment", "bitrix_entity_id": True, "text": "Привет"}, "bitrix_entity_id"),
    ({"action": 1, "local_ticket_id": 12}, "action"),
    ({"action": "comment", "local_ticket_id": 12, "text": ["Привет"]}, "text"),
    ({"action": "status", "local_ticket_id": 12, "status": 3}, "status"),
    ({"action": "comment", "local_ticket_id": 12, "text": "Да", "event_id": {"a": 1}},
     "event_id"),
])
def test_field_of_the_wrong_type_is_400(api, ticket_12, body, field):
    assert _error(_post(api, body), 400, "invalid_field")["field"] == field


def test_get_is_405(api):
    response = api.get(PATH)

    _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_body_over_64_kb_is_413(api, ticket):
    body = {"action": "comment", "local_ticket_id": ticket.pk, "text": "я" * MAX_BODY_BYTES}

    _error(_post(api, body), 413, "payload_too_large")
    assert not Message.objects.exists()


@pytest.mark.parametrize(("body", "headers", "status"), [
    (SEED_COMMENT, {"X-Bitrix-Key": INBOUND_KEY}, 200),
    (SEED_COMMENT, {"X-Bitrix-Key": "wrong"}, 401),
    ('{"action": "comment",', {"X-Bitrix-Key": INBOUND_KEY}, 400),
    ('{"action": "comment", "local_ticket_id": 404404, "text": "x"}',
     {"X-Bitrix-Key": INBOUND_KEY}, 404),
], ids=["ok", "401", "400", "404"])
def test_every_call_is_kept_with_status_and_outcome(ticket_12, body, headers, status):
    _post(HttpClient(headers=headers, REMOTE_ADDR="10.0.0.7"), body)

    event = InboundEvent.objects.get()
    kept = "" if status == 401 else body  # a call refused for its key keeps no body
    assert (event.channel, event.status_code, event.body) == ("json", status, kept)
    assert (event.path, event.body_size) == ("/integrations/bitrix/inbound", len(body.encode()))
    if status == 200:
        assert event.result["ok"] is True and event.error == ""
        assert (event.action, event.ticket_id) == ("comment", 12)
    else:
        assert event.error and event.result is None
