"""The worker after lost answers and timeouts: it looks a job up before any resend."""

import pytest
import requests
import responses
from django.utils import timezone

from bitrix_integration.models import OutboxJob
from tickets.models import Ticket

from .helpers import admin_retry, client_says, job_of, methods_called, ok, sent, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State


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
    bitrix.post(url("crm.lead.list"),
                json=ok([{"ID": "215", "ORIGIN_ID": f"ticket-{ticket.pk}"}], total=1))

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
    bitrix.post(url("crm.lead.list"),
                json=ok([{"ID": "215", "ORIGIN_ID": f"ticket-{ticket.pk}"}], total=1))

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
    bitrix.post(url("crm.lead.list"),
                json=ok([{"ID": "215", "ORIGIN_ID": f"ticket-{ticket.pk}"}], total=1))

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
