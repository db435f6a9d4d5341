"""Helpers and constants shared by the test modules (fixtures live in conftest.py)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

MANAGER_KEY = "test-key"


def assert_json_error(response, status, code=None):
    """The answer is our JSON error: ``{"error": code, "detail": "<text>"}``; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error", "detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["error"] == code
    return body


ROOT = Path(__file__).resolve().parents[1]  # the repository


def manage_env(database: Path, webhook: str, **extra) -> dict:
    """Environment for ``manage.py`` in a subprocess, on its own SQLite file."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "supportportal.settings", "PYTHONUNBUFFERED": "1",
            "DEBUG": "True", "SECRET_KEY": "tests-only-worker-secret-" + "w" * 40,
            "OTP_FIXED_CODE": "", "DATABASE_URL": f"sqlite:///{database}",
            "BITRIX_WEBHOOK_URL": webhook, "BITRIX_STATUS_MAP": "", "LOG_LEVEL": "WARNING",
            "BITRIX_ENTITY": "lead",
            **extra}


def manage(env, *args, timeout=120) -> subprocess.CompletedProcess:
    """``manage.py <args>`` in a subprocess; its exit code is the caller's to judge."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=timeout)


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def kill_worker_mid_call(env, fake):
    """Start a real ``outbox_worker``, SIGKILL it while ``fake`` (a provider double with
    ``latency``, ``in_flight`` and ``wait_idle``) still holds its call, then let the
    fake finish carrying the call out, as the real provider would."""
    worker = subprocess.Popen([sys.executable, "manage.py", "outbox_worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: fake.in_flight or worker.poll() is not None)
        assert worker.poll() is None, worker.stderr.read()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    fake.latency = 0.0
    assert fake.wait_idle(timeout=10)


def client_logged_in(client):
    """A fresh test client logged in as ``client`` (a portal Client), as the verify view
    leaves the session: for tests with several clients at once."""
    from django.test import Client as HttpClient

    from tickets.selectors import SESSION_CLIENT_KEY

    http = HttpClient()
    session = http.session
    session[SESSION_CLIENT_KEY] = client.pk
    session.save()
    return http


def migrate(targets):
    """Migrate the test database to ``targets``; the historical apps at that point."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migration_leaves():
    """The newest migration of every app: where a migration test goes back to."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def logged_in_as(user):
    """A test client with ``user``'s admin session (``force_login``)."""
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(user)
    return http
