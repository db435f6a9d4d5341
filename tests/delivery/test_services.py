"""Writes to the outbox: enqueue, and the retry managers start from admin."""

from datetime import timedelta

from django.utils import timezone

from delivery import queue, services
from delivery.models import Job
from delivery.senders import Failed

from .helpers import refreshed

State = Job.State


def retry(job):
    return services.job_retry(Job.objects.filter(pk=job.pk))


def test_enqueue_records_a_pending_job_due_now(enqueue):
    before = timezone.now()
    job = enqueue("chat:7", kind="photo", url="https://example.test/a.png")

    (job,) = refreshed(job)
    assert (job.channel, job.key, job.kind, job.payload) == (
        "test", "chat:7", "photo", {"url": "https://example.test/a.png"})
    assert (job.state, job.attempts, job.next_attempt_at >= before) == (State.PENDING, 0, True)


def test_enqueue_links_the_ticket_it_was_given(make_client, make_ticket):
    ticket = make_ticket(make_client())

    job = services.job_enqueue(channel="test", key=f"ticket:{ticket.pk}", kind="message",
                               ticket_id=ticket.pk)

    assert refreshed(job)[0].ticket == ticket


def test_retry_puts_a_dead_job_back_due_now_with_fresh_attempts(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("400 bad request", retryable=False)]
    one_pass()
    before = timezone.now()

    assert retry(job) == 1
    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.next_attempt_at >= before) == (State.PENDING, 0, True)


def test_retry_keeps_the_last_error_so_the_job_may_have_been_sent(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("400 bad request", retryable=False)]
    one_pass()

    retry(job)
    one_pass()

    assert provider.calls[-1].may_have_been_sent is True


def test_retried_job_is_delivered_by_the_next_pass(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("400 bad request", retryable=False)]
    one_pass()

    retry(job)
    one_pass()

    assert refreshed(job)[0].state == State.DONE


def test_retry_leaves_a_leased_job_alone(enqueue, sender):
    job = enqueue()
    queue.claim(sender, 10)
    (leased,) = refreshed(job)
    Job.objects.filter(pk=job.pk).update(attempts=2)

    assert retry(job) == 0
    (job,) = refreshed(job)
    assert (job.attempts, job.next_attempt_at, job.locked_until) == (
        2, leased.next_attempt_at, leased.locked_until)


def test_retry_takes_a_job_whose_lease_ran_out(enqueue, sender):
    job = enqueue()
    Job.objects.filter(pk=job.pk).update(state=State.DEAD, attempts=3,
                                         locked_until=timezone.now() - timedelta(seconds=1))

    assert retry(job) == 1


def test_retry_leaves_a_delivered_job_alone(enqueue, one_pass):
    job = enqueue()
    one_pass()

    assert retry(job) == 0
    assert refreshed(job)[0].state == State.DONE


def test_retry_of_a_job_whose_worker_died_frees_it_and_marks_it_maybe_sent(enqueue, sender):
    job = enqueue()
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))

    retry(job)
    (claimed,) = queue.claim(sender, 1)

    assert (claimed.attempts, claimed.may_have_been_sent) == (0, True)
    assert claimed.last_error == queue.lease_expired_error()
