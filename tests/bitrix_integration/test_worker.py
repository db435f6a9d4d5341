"""The worker: order per ticket, batch, rate limit, backoff, dead jobs, admin retry, claims."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from bitrix_integration import worker
from bitrix_integration.models import OutboxJob
from tickets import services
from tickets.models import Ticket

from .helpers import admin_retry, client_says, fake_limiter, job_of, methods_called, ok, sent, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State
BUSY = {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}


def test_comment_waits_for_the_lead(bitrix, deliver, ticket):
    client_says(ticket)
    bitrix.post(url("crm.lead.add"), status=503, json=BUSY)

    summary = deliver()

    assert methods_called(bitrix) == ["crm.lead.add.json"]
    assert (summary.sent, summary.retrying) == (0, 1)
    assert job_of(ticket, Kind.COMMENT_ADD).attempts == 0


def test_comment_after_lead_add_goes_to_the_new_lead(bitrix, deliver, ticket):
    client_says(ticket)
    bitrix.post(url("crm.lead.add"), json=ok(215))
    bitrix.post(url("crm.timeline.comment.add"), json=ok(9001))

    summary = deliver()

    assert methods_called(bitrix) == ["crm.lead.add.json", "crm.timeline.comment.add.json"]
    fields = sent(bitrix.calls[1])["fields"]
    assert (fields["ENTITY_ID"], fields["ENTITY_TYPE"]) == (215, "lead")
    assert "Уточните номер договора" in fields["COMMENT"]
    ticket.refresh_from_db()
    assert (ticket.bitrix_entity_type, ticket.bitrix_entity_id) == ("LEAD", 215)
    assert summary.sent == 2 and not OutboxJob.objects.exclude(state=State.DONE).exists()


def test_several_due_heads_go_in_one_batch(bitrix, deliver, make_ticket, make_client):
    tickets = [make_ticket(make_client()) for _ in range(3)]
    jobs = [job_of(ticket, Kind.LEAD_ADD) for ticket in tickets]
    bitrix.post(url("batch"), json=ok({
        "result": {f"j{job.pk}": 500 + n for n, job in enumerate(jobs)},
        "result_error": [], "result_total": [], "result_next": [], "result_time": []}))

    summary = deliver()

    (call,) = bitrix.calls
    assert call.request.url == url("batch")
    cmd = sent(call)["cmd"]
    assert set(cmd) == {f"j{job.pk}" for job in jobs}
    assert all(command.startswith("crm.lead.add?") and "&fields[TITLE]=" in f"&{command[13:]}"
               for command in cmd.values())
    assert [Ticket.objects.get(pk=t.pk).bitrix_entity_id for t in tickets] == [500, 501, 502]
    assert summary.sent == 3 and summary.requests == 1


def test_single_due_job_goes_as_a_plain_call(bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), json=ok(215))

    deliver()

    assert methods_called(bitrix) == ["crm.lead.add.json"]
    assert sent(bitrix.calls[0])["fields"]["ORIGIN_ID"] == f"ticket-{ticket.pk}"


def test_batch_settles_each_job_by_its_own_result(bitrix, deliver, make_ticket, make_client):
    first, second = (make_ticket(make_client()) for _ in range(2))
    ok_job, busy_job = job_of(first, Kind.LEAD_ADD), job_of(second, Kind.LEAD_ADD)
    bitrix.post(url("batch"), json=ok({"result": {f"j{ok_job.pk}": 77},
                                       "result_error": {f"j{busy_job.pk}": BUSY}}))

    summary = deliver()

    ok_job.refresh_from_db()
    busy_job.refresh_from_db()
    assert ok_job.state == State.DONE and ok_job.result == 77
    assert (busy_job.state, busy_job.attempts) == (State.PENDING, 1)
    assert (summary.sent, summary.retrying) == (1, 1)


def test_rate_limiter_spaces_requests_evenly():
    limiter, sleeps, now = fake_limiter()

    for _ in range(3):
        limiter.wait()
    now[0] += 5
    limiter.wait()

    assert sleeps == [0.5, 0.5]


def test_deliver_waits_on_the_limiter_before_every_request(bitrix, make_ticket, make_client):
    for _ in range(3):
        make_ticket(make_client())
    bitrix.post(url("crm.lead.add"), json=ok(1))
    limiter, sleeps, _now = fake_limiter()

    summary = worker.deliver(limiter=limiter, batch_size=1)

    assert summary.requests == 3 and sleeps == [0.5, 0.5]


@pytest.mark.parametrize("attempts", [1, 2, 3, 6])
def test_backoff_doubles_with_jitter(settings, attempts):
    expected = settings.BITRIX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)

    delays = [worker.backoff_seconds(attempts) for _ in range(200)]

    assert all(expected * 0.75 <= delay <= expected * 1.25 for delay in delays)
    assert len(set(delays)) > 1


def test_backoff_is_capped_at_an_hour():
    assert max(worker.backoff_seconds(20) for _ in range(50)) <= 3600


def test_retryable_failure_schedules_the_next_attempt(bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), status=503, json=BUSY)

    before = timezone.now()
    deliver()

    job = job_of(ticket, Kind.LEAD_ADD)
    assert (job.state, job.attempts, job.locked_until) == (State.PENDING, 1, None)
    assert before + timedelta(seconds=3.75) <= job.next_attempt_at
    assert job.next_attempt_at <= timezone.now() + timedelta(seconds=6.25)
    assert "QUERY_LIMIT_EXCEEDED" in job.last_error


def test_job_is_dead_after_max_attempts(bitrix, deliver, make_due, ticket):
    bitrix.post(url("crm.lead.add"), body=requests.Timeout("read timed out"))
    bitrix.post(url("crm.lead.list"), status=500,
                json={"error": "INTERNAL_SERVER_ERROR", "error_description": "boom"})

    for _ in range(3):
        make_due()
        summary = deliver()

    job = job_of(ticket, Kind.LEAD_ADD)
    assert (job.state, job.attempts) == (State.DEAD, 3)
    assert "INTERNAL_SERVER_ERROR" in job.last_error
    assert summary.dead == 1


def test_permanent_error_kills_the_job_at_once(bitrix, deliver, linked_ticket):
    client_says(linked_ticket)
    bitrix.post(url("crm.timeline.comment.add"), status=400,
                json={"error": "OWNER_NOT_FOUND", "error_description": "Owner not found."})

    summary = deliver()

    job = job_of(linked_ticket, Kind.COMMENT_ADD)
    assert (job.state, job.attempts, summary.dead) == (State.DEAD, 1, 1)
    assert "OWNER_NOT_FOUND" in job.last_error


def test_dead_head_blocks_its_ticket_but_not_other_tickets(bitrix, deliver, make_ticket,
                                                           make_client):
    stuck, other = make_ticket(make_client()), make_ticket(make_client())
    OutboxJob.objects.filter(ticket=stuck).update(state=State.DEAD)
    services.ticket_change_status(ticket=stuck, status="in_progress", source="admin")
    bitrix.post(url("crm.lead.add"), json=ok(300))

    deliver()

    assert methods_called(bitrix) == ["crm.lead.add.json"]
    assert sent(bitrix.calls[0])["fields"]["ORIGIN_ID"] == f"ticket-{other.pk}"
    assert job_of(stuck, Kind.LEAD_UPDATE).state == State.PENDING


def test_admin_retry_action_requeues_a_dead_job_that_then_delivers(bitrix, deliver, admin_client,
                                                                   linked_ticket):
    client_says(linked_ticket)
    job = job_of(linked_ticket, Kind.COMMENT_ADD)
    OutboxJob.objects.filter(pk=job.pk).update(state=State.DEAD, attempts=3, last_error="x")
    bitrix.post(url("crm.timeline.comment.list"), json=ok([]))  # not there: a lost answer is ruled out
    bitrix.post(url("crm.timeline.comment.add"), json=ok(9001))

    response = admin_retry(admin_client, job)
    summary = deliver()

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, summary.sent) == (State.DONE, 1)
    assert methods_called(bitrix) == ["crm.timeline.comment.list.json",
                                      "crm.timeline.comment.add.json"]
    assert sent(bitrix.calls[1])["fields"]["ENTITY_ID"] == 215


def test_claim_skips_a_job_leased_by_another_worker(make_ticket, make_client):
    leased, free = make_ticket(make_client()), make_ticket(make_client())
    OutboxJob.objects.filter(ticket=leased).update(
        locked_until=timezone.now() + timedelta(seconds=60))

    claimed = worker.claim(10)

    assert [job.ticket_id for job in claimed] == [free.pk]


def test_claim_leases_what_it_returns_until_the_lease_expires(make_ticket, make_client):
    make_ticket(make_client())

    first, second = worker.claim(10), worker.claim(10)
    OutboxJob.objects.update(locked_until=timezone.now() - timedelta(seconds=1))

    assert len(first) == 1 and second == []
    assert len(worker.claim(10)) == 1
