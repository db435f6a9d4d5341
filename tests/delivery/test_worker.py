"""A delivery pass of a channel added with a sender only: order per key, retries,
dead jobs, a provider's wait and a configuration error; by the worker and the command."""

from datetime import timedelta

from django.utils import timezone

from delivery.models import Job, Pause
from delivery.senders import Failed

from .helpers import refreshed

State = Job.State


def test_jobs_of_one_key_go_one_head_at_a_time_in_id_order(enqueue, one_pass, provider):
    first, second, third = enqueue("chat:1"), enqueue("chat:1"), enqueue("chat:1")
    other = enqueue("chat:2")

    one_pass()

    assert provider.batches == [[first.pk, other.pk], [second.pk], [third.pk]]


def test_a_pass_delivers_every_due_job_and_says_so(enqueue, one_pass):
    jobs = [enqueue("chat:1"), enqueue("chat:1"), enqueue("chat:2")]

    result = one_pass()

    assert {job.state for job in refreshed(*jobs)} == {State.DONE}
    assert (result.line, result.code) == (
        "Тест: доставлено 3, повтор позже 0, не доставлено 0, запросов 3", 0)


def test_delivered_job_keeps_the_providers_result(enqueue, one_pass):
    job = enqueue()

    one_pass()

    (job,) = refreshed(job)
    assert (job.result, job.done_at is not None, job.locked_until) == ({"sent": job.pk}, True, None)


def test_retryable_failure_backs_off_about_the_base_delay(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("503 unavailable")]
    before = timezone.now()

    result = one_pass()

    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.last_error) == (State.PENDING, 1, "503 unavailable")
    assert before + timedelta(seconds=3.75) <= job.next_attempt_at
    assert job.next_attempt_at <= timezone.now() + timedelta(seconds=6.25)
    assert (result.line, result.code) == (
        "Тест: доставлено 0, повтор позже 1, не доставлено 0, запросов 1", 1)


def test_retrying_head_holds_its_key_but_not_other_keys(enqueue, one_pass, provider):
    head, behind, other = enqueue("chat:1"), enqueue("chat:1"), enqueue("chat:2")
    provider.script[head.pk] = [Failed("503 unavailable")]

    one_pass()

    assert provider.sent() == [head.pk, other.pk]
    assert [job.state for job in refreshed(behind, other)] == [State.PENDING, State.DONE]


def test_after_the_backoff_the_job_and_those_behind_it_are_delivered(
        enqueue, one_pass, provider, make_due):
    head, behind = enqueue("chat:1"), enqueue("chat:1")
    provider.script[head.pk] = [Failed("503 unavailable")]
    one_pass()

    make_due(head)
    one_pass()

    assert provider.sent() == [head.pk, head.pk, behind.pk]
    assert [job.state for job in refreshed(head, behind)] == [State.DONE, State.DONE]


def test_job_is_dead_after_max_attempts(enqueue, one_pass, provider, make_due):
    job = enqueue()
    provider.script[job.pk] = [Failed("503 unavailable")] * 3
    for _ in range(3):
        make_due(job)
        result = one_pass()

    (job,) = refreshed(job)
    assert (job.state, job.attempts, len(provider.calls)) == (State.DEAD, 3, 3)
    assert result.line == "Тест: доставлено 0, повтор позже 0, не доставлено 1, запросов 1"


def test_non_retryable_failure_is_dead_at_once(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("400 bad request", retryable=False)]

    result = one_pass()

    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.last_error) == (State.DEAD, 1, "400 bad request")
    assert result.code == 1


def test_dead_head_blocks_its_key_but_not_other_keys(enqueue, one_pass, provider, make_due):
    head, behind = enqueue("chat:1"), enqueue("chat:1")
    provider.script[head.pk] = [Failed("400 bad request", retryable=False)]
    one_pass()
    other = enqueue("chat:2")

    make_due()
    one_pass()

    assert provider.sent() == [head.pk, other.pk]
    assert [job.state for job in refreshed(behind, other)] == [State.PENDING, State.DONE]


def test_providers_wait_holds_the_job_without_spending_an_attempt(enqueue, one_pass, provider):
    job = enqueue()
    until = timezone.now() + timedelta(seconds=30)
    provider.script[job.pk] = [Failed("429 too many", wait_until=until, pause_scope="")]

    one_pass()

    (job,) = refreshed(job)
    assert (job.state, job.attempts, job.next_attempt_at) == (State.PENDING, 0, until)


def test_providers_wait_pauses_the_whole_channel(enqueue, one_pass, provider, make_due):
    job = enqueue("chat:1")
    until = timezone.now() + timedelta(seconds=30)
    provider.script[job.pk] = [Failed("429 too many", wait_until=until, pause_scope="")]
    one_pass()
    other = enqueue("chat:2")

    make_due()
    one_pass()

    pause = Pause.objects.get(channel="test")
    assert (pause.scope, pause.until, pause.reason) == ("", until, "429 too many")
    assert provider.sent() == [job.pk]
    assert refreshed(other)[0].state == State.PENDING


def test_channel_sends_again_once_its_pause_is_over(enqueue, one_pass, provider, make_due):
    job = enqueue("chat:1")
    provider.script[job.pk] = [Failed("429 too many", wait_until=timezone.now(), pause_scope="")]
    one_pass()
    other = enqueue("chat:2")

    Pause.objects.update(until=timezone.now() - timedelta(seconds=1))
    make_due()
    one_pass()

    assert provider.sent() == [job.pk, job.pk, other.pk]


def test_wait_in_the_past_still_holds_the_job_a_little(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("429", wait_until=timezone.now() - timedelta(hours=1))]
    before = timezone.now()

    one_pass()

    assert refreshed(job)[0].next_attempt_at >= before + timedelta(seconds=10)


def test_config_error_stops_the_pass_and_spends_no_attempt(enqueue, one_pass, provider):
    first, second, third = enqueue("chat:1"), enqueue("chat:2"), enqueue("chat:3")
    provider.script[first.pk] = [Failed("token revoked", config=True)]

    result = one_pass()

    assert provider.sent() == [first.pk]
    first, second, third = refreshed(first, second, third)
    assert (first.state, first.attempts, first.last_error) == (State.PENDING, 0, "token revoked")
    assert (result.code, result.line.endswith("; ОШИБКА НАСТРОЙКИ: token revoked")) == (2, True)


def test_config_error_releases_the_other_leased_jobs(enqueue, one_pass, provider):
    first, second, third = enqueue("chat:1"), enqueue("chat:2"), enqueue("chat:3")
    provider.script[first.pk] = [Failed("token revoked", config=True)]

    one_pass()

    assert [(job.locked_until, job.attempts, job.state) for job in refreshed(first, second, third)
            ] == [(None, 0, State.PENDING)] * 3
