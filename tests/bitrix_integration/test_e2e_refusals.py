"""End to end against the fake portal: refusals and the operating limit through the real worker."""

import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from bitrix_integration import outbox
from bitrix_integration.models import OutboxJob
from delivery.models import Pause
from tickets.models import Ticket

from .helpers import change, client_says, drain, one_pass

pytestmark = pytest.mark.django_db(transaction=True)

State = OutboxJob.State


def _expire_channel_pause():
    Pause.objects.filter(channel="bitrix", scope="").update(
        until=timezone.now() - timedelta(seconds=1))


def test_access_denied_portal_loses_no_job_and_is_not_hammered(fake_bitrix, make_ticket,
                                                                make_client):
    portal = fake_bitrix
    portal.denied = {"crm.lead.add"}
    tickets = [make_ticket(make_client()) for _ in range(5)]
    for ticket in tickets:
        client_says(ticket)

    for _ in range(5):  # the worker loops; the pause holds
        one_pass(expire_pauses=False)
    assert portal.stats()["total_requests"] == 1
    _expire_channel_pause()
    one_pass(expire_pauses=False)  # the probe: a lookup (the job has an error), then refused
    assert portal.stats()["total_requests"] == 3
    for _ in range(3):
        one_pass(expire_pauses=False)
    assert portal.stats()["total_requests"] == 3
    assert not OutboxJob.objects.filter(state=State.DEAD).exists()

    portal.denied = set()
    _expire_channel_pause()
    drain()

    assert not OutboxJob.objects.exclude(state=State.DONE).exists()
    assert portal.stats()["leads"] == 5 and portal.stats()["comments"] == 5


def test_required_field_pauses_until_the_portal_drops_it(fake_bitrix, ticket):
    fake_bitrix.required["lead"] = {"UF_CRM_INN": "ИНН"}

    summary = one_pass()

    assert "ИНН" in summary.config_error
    assert "обязательное поле" in Pause.objects.get(channel="bitrix", scope="").reason
    fake_bitrix.required["lead"] = {}
    drain()
    assert len(fake_bitrix.leads_by_origin(f"ticket-{ticket.pk}")) == 1


def test_deleted_portal_keeps_every_job(fake_bitrix, ticket):
    fake_bitrix.down = "deleted"

    one_pass()
    one_pass(expire_pauses=False)

    assert fake_bitrix.stats()["total_requests"] == 1
    assert OutboxJob.objects.get(ticket=ticket).state == State.PENDING


def test_fake_sends_a_time_block_only_with_successful_answers(fake_bitrix):
    good = requests.post(f"{fake_bitrix.url}/crm.lead.list.json", json={}, timeout=5).json()
    fake_bitrix.time_limit("crm.lead.list")
    bad = requests.post(f"{fake_bitrix.url}/crm.lead.list.json", json={}, timeout=5)
    fake_bitrix.denied = {"crm.lead.add"}
    denied = requests.post(f"{fake_bitrix.url}/crm.lead.add.json", json={"fields": {}},
                           timeout=5)

    assert "operating_reset_at" in good["time"]
    assert bad.status_code == 429 and "time" not in bad.json()
    assert denied.status_code == 400 and denied.json() == {"error": "",
                                                           "error_description": "Access denied."}


def test_operating_limit_pauses_the_method_until_the_last_successful_reset(
        fake_bitrix, make_linked):
    portal = fake_bitrix
    ticket = make_linked(0)
    OutboxJob.objects.all().delete()
    ticket.bitrix_entity_id = None
    ticket.save()
    outbox.enqueue_lead_add(ticket)
    drain()
    change(ticket, Ticket.Status.IN_PROGRESS)
    drain()  # a successful crm.lead.update: its time block says when its budget resets
    portal.time_limit("crm.lead.update", reset_in=120)
    change(ticket, Ticket.Status.RESOLVED)

    one_pass()

    assert portal.stats()["time_limited"] == 1
    pause = Pause.objects.get(channel="bitrix", scope="crm.lead.update")
    lead_update_reset = pause.until.timestamp()
    assert lead_update_reset > time.time() + 60  # the method's reset, not the default minute
    job = OutboxJob.objects.filter(ticket=ticket).latest("id")
    assert (job.state, job.attempts) == (State.PENDING, 0)
