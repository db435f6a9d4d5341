"""Leases that outlast a slow batch, and outcomes kept by the worker that holds the job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery import queue, runner, worker
from delivery.models import Job
from delivery.senders import Delivered

from .helpers import CHANNEL, PROVIDER, ScriptedSender, refreshed

pytestmark = pytest.mark.django_db


class SlowSender(ScriptedSender):
    """Each call takes a while: records the other job's lease around the first answer."""

    leases = []

    def send(self, jobs, *, limiter):
        first, second = jobs
        SlowSender.leases.append(Job.objects.get(pk=second.pk).locked_until)
        yield first, Delivered(1)
        SlowSender.leases.append(Job.objects.get(pk=second.pk).locked_until)
        yield second, Delivered(2)


def test_jobs_still_waiting_in_a_batch_get_a_fresh_lease_after_each_answer(enqueue):
    enqueue("chat:1"), enqueue("chat:2")
    SlowSender.leases = []

    worker.deliver(SlowSender(), limiter=worker.RateLimiter(0))

    before, after = SlowSender.leases
    assert after > before


class TakenOverSender(ScriptedSender):
    """While the call is under way the lease runs out and another worker takes the job."""

    def send(self, jobs, *, limiter):
        (job,) = jobs
        Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
        yield job, Delivered("too late")


def test_an_outcome_after_the_lease_was_taken_over_is_not_recorded(enqueue):
    job = enqueue()

    worker.deliver(TakenOverSender(), limiter=worker.RateLimiter(0))

    (job,) = refreshed(job)
    assert (job.state, job.result) == (Job.State.PENDING, None)
    assert job.locked_until > timezone.now()  # still the other worker's


def test_release_frees_only_what_this_worker_still_holds(enqueue, sender):
    enqueue()
    (mine,) = queue.claim(sender, 1)
    Job.objects.filter(pk=mine.pk).update(locked_until=timezone.now() + timedelta(minutes=9))

    queue.release([mine])

    assert refreshed(mine)[0].locked_until is not None


def test_a_channel_with_a_configuration_error_rests_and_the_others_go_on(enqueue):
    enqueue()
    PROVIDER.config_error = "TEST_TOKEN не задан"
    clock = [1000.0]
    channels = runner.Channels([CHANNEL, "bitrix"], clock=lambda: clock[0])

    first = channels.deliver()
    resting = channels.active_names()
    second = channels.deliver()
    clock[0] += runner.CONFIG_ERROR_PAUSE_SECONDS + 1

    assert [s.config_error for s in first] == ["TEST_TOKEN не задан"]
    assert resting == ["bitrix"] and second == []
    assert channels.active_names() == [CHANNEL, "bitrix"]
