"""Answers the worker did not expect: a failed attempt with a clear error, never a crash,
and the job is looked for before it is sent again."""

import pytest

from bitrix_integration.models import OutboxJob
from tickets.models import Ticket

from .helpers import client_says, job_of, methods_called, ok, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State


def test_lead_add_answering_an_object_is_a_failed_attempt_that_says_why(bitrix, deliver,
                                                                        ticket):
    bitrix.post(url("crm.lead.add"), json=ok({"item": {"id": 7}}))

    summary = deliver()  # returns: the worker goes on

    job = job_of(ticket, Kind.LEAD_ADD)
    assert (job.state, job.attempts, summary.retrying) == (State.PENDING, 1, 1)
    assert job.last_error.startswith("unexpected answer to crm.lead.add: ")
    assert job.last_error.endswith('{"item": {"id": 7}}')
    assert Ticket.objects.get(pk=ticket.pk).bitrix_entity_id is None


def test_after_an_odd_lead_add_answer_the_lead_is_looked_up_not_added_again(
        bitrix, deliver, make_due, ticket):
    bitrix.post(url("crm.lead.add"), json=ok({"item": {"id": 7}}))
    deliver()
    bitrix.calls.reset()
    make_due()
    bitrix.post(url("crm.lead.list"), json=ok([{"ID": "7", "ORIGIN_ID": f"ticket-{ticket.pk}"}]))

    summary = deliver()

    assert methods_called(bitrix) == ["crm.lead.list.json"]
    job = job_of(ticket, Kind.LEAD_ADD)
    assert (job.state, job.result, summary.sent) == (State.DONE, 7, 1)
    assert Ticket.objects.get(pk=ticket.pk).bitrix_entity_id == 7


def test_comment_add_answering_something_odd_is_a_failed_attempt_then_looked_up(
        bitrix, deliver, make_due, linked_ticket):
    message = client_says(linked_ticket)
    bitrix.post(url("crm.timeline.comment.add"), json=ok({"comment": "ok?"}))

    deliver()

    job = job_of(linked_ticket, Kind.COMMENT_ADD)
    assert (job.state, job.attempts) == (State.PENDING, 1)
    assert job.last_error.startswith("unexpected answer to crm.timeline.comment.add: ")
    bitrix.calls.reset()
    make_due()
    bitrix.post(url("crm.timeline.comment.list"), json=ok([
        {"ID": "77", "COMMENT": f"Клиент (сообщение портала №{message.pk})\nУточните"}]))

    deliver()

    job.refresh_from_db()
    assert methods_called(bitrix) == ["crm.timeline.comment.list.json"]
    assert (job.state, job.result) == (State.DONE, 77)


def test_an_odd_answer_in_a_batch_fails_only_its_own_job(bitrix, deliver, make_ticket,
                                                         make_client):
    first, second = (make_ticket(make_client()) for _ in range(2))
    good, odd = job_of(first, Kind.LEAD_ADD), job_of(second, Kind.LEAD_ADD)
    bitrix.post(url("batch"), json=ok({"result": {f"j{good.pk}": 77, f"j{odd.pk}": [1, 2]}}))

    summary = deliver()

    good.refresh_from_db()
    odd.refresh_from_db()
    assert (good.state, good.result) == (State.DONE, 77)
    assert (odd.state, odd.attempts) == (State.PENDING, 1)
    assert odd.last_error == "unexpected answer to crm.lead.add: [1, 2]"
    assert (summary.sent, summary.retrying) == (1, 1)


def test_lead_read_answering_a_list_is_a_failed_attempt_not_a_crash(bitrix, deliver,
                                                                    linked_ticket):
    OutboxJob.objects.create(channel="bitrix", key=f"ticket:{linked_ticket.pk}",
                             kind=Kind.LEAD_READ, ticket=linked_ticket, payload={"id": 215})
    bitrix.post(url("crm.lead.get"), json=ok(["STATUS_ID", "CONVERTED"]))

    summary = deliver()

    job = job_of(linked_ticket, Kind.LEAD_READ)
    assert (job.state, job.attempts, summary.retrying) == (State.PENDING, 1, 1)
    assert job.last_error.startswith("unexpected answer to crm.lead.get: ")
