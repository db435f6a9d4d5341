"""The worker pauses without spending attempts: config errors, OPERATION_TIME_LIMIT per method."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bitrix_integration.models import OutboxJob
from delivery.models import Pause
from tickets import services

from .helpers import client_says, job_of, methods_called, ok, sent, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State


def test_config_error_stops_the_pass_without_using_an_attempt(bitrix, deliver, make_ticket,
                                                              make_client):
    for _ in range(2):
        make_ticket(make_client())
    bitrix.post(url("crm.lead.add"), status=401,
                json={"error": "INVALID_CREDENTIALS", "error_description": "Invalid request"})

    summary = deliver(batch_size=1)

    assert methods_called(bitrix) == ["crm.lead.add.json"]
    assert "INVALID_CREDENTIALS" in summary.config_error and summary.failed == 0
    assert list(OutboxJob.objects.values_list("attempts", "state")) == [(0, State.PENDING)] * 2
    assert not OutboxJob.objects.filter(locked_until__isnull=False).exists()


def test_operation_time_limit_pauses_only_that_method(bitrix, deliver, make_linked):
    paused = make_linked(215)
    services.ticket_change_status(ticket=paused, status="in_progress", source="admin")
    reset_at = timezone.now() + timedelta(minutes=10)
    bitrix.post(url("crm.lead.update"), status=429, json={
        "error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked",
        "time": {"operating_reset_at": reset_at.timestamp()}})
    deliver()
    waiting, talking = make_linked(301), make_linked(302)
    services.ticket_change_status(ticket=waiting, status="in_progress", source="admin")
    client_says(talking)
    bitrix.post(url("crm.timeline.comment.add"), json=ok(1))
    bitrix.calls.reset()

    deliver()

    pause = Pause.objects.get(channel="bitrix", scope="crm.lead.update")
    assert abs((pause.until - reset_at).total_seconds()) < 1
    job = job_of(paused, Kind.LEAD_UPDATE)
    assert (job.attempts, job.state, job.next_attempt_at) == (0, State.PENDING, pause.until)
    assert methods_called(bitrix) == ["crm.timeline.comment.add.json"]
    assert job_of(waiting, Kind.LEAD_UPDATE).state == State.PENDING


def test_paused_method_is_sent_again_after_the_pause(bitrix, deliver, linked_ticket):
    services.ticket_change_status(ticket=linked_ticket, status="in_progress", source="admin")
    Pause.objects.create(channel="bitrix", scope="crm.lead.update",
                               until=timezone.now() - timedelta(seconds=1))
    bitrix.post(url("crm.lead.update"), json=ok(True))

    summary = deliver()

    assert summary.sent == 1
    assert sent(bitrix.calls[0]) == {"id": 215, "fields": {"STATUS_DESCRIPTION": "В работе",
                                                           "STATUS_ID": "IN_PROCESS"}}


def test_pause_with_a_reset_time_already_past_still_ends_the_pass(bitrix, deliver,
                                                                  linked_ticket):
    services.ticket_change_status(ticket=linked_ticket, status="in_progress", source="admin")
    bitrix.post(url("crm.lead.update"), status=429, json={
        "error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked",
        "time": {"operating_reset_at": (timezone.now() - timedelta(seconds=5)).timestamp()}})

    deliver(max_jobs=5)

    assert len(bitrix.calls) == 1
    assert Pause.objects.get().until > timezone.now()
