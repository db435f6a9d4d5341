"""The worker process: every channel with its own rate limiter, exit codes, the loop."""

import threading

from delivery import runner
from delivery.worker import PassSummary

from .helpers import ScriptedSender


def test_each_channel_gets_a_limiter_at_its_senders_rate(settings, monkeypatch):
    settings.BITRIX_RATE_PER_SECOND = 2
    monkeypatch.setattr(ScriptedSender, "rate_per_second", 4)

    channels = runner.Channels(["bitrix", "test"])

    assert {name: limiter.interval for name, limiter in channels.limiters.items()} == {
        "bitrix": 0.5, "test": 0.25}


def test_channels_do_not_share_a_limiter(db):
    channels = runner.Channels(["bitrix", "test"])

    assert channels.limiters["bitrix"] is not channels.limiters["test"]


def test_channels_default_to_every_configured_sender(db):
    assert runner.Channels().names == ["bitrix", "telegram", "sms", "test"]


def test_a_pass_counts_its_requests_on_the_channels_limiter(enqueue):
    enqueue("chat:1"), enqueue("chat:2")
    channels = runner.Channels(["test"])

    channels.deliver()
    enqueue("chat:3")
    channels.deliver()

    assert channels.limiters["test"].requests == 3


def test_unconfigured_channel_with_nothing_pending_is_quiet(db, provider):
    provider.config_error = "нет токена"

    assert runner.Channels(["test"]).deliver() == []


def test_exit_code_says_config_error_then_failure_then_success():
    ok, failed = PassSummary(sent=1), PassSummary(retrying=1)
    broken = PassSummary(config_error="нет токена")

    assert [runner.exit_code(s) for s in ([ok], [ok, failed], [failed, broken], [])] == [
        0, 1, 2, 0]


def test_summary_line_joins_the_channels():
    summaries = [PassSummary(label="А", sent=1, requests=1), PassSummary(label="Б", dead=2)]

    assert runner.summary_line(summaries) == (
        "А: доставлено 1, повтор позже 0, не доставлено 0, запросов 1; "
        "Б: доставлено 0, повтор позже 0, не доставлено 2, запросов 0")


def test_loop_writes_a_line_only_for_passes_that_did_something(db):
    stop, lines = threading.Event(), []
    results = iter([[PassSummary(label="Тест")], [PassSummary(label="Тест", sent=1)]])

    def step():
        summaries = next(results)
        if summaries[0].sent:
            stop.set()
        return summaries

    runner.run_forever(step, stop=stop, names=["test"], write=lines.append, idle_seconds=0)

    assert lines == ["Тест: доставлено 1, повтор позже 0, не доставлено 0, запросов 0"]
