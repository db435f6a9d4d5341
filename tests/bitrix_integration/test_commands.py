"""manage.py bitrix_sync / bitrix_check / bitrix_statuses / bitrix_worker."""

import io
import os
import queue
import signal
import socket
import subprocess
import sys
import threading

import pytest
from django.core.management import CommandError, call_command

from bitrix_integration import worker
from bitrix_integration.management.commands import bitrix_worker
from tests.helpers import ROOT, manage, manage_env

from .helpers import ok, sent, url

pytestmark = pytest.mark.django_db

STAGES = [
    {"ID": "1", "ENTITY_ID": "STATUS", "STATUS_ID": "NEW", "NAME": "Не обработан", "SORT": "10",
     "SEMANTICS": None, "EXTRA": {"SEMANTICS": "process"}},
    {"ID": "2", "ENTITY_ID": "STATUS", "STATUS_ID": "IN_PROCESS", "NAME": "В работе",
     "SORT": "20", "SEMANTICS": None, "EXTRA": {"SEMANTICS": "process"}},
    {"ID": "5", "ENTITY_ID": "STATUS", "STATUS_ID": "CONVERTED", "NAME": "Качественный лид",
     "SORT": "60", "SEMANTICS": "S", "EXTRA": {"SEMANTICS": "success"}},
    {"ID": "6", "ENTITY_ID": "STATUS", "STATUS_ID": "JUNK", "NAME": "Некачественный лид",
     "SORT": "70", "SEMANTICS": "F", "EXTRA": {"SEMANTICS": "failure"}},
]


def _run(name, *args):
    """(exit code, stdout, CommandError text) of a command run in-process."""
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_sleep(monkeypatch):
    real = worker.RateLimiter
    monkeypatch.setattr(worker, "RateLimiter", lambda *args, **kwargs: real(0))


def test_sync_once_prints_one_line_and_exits_0_when_all_delivered(bitrix, no_sleep, ticket):
    bitrix.post(url("crm.lead.add"), json=ok(215))

    code, out, _error = _run("bitrix_sync", "--once")

    assert code == 0
    assert out.count("\n") == 1 and "доставлено 1" in out


def test_sync_once_exits_1_when_a_job_failed(bitrix, no_sleep, ticket):
    bitrix.post(url("crm.lead.add"), status=503,
                json={"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})

    code, out, _error = _run("bitrix_sync", "--once")

    assert code == 1 and "повтор позже 1" in out and out.count("\n") == 1


def test_sync_once_exits_2_on_a_config_error(bitrix, no_sleep, ticket):
    bitrix.post(url("crm.lead.add"), status=401,
                json={"error": "INVALID_CREDENTIALS", "error_description": "Invalid request"})

    code, out, error = _run("bitrix_sync", "--once")

    assert code == 2 and "INVALID_CREDENTIALS" in out + error


def test_sync_once_exits_2_without_webhook_url(settings, bitrix, ticket):
    settings.BITRIX_WEBHOOK_URL = ""

    code, _out, error = _run("bitrix_sync", "--once")

    assert code == 2 and "BITRIX_WEBHOOK_URL" in error and not bitrix.calls


def test_statuses_prints_each_stage_id_and_name(bitrix):
    bitrix.post(url("crm.status.list"), json=ok(STAGES, total=4))

    code, out, _error = _run("bitrix_statuses")

    assert code == 0
    assert sent(bitrix.calls[0]) == {"filter": {"ENTITY_ID": "STATUS"}, "order": {"SORT": "ASC"}}
    lines = out.splitlines()
    for stage in STAGES:
        assert any(stage["STATUS_ID"] in line and stage["NAME"] in line for line in lines)


def test_statuses_exits_2_without_webhook_url(settings):
    settings.BITRIX_WEBHOOK_URL = ""

    assert _run("bitrix_statuses")[0] == 2


def test_worker_keeps_one_rate_limiter_across_passes(monkeypatch):
    limiters = []

    def deliver(**kwargs):
        limiters.append(kwargs.get("limiter"))
        if len(limiters) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return worker.PassSummary()

    monkeypatch.setattr(worker, "deliver", deliver)
    monkeypatch.setattr(bitrix_worker, "IDLE_SECONDS", 0)
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        code, out, _error = _run("bitrix_worker")
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)

    assert code == 0 and "остановлен" in out
    assert len(limiters) == 3 and limiters[0] is not None
    assert limiters[0] is limiters[1] is limiters[2]


@pytest.fixture(scope="module")
def worker_env(tmp_path_factory):
    """Environment for manage.py in a subprocess, on a migrated throwaway SQLite file."""
    database = tmp_path_factory.mktemp("worker") / "worker.sqlite3"
    env = manage_env(database, f"http://127.0.0.1:{_closed_port()}/rest/1/secret")
    manage(env, "migrate", "-v0").check_returncode()
    return env


def _reader(stream):
    """Lines of a subprocess's stream, read in a thread so every wait stays bounded."""
    lines = queue.Queue()
    thread = threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True)
    thread.start()
    return lines, thread


@pytest.mark.django_db(databases=[])
def test_worker_stops_cleanly_on_sigterm(worker_env):
    process = subprocess.Popen([sys.executable, "manage.py", "bitrix_worker"], cwd=ROOT,
                               env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        lines, reader = _reader(process.stdout)
        assert "запущен" in lines.get(timeout=30)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        reader.join(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    rest = [lines.get_nowait() for _ in range(lines.qsize())]
    assert code == 0, process.stderr.read()
    assert any("остановлен" in line for line in rest)
