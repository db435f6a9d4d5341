"""What nobody expected: a sender that raises, local effects that fail, a strange answer."""


from delivery import worker
from delivery.models import Job

from .helpers import ScriptedSender, refreshed

State = Job.State


def test_sender_exception_fails_each_job_not_yet_answered_once(enqueue, one_pass, provider):
    answered, broken, untried = enqueue("chat:1"), enqueue("chat:2"), enqueue("chat:3")
    provider.script[broken.pk] = [KeyError("chat")]

    one_pass()

    broken, untried = refreshed(broken, untried)
    assert [(job.state, job.attempts, job.last_error) for job in (broken, untried)] == [
        (State.PENDING, 1, "KeyError: 'chat'")] * 2
    assert provider.sent() == [answered.pk, broken.pk]


def test_sender_exception_keeps_the_outcome_of_jobs_answered_before(enqueue, one_pass, provider):
    answered, broken = enqueue("chat:1"), enqueue("chat:2")
    provider.script[broken.pk] = [KeyError("chat")]

    one_pass()

    (answered,) = refreshed(answered)
    assert (answered.state, answered.attempts) == (State.DONE, 0)


def test_sender_exception_does_not_stop_the_pass(enqueue, provider):
    enqueue("chat:1"), enqueue("chat:2")
    provider.script = {pk: [KeyError("chat")] for pk in Job.objects.values_list("pk", flat=True)}

    summary = worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0))

    assert (summary.sent, summary.retrying, summary.dead) == (0, 2, 0)


def test_sender_exception_releases_the_lease_of_the_jobs_it_failed(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [ValueError("boom")]

    one_pass()

    assert refreshed(job)[0].locked_until is None


def test_sender_exception_on_the_last_attempt_makes_the_job_dead(
        enqueue, one_pass, provider, make_due):
    job = enqueue()
    provider.script[job.pk] = [KeyError("chat")] * 3
    for _ in range(3):
        make_due(job)
        one_pass()

    assert refreshed(job)[0].state == State.DEAD


def test_failing_local_effects_count_a_failed_attempt(enqueue, one_pass, provider):
    job = enqueue()
    provider.broken_effects.add(job.pk)

    result = one_pass()

    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.done_at) == (State.PENDING, 1, None)
    assert job.last_error == "RuntimeError: local effect failed"
    assert result.line == "Тест: доставлено 0, повтор позже 1, не доставлено 0, запросов 1"


def test_failing_local_effects_are_rolled_back(enqueue, one_pass, provider):
    job = enqueue()
    provider.broken_effects.add(job.pk)

    one_pass()

    assert refreshed(job)[0].result is None


def test_job_answered_after_failing_local_effects_is_sent_again(
        enqueue, one_pass, provider, make_due):
    job = enqueue()
    provider.broken_effects.add(job.pk)
    one_pass()
    provider.broken_effects.clear()

    make_due(job)
    one_pass()

    assert (provider.sent(), refreshed(job)[0].state) == ([job.pk, job.pk], State.DONE)


def test_answer_that_is_no_outcome_counts_a_failed_attempt(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = ["ok?"]

    one_pass()

    (job,) = refreshed(job)
    assert (job.attempts, job.last_error) == (1, "sender answered 'ok?'")


def test_job_the_sender_never_answered_goes_back_untried(enqueue, provider, monkeypatch):
    enqueue("chat:1")
    skipped = enqueue("chat:2")
    send = ScriptedSender.send

    def send_first_only(self, jobs, *, limiter):
        yield from send(self, jobs[:1], limiter=limiter)

    monkeypatch.setattr(ScriptedSender, "send", send_first_only)
    worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0), max_jobs=2)

    (skipped,) = refreshed(skipped)
    assert (skipped.state, skipped.attempts, skipped.locked_until) == (State.PENDING, 0, None)


def test_pass_ends_when_the_sender_leaves_a_job_out(enqueue, provider, monkeypatch):
    skipped = enqueue("chat:1")

    def answer_nothing(self, jobs, *, limiter):
        if len(provider.batches) >= 3:  # the pass would never end: fail its jobs to stop it
            raise RuntimeError("the pass keeps claiming the same job")
        provider.batches.append([job.pk for job in jobs])
        return iter(())

    monkeypatch.setattr(ScriptedSender, "send", answer_nothing)
    worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0))

    assert provider.batches == [[skipped.pk]]
