"""``manage.py outbox_worker --once``: one pass for cron, one line, an exit code."""

import re

from delivery.models import Job
from delivery.senders import Failed

from .helpers import refreshed

LINE = re.compile(r"^Тест: доставлено \d+, повтор позже \d+, не доставлено \d+, запросов \d+$")


def test_empty_queue_with_bitrix_off_says_so_and_exits_0(db, run_command, settings):
    settings.DELIVERY_SENDERS = {name: path for name, path in settings.DELIVERY_SENDERS.items()
                                 if name != "test"}

    result = run_command()

    assert (result.line, result.code) == ("Очередь пуста: нечего доставлять.", 0)


def test_summary_line_names_the_channel_and_its_counts(enqueue, run_command):
    enqueue()

    assert LINE.match(run_command().line)


def test_configured_channel_with_nothing_pending_reports_zeros(db, run_command):
    result = run_command()

    assert (result.line, result.code) == (
        "Тест: доставлено 0, повтор позже 0, не доставлено 0, запросов 0", 0)


def test_all_delivered_exits_0(enqueue, run_command):
    enqueue("chat:1"), enqueue("chat:2")

    result = run_command()

    assert (result.line, result.code) == (
        "Тест: доставлено 2, повтор позже 0, не доставлено 0, запросов 2", 0)


def test_a_failed_job_exits_1(enqueue, run_command, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("503 unavailable")]

    assert run_command().code == 1


def test_pending_job_of_an_unconfigured_channel_exits_2(enqueue, run_command, provider):
    job = enqueue()
    provider.config_error = "нет токена"

    result = run_command()

    assert (result.line, result.code) == (
        "Тест: доставлено 0, повтор позже 0, не доставлено 0, запросов 0; "
        "ОШИБКА НАСТРОЙКИ: нет токена", 2)
    assert (provider.calls, refreshed(job)[0].attempts) == ([], 0)


def test_unconfigured_channel_with_nothing_pending_exits_0(db, run_command, provider):
    provider.config_error = "нет токена"

    assert run_command().code == 0


def test_max_jobs_limits_each_channel_per_pass(enqueue, run_command, provider):
    enqueue("chat:1"), enqueue("chat:2"), enqueue("chat:3")

    run_command("--max-jobs", "2")

    assert (len(provider.calls), Job.objects.filter(state=Job.State.PENDING).count()) == (2, 1)
