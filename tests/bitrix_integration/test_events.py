"""Native CRM events: the form endpoint answers fast, the worker reads the lead; no echo."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient

from bitrix_integration import outbox
from bitrix_integration.models import InboundEvent, OutboxJob
from tickets import services
from tickets.models import Message, StatusChange, Ticket

from .helpers import EVENT_TOKEN, ok, sent, url

pytestmark = pytest.mark.django_db

PATH = "/integrations/bitrix/events"
FORM = "application/x-www-form-urlencoded"
Kind, State = OutboxJob.Kind, OutboxJob.State


def _doc_body(event="ONCRMLEADUPDATE", lead_id="215", token=EVENT_TOKEN):
    """The body of the example in bitrix24-api.md, with our lead id and token."""
    return (f"event={event}&event_handler_id=975&data[FIELDS][ID]={lead_id}&ts=1742807189"
            "&auth[domain]=portal.bitrix24.ru&auth[client_endpoint]=https://portal.bitrix24.ru/rest/"
            "&auth[server_endpoint]=https://oauth.bitrix.info/rest/&auth[member_id]=d8970abc"
            f"&auth[application_token]={token}")


def _post(body):
    return HttpClient().post(PATH, body, content_type=FORM)


def _lead_reads():
    return list(OutboxJob.objects.filter(kind=Kind.LEAD_READ))


@pytest.mark.parametrize("body", [
    _doc_body(token="wrong-token"),
    _doc_body().replace(f"&auth[application_token]={EVENT_TOKEN}", ""),
], ids=["wrong", "missing"])
def test_event_without_the_right_token_is_401_and_enqueues_nothing(bitrix, linked_ticket, body):
    response = _post(body)

    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert _lead_reads() == [] and not bitrix.calls
    assert InboundEvent.objects.get().status_code == 401


def test_event_is_refused_when_no_token_is_configured(settings, linked_ticket):
    settings.BITRIX_EVENT_TOKEN = ""

    assert _post(_doc_body(token="")).status_code == 401
    assert _lead_reads() == []


def test_lead_update_of_a_known_lead_enqueues_one_lead_read(bitrix, linked_ticket):
    response = _post(_doc_body())

    assert response.status_code == 200, response.content
    (job,) = _lead_reads()
    assert (job.ticket_id, job.payload) == (linked_ticket.pk, {"id": 215})
    assert response.json()["job_id"] == job.pk
    assert not bitrix.calls  # the answer never waits on Bitrix


def test_event_with_percent_encoded_brackets_is_read(linked_ticket):
    body = urlencode({"event": "ONCRMLEADUPDATE", "data[FIELDS][ID]": "215",
                      "auth[application_token]": EVENT_TOKEN})

    assert _post(body).status_code == 200
    assert len(_lead_reads()) == 1


def test_event_names_are_compared_case_insensitively(linked_ticket):
    assert _post(_doc_body(event="onCrmLeadUpdate")).status_code == 200
    assert len(_lead_reads()) == 1


def test_event_for_an_unknown_lead_is_ignored(linked_ticket):
    response = _post(_doc_body(lead_id="1000983"))

    assert response.status_code == 200 and "ignored" in response.json()
    assert _lead_reads() == []


@pytest.mark.parametrize("event", ["ONCRMLEADADD", "ONCRMLEADDELETE"])
def test_other_events_are_ignored(linked_ticket, event):
    response = _post(_doc_body(event=event))

    assert response.status_code == 200 and "ignored" in response.json()
    assert _lead_reads() == []


@pytest.mark.parametrize("lead_id", ["", "abc"], ids=["no-id", "not-a-number"])
def test_lead_update_without_a_lead_id_is_400(linked_ticket, lead_id):
    response = _post(_doc_body(lead_id=lead_id))

    assert response.status_code == 400 and response.json()["error"] == "invalid_field"
    assert _lead_reads() == []


def test_get_on_events_is_405():
    response = HttpClient().get(PATH)

    assert response.status_code == 405 and response["Allow"] == "POST"


def test_every_event_is_kept_without_its_token(linked_ticket):
    _post(_doc_body())

    event = InboundEvent.objects.get()
    body = json.loads(event.body)
    assert (event.channel, event.action, event.status_code) == ("event", "ONCRMLEADUPDATE", 200)
    assert body["data[FIELDS][ID]"] == "215" and "auth[application_token]" not in body
    assert event.ticket_id == linked_ticket.pk and event.result["job_id"]


# --- the worker reads the lead -------------------------------------------------------------

def _read_lead(bitrix, deliver, ticket, status_id):
    outbox.enqueue_lead_read(ticket, lead_id=ticket.bitrix_entity_id)
    bitrix.post(url("crm.lead.get"), json=ok({
        "ID": str(ticket.bitrix_entity_id), "TITLE": "Заявка", "STATUS_ID": status_id,
        "STATUS_SEMANTIC_ID": "P", "PHONE": [{"ID": "5", "VALUE": "+79991234567",
                                              "VALUE_TYPE": "MOBILE"}]}))
    summary = deliver()
    ticket.refresh_from_db()
    return summary


def _status(ticket, status, source=Message.Source.ADMIN):
    services.ticket_change_status(ticket=ticket, status=status, source=source)
    OutboxJob.objects.filter(ticket=ticket).update(state=State.DONE)  # delivered


def test_lead_read_takes_a_mapped_stage_into_the_ticket(bitrix, deliver, linked_ticket):
    summary = _read_lead(bitrix, deliver, linked_ticket, "IN_PROCESS")

    assert sent(bitrix.calls[0]) == {"id": 215}
    assert linked_ticket.status == Ticket.Status.IN_PROGRESS and summary.sent == 1
    change = StatusChange.objects.get(ticket=linked_ticket)
    assert change.source == Message.Source.BITRIX
    assert not OutboxJob.objects.filter(kind=Kind.LEAD_UPDATE).exists()  # no echo


def test_lead_read_with_the_current_stage_changes_nothing(bitrix, deliver, linked_ticket):
    _read_lead(bitrix, deliver, linked_ticket, "NEW")

    assert linked_ticket.status == Ticket.Status.NEW
    assert not StatusChange.objects.exists()


def test_lead_read_with_an_unmapped_stage_changes_nothing(bitrix, deliver, linked_ticket):
    _read_lead(bitrix, deliver, linked_ticket, "UC_7XK2M1")

    assert linked_ticket.status == Ticket.Status.NEW
    assert not StatusChange.objects.exists()


def test_own_update_of_an_unmapped_status_coming_back_changes_nothing(bitrix, deliver,
                                                                      linked_ticket):
    _status(linked_ticket, Ticket.Status.IN_PROGRESS)  # lead moved to IN_PROCESS
    _status(linked_ticket, Ticket.Status.WAITING)  # only STATUS_DESCRIPTION sent

    _read_lead(bitrix, deliver, linked_ticket, "IN_PROCESS")

    assert linked_ticket.status == Ticket.Status.WAITING
    assert StatusChange.objects.filter(source=Message.Source.BITRIX).count() == 0


def test_stage_moved_in_bitrix_while_ticket_is_unmapped_is_taken(bitrix, deliver,
                                                                 linked_ticket):
    _status(linked_ticket, Ticket.Status.IN_PROGRESS)
    _status(linked_ticket, Ticket.Status.WAITING)

    _read_lead(bitrix, deliver, linked_ticket, "CONVERTED")

    assert linked_ticket.status == Ticket.Status.RESOLVED


def test_lead_read_does_not_undo_a_newer_local_change(bitrix, deliver, linked_ticket):
    outbox.enqueue_lead_read(linked_ticket, lead_id=215)  # Bitrix moved the lead to IN_PROCESS
    services.ticket_change_status(ticket=linked_ticket, status="resolved", source="admin")
    bitrix.post(url("crm.lead.get"), json=ok({"ID": "215", "STATUS_ID": "IN_PROCESS"}))
    bitrix.post(url("crm.lead.update"), json=ok(True))

    deliver(batch_size=1)  # the read has its own key: both are heads, the read goes first

    linked_ticket.refresh_from_db()
    assert linked_ticket.status == Ticket.Status.RESOLVED
    assert sent(bitrix.calls[-1])["fields"]["STATUS_ID"] == "CONVERTED"


def test_event_then_worker_pass_applies_the_stage(bitrix, deliver, linked_ticket):
    _post(_doc_body())
    bitrix.post(url("crm.lead.get"), json=ok({"ID": "215", "STATUS_ID": "CONVERTED"}))

    deliver()

    linked_ticket.refresh_from_db()
    assert linked_ticket.status == Ticket.Status.RESOLVED
    assert OutboxJob.objects.get(kind=Kind.LEAD_READ).result["changed"] is True
