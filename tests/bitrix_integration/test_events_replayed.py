"""A signed event replayed (or sent twice by Bitrix) queues the lead read once a minute."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from bitrix_integration.models import InboundEvent, OutboxJob

from .helpers import EVENT_TOKEN

pytestmark = pytest.mark.django_db

PATH = "/integrations/bitrix/events"
FORM = "application/x-www-form-urlencoded"
BODY = ("event=ONCRMLEADUPDATE&data[FIELDS][ID]=215&ts=1742807189"
        f"&auth[application_token]={EVENT_TOKEN}")
Kind, State = OutboxJob.Kind, OutboxJob.State


def _post(body=BODY):
    return HttpClient().post(PATH, body, content_type=FORM)


def _lead_reads():
    return list(OutboxJob.objects.filter(kind=Kind.LEAD_READ).order_by("id"))


def test_a_replayed_event_queues_no_second_read_while_the_first_is_pending(linked_ticket):
    first = _post()

    answers = [_post() for _ in range(5)]

    (job,) = _lead_reads()
    assert first.json()["job_id"] == job.pk
    assert {a.status_code for a in answers} == {200}
    assert all(a.json()["duplicate"] is True and a.json()["job_id"] == job.pk for a in answers)
    audit = InboundEvent.objects.filter(channel="event").order_by("id")
    assert [e.result.get("duplicate", False) for e in audit] == [False] + [True] * 5
    assert all(e.ticket_id == linked_ticket.pk for e in audit)


def test_a_read_done_less_than_a_minute_ago_is_not_queued_again(linked_ticket):
    _post()
    OutboxJob.objects.filter(kind=Kind.LEAD_READ).update(
        state=State.DONE, created_at=timezone.now() - timedelta(seconds=30))

    assert _post().json()["duplicate"] is True
    assert len(_lead_reads()) == 1


def test_the_same_event_a_minute_later_reads_the_lead_again(linked_ticket):
    _post()
    OutboxJob.objects.filter(kind=Kind.LEAD_READ).update(
        state=State.DONE, created_at=timezone.now() - timedelta(seconds=61))

    response = _post()

    assert "duplicate" not in response.json() and len(_lead_reads()) == 2


def test_an_event_of_another_lead_is_not_a_duplicate(linked_ticket, make_linked):
    make_linked(216)
    _post()

    _post(BODY.replace("[ID]=215", "[ID]=216"))

    assert [job.payload["id"] for job in _lead_reads()] == [215, 216]
