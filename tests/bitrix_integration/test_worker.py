"""The worker: order per ticket, batch, rate limit, backoff, dead jobs, pauses, lost answers."""

from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from bitrix_integration import worker
from bitrix_integration.models import OutboxJob
from delivery.models import Pause
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


def test_comment_whose_answer_was_lost_is_found_not_posted_again(bitrix, deliver, linked_ticket):
    message = client_says(linked_ticket)
    job = job_of(linked_ticket, Kind.COMMENT_ADD)
    OutboxJob.objects.filter(pk=job.pk).update(attempts=1, last_error="TIMEOUT")
    bitrix.post(url("crm.timeline.comment.list"), json=ok([
        {"ID": "77", "COMMENT": f"Клиент: Алексей (сообщение портала №{message.pk})\nпривет"},
        {"ID": "76", "COMMENT": f"Клиент: Алексей (сообщение портала №{message.pk}0)\nдругое"},
    ]))

    summary = deliver()

    job.refresh_from_db()
    assert (job.state, job.result, summary.sent) == (State.DONE, 77, 1)
    assert methods_called(bitrix) == ["crm.timeline.comment.list.json"]
    assert sent(bitrix.calls[0])["filter"] == {"ENTITY_ID": 215, "ENTITY_TYPE": "lead"}


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


def _lose_the_answer(bitrix, deliver, make_due):
    """lead_add whose request timed out: Bitrix may have created the lead."""
    bitrix.post(url("crm.lead.add"), body=requests.Timeout("read timed out"))
    deliver()
    bitrix.calls.reset()
    bitrix.replace(responses.POST, url("crm.lead.add"), json=ok(999))
    make_due()


def test_lost_answer_finds_the_lead_by_origin_id_and_adds_none(bitrix, deliver, make_due,
                                                               ticket):
    _lose_the_answer(bitrix, deliver, make_due)
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "215"}], total=1))

    summary = deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json"]
    assert sent(bitrix.calls[0])["filter"] == {"ORIGIN_ID": f"ticket-{ticket.pk}",
                                               "ORIGINATOR_ID": "support-portal"}
    ticket.refresh_from_db()
    assert ticket.bitrix_entity_id == 215 and summary.sent == 1


def test_lost_answer_with_no_lead_found_adds_the_lead(bitrix, deliver, make_due, ticket):
    _lose_the_answer(bitrix, deliver, make_due)
    bitrix.post(url("crm.lead.list"), json=ok([], total=0))

    deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json", "crm.lead.add.json"]
    ticket.refresh_from_db()
    assert ticket.bitrix_entity_id == 999


def test_admin_retry_of_a_dead_lead_add_still_looks_the_lead_up(bitrix, deliver, make_due,
                                                                admin_client, ticket):
    _lose_the_answer(bitrix, deliver, make_due)
    job = job_of(ticket, Kind.LEAD_ADD)
    OutboxJob.objects.filter(pk=job.pk).update(state=State.DEAD)
    admin_retry(admin_client, job)
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "215"}], total=1))

    deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json"]
    assert Ticket.objects.get(pk=ticket.pk).bitrix_entity_id == 215


def _time_out_an_add(bitrix, deliver, ticket, settings):
    """lead_add timed out while Bitrix may run a call for 60 s: the lead may come later."""
    settings.BITRIX_REQUEST_MAX_SECONDS = 60
    bitrix.post(url("crm.lead.add"), body=requests.Timeout("read timed out"))
    deliver()
    bitrix.calls.reset()
    return job_of(ticket, Kind.LEAD_ADD)


def test_timed_out_add_is_looked_for_but_not_sent_while_bitrix_may_still_run_it(
        bitrix, deliver, make_due, admin_client, ticket, settings):
    job = _time_out_an_add(bitrix, deliver, ticket, settings)
    OutboxJob.objects.filter(pk=job.pk).update(state=State.DEAD)
    bitrix.post(url("crm.lead.list"), json=ok([], total=0))

    admin_retry(admin_client, job)
    make_due()
    deliver()

    job.refresh_from_db()
    assert methods_called(bitrix) == ["crm.lead.list.json"]  # a read, never a second add
    assert (job.state, job.attempts) == (State.PENDING, 0)
    assert 55 <= (job.uncertain_until - timezone.now()).total_seconds() <= 60
    assert timezone.now() < job.next_attempt_at <= job.uncertain_until


def test_timed_out_add_found_at_the_next_backoff_step_is_done_without_waiting_a_minute(
        bitrix, deliver, make_due, ticket, settings):
    job = _time_out_an_add(bitrix, deliver, ticket, settings)
    job.refresh_from_db()
    assert (job.next_attempt_at - timezone.now()).total_seconds() < 10  # the backoff, not 60 s
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "215"}], total=1))

    make_due()
    deliver()

    job.refresh_from_db()
    assert methods_called(bitrix) == ["crm.lead.list.json"]
    assert (job.state, Ticket.objects.get(pk=ticket.pk).bitrix_entity_id) == (State.DONE, 215)


def test_timed_out_add_not_found_once_bitrix_is_past_its_limit_is_sent_again(
        bitrix, deliver, make_due, ticket, settings):
    job = _time_out_an_add(bitrix, deliver, ticket, settings)
    OutboxJob.objects.filter(pk=job.pk).update(uncertain_until=timezone.now())  # 60 s later
    bitrix.post(url("crm.lead.list"), json=ok([], total=0))
    bitrix.replace(responses.POST, url("crm.lead.add"), json=ok(999))

    make_due()
    deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json", "crm.lead.add.json"]
    assert Ticket.objects.get(pk=ticket.pk).bitrix_entity_id == 999


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


def test_lookups_of_several_maybe_sent_jobs_go_in_one_batch(bitrix, deliver, make_ticket,
                                                            make_client):
    tickets = [make_ticket(make_client()) for _ in range(3)]
    jobs = [job_of(ticket, Kind.LEAD_ADD) for ticket in tickets]
    OutboxJob.objects.update(attempts=1, last_error="TIMEOUT: read timed out")
    bitrix.post(url("batch"), json=ok({
        "result": {f"j{job.pk}": [{"ID": str(700 + n), "ORIGIN_ID": f"ticket-{job.ticket_id}"}]
                   for n, job in enumerate(jobs)},
        "result_error": [], "result_total": [], "result_next": [], "result_time": []}))

    summary = deliver()

    (call,) = bitrix.calls
    assert all(command.startswith("crm.lead.list?") for command in sent(call)["cmd"].values())
    assert [Ticket.objects.get(pk=t.pk).bitrix_entity_id for t in tickets] == [700, 701, 702]
    assert (summary.sent, summary.requests) == (3, 1)


def test_lead_found_with_another_origin_id_is_not_taken_for_ours(bitrix, deliver, make_due,
                                                                 ticket):
    _lose_the_answer(bitrix, deliver, make_due)
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "5", "ORIGIN_ID": "ticket-999999"}]))

    deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json", "crm.lead.add.json"]
    assert Ticket.objects.get(pk=ticket.pk).bitrix_entity_id == 999


def test_lookup_that_times_out_ends_the_pass_and_sends_nothing_blind(bitrix, deliver, make_ticket,
                                                                    make_client, settings):
    settings.BITRIX_REQUEST_MAX_SECONDS = 60
    maybe_sent, fresh = make_ticket(make_client()), make_ticket(make_client())
    OutboxJob.objects.filter(ticket=maybe_sent).update(attempts=1, last_error="TIMEOUT")
    bitrix.post(url("crm.lead.list"), body=requests.Timeout("read timed out"))

    summary = deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json"]
    looked = job_of(maybe_sent, Kind.LEAD_ADD)
    untried = job_of(fresh, Kind.LEAD_ADD)
    assert (looked.attempts, looked.uncertain_until) == (2, None)  # a read made nothing
    assert (untried.attempts, untried.locked_until, untried.state) == (0, None, State.PENDING)
    assert summary.retrying == 1
