"""Leases and heads: who may be sent now, and a lease that ran out with no outcome."""

from datetime import timedelta

from django.utils import timezone

from delivery import queue, worker
from delivery.models import Job, Pause

from .helpers import ScriptedSender, refreshed

State = Job.State


def expire_lease(*jobs):
    """As if the worker holding these jobs had been killed mid-call long ago."""
    Job.objects.filter(pk__in=[job.pk for job in jobs]).update(
        locked_until=timezone.now() - timedelta(seconds=1))


def test_claim_leases_the_jobs_it_returns(enqueue, sender):
    job = enqueue()
    before = timezone.now()

    (claimed,) = queue.claim(sender, 10)

    assert claimed.pk == job.pk
    assert claimed.locked_until >= before + timedelta(seconds=sender.lease_seconds)


def test_claim_skips_a_live_lease(enqueue, sender):
    enqueue()
    queue.claim(sender, 10)

    assert queue.claim(sender, 10) == []


def test_two_claims_in_a_row_never_return_the_same_job(enqueue, sender):
    jobs = [enqueue(f"chat:{n}") for n in range(5)]

    first = [job.pk for job in queue.claim(sender, 3)]
    second = [job.pk for job in queue.claim(sender, 3)]

    assert set(first).isdisjoint(second)
    assert sorted(first + second) == [job.pk for job in jobs]


def test_claim_returns_only_the_head_of_each_key(enqueue, sender):
    head, _behind, other = enqueue("chat:1"), enqueue("chat:1"), enqueue("chat:2")

    assert [job.pk for job in queue.claim(sender, 10)] == [head.pk, other.pk]


def test_claim_takes_only_jobs_of_its_channel(enqueue, sender):
    Job.objects.create(channel="other", key="chat:1", kind="message")

    assert queue.claim(sender, 10) == []


def test_release_gives_the_lease_back(enqueue, sender):
    job = enqueue()
    queue.release(queue.claim(sender, 10))

    assert refreshed(job)[0].locked_until is None


def test_expired_lease_counts_as_a_failed_attempt(enqueue, sender):
    job = enqueue()
    queue.claim(sender, 10)
    expire_lease(job)

    (claimed,) = queue.claim(sender, 10)

    assert (claimed.pk, claimed.attempts, claimed.state) == (job.pk, 1, State.PENDING)
    assert claimed.last_error == queue.lease_expired_error()
    assert "истёк срок аренды" in claimed.last_error


def test_job_with_an_expired_lease_reaches_the_sender_as_maybe_sent(enqueue, provider):
    job = enqueue()
    queue.claim(ScriptedSender(), 10)
    expire_lease(job)

    worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0))

    (call,) = provider.calls
    assert (call.pk, call.attempts, call.may_have_been_sent) == (job.pk, 1, True)


def test_fresh_job_reaches_the_sender_as_never_sent(enqueue, provider):
    enqueue()

    worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0))

    assert provider.calls[0].may_have_been_sent is False


def test_expired_lease_one_short_of_max_attempts_still_retries(enqueue, sender):
    job = enqueue()
    Job.objects.filter(pk=job.pk).update(attempts=sender.max_attempts - 2)
    expire_lease(job)

    (claimed,) = queue.claim(sender, 10)

    assert (claimed.attempts, claimed.state) == (sender.max_attempts - 1, State.PENDING)


def test_expired_lease_after_max_attempts_minus_one_makes_the_job_dead(enqueue, sender):
    job = enqueue()
    Job.objects.filter(pk=job.pk).update(attempts=sender.max_attempts - 1)
    expire_lease(job)

    assert queue.claim(sender, 10) == []
    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.locked_until) == (State.DEAD, sender.max_attempts, None)
    assert job.last_error == queue.lease_expired_error()


def test_pause_of_a_scope_holds_only_the_kinds_it_names(enqueue, sender):
    enqueue("chat:1", kind="message")
    photo = enqueue("chat:2", kind="photo")
    Pause.objects.create(channel="test", scope="message",
                         until=timezone.now() + timedelta(minutes=1))

    assert [job.pk for job in queue.claim(sender, 10)] == [photo.pk]


def test_pause_of_another_channel_holds_nothing_here(enqueue, sender):
    job = enqueue()
    Pause.objects.create(channel="other", scope="", until=timezone.now() + timedelta(minutes=1))

    assert [claimed.pk for claimed in queue.claim(sender, 10)] == [job.pk]


def test_pause_that_is_over_holds_nothing(enqueue, sender):
    job = enqueue()
    Pause.objects.create(channel="test", scope="", until=timezone.now() - timedelta(seconds=1))

    assert [claimed.pk for claimed in queue.claim(sender, 10)] == [job.pk]


def test_claim_leaves_jobs_due_after_the_pass_began(enqueue, sender):
    job = enqueue()
    began = job.next_attempt_at - timedelta(seconds=1)

    assert queue.claim(sender, 10, due_before=began) == []


def test_next_due_in_is_none_with_nothing_pending(db):
    assert queue.next_due_in(["test"]) is None


def test_next_due_in_counts_the_seconds_to_the_earliest_pending_job(enqueue):
    job = enqueue()
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(next_attempt_at=now + timedelta(seconds=42))

    assert queue.next_due_in(["test"], now=now) == 42.0
