"""Periodic tasks of the worker: due once per period across workers, failures contained."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from delivery import chores
from delivery.models import Chore

pytestmark = pytest.mark.django_db

RUNS = []


def count_run():
    RUNS.append(timezone.now())
    return f"посчитано: {len(RUNS)}"


def quiet_run():
    RUNS.append(timezone.now())
    return ""


def broken_run():
    raise RuntimeError("disk full")


@pytest.fixture(autouse=True)
def chore_settings(settings):
    RUNS.clear()
    settings.DELIVERY_CHORES = {"count": {"task": f"{__name__}.count_run", "every_minutes": 10}}
    settings.BITRIX_WEBHOOK_URL = ""
    return settings


def test_a_chore_runs_once_then_waits_for_its_period():
    first, second = chores.run_due(), chores.run_due()
    later = chores.run_due(now=timezone.now() + timedelta(minutes=11))

    assert (first, second, later) == (["посчитано: 1"], [], ["посчитано: 2"])
    assert Chore.objects.get(name="count").last_result == "посчитано: 2"


def test_a_second_worker_does_not_run_a_chore_the_first_just_ran():
    Chore.objects.create(name="count", next_run_at=timezone.now() + timedelta(minutes=5))

    assert chores.run_due() == [] and RUNS == []


def test_a_failing_chore_is_recorded_and_the_others_still_run(chore_settings):
    chore_settings.DELIVERY_CHORES = {
        "broken": {"task": f"{__name__}.broken_run", "every_minutes": 1},
        "quiet": {"task": f"{__name__}.quiet_run", "every_minutes": 1},
    }

    lines = chores.run_due()

    assert lines == ["broken: ошибка RuntimeError: disk full"] and len(RUNS) == 1
    assert Chore.objects.get(name="broken").last_result.endswith("disk full")


def test_outbox_worker_once_runs_due_chores_and_prints_their_line(capsys):
    call_command("outbox_worker", "--once")

    assert capsys.readouterr().out.splitlines()[-1] == "посчитано: 1"
