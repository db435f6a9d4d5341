"""Shared helper for the benchmarks: a throw-away database and a gunicorn on loopback.

``BenchServer`` (a context manager):

- makes a temp folder (SMS files, gunicorn log, the SQLite file);
- prepares a fresh database: a temp SQLite file, or drops and creates a
  PostgreSQL database on 127.0.0.1 (user ``postgres``, trust auth);
- runs ``migrate`` (and ``seed_demo`` on request) with production settings
  (``DEBUG=False``) over plain http;
- starts gunicorn on a free 127.0.0.1 port, waits for ``/healthz``;
- on exit stops gunicorn (SIGTERM, then SIGKILL after a timeout), drops the
  PostgreSQL database and removes the temp folder.

``server.django()`` configures Django inside the calling process with the same
environment, for preparing data and checking results straight in the database.

Every wait here is bounded in time.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from _cpu import CpuMeter, host_cpu, machine_line  # noqa: F401  (the scripts import them from here)

BENCH_REPO = Path(__file__).resolve().parent.parent
# The project that is served and measured: this checkout, or another copy of
# it (e.g. ``git archive HEAD`` unpacked in /tmp) named by BENCH_APP_DIR.
REPO = Path(os.environ.get("BENCH_APP_DIR") or BENCH_REPO).resolve()
VENV_BIN = BENCH_REPO / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
GUNICORN = VENV_BIN / "gunicorn"
HOST = "127.0.0.1"
# Where PostgreSQL listens; the benchmark database is created there.
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# Appended to every benchmark database's name, so that two people can bench at once
# (BENCH_PG_SUFFIX=_perf → portal_bench_analytics_perf).
PG_SUFFIX = os.environ.get("BENCH_PG_SUFFIX", "")

START_TIMEOUT = 30  # seconds for gunicorn to answer /healthz
STOP_TIMEOUT = 15  # seconds for a graceful stop before SIGKILL
COMMAND_TIMEOUT = 300  # seconds for one manage.py command


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def each_database(script: str, *, timeout: float) -> int:
    """``--db both``: run ``script`` once per database, each in its own process (Django
    is configured once per process), with this run's other arguments. The exit code
    is 1 when a run missed its goal, else the highest (a crash's, or 0)."""
    forwarded, skip = [], False
    for arg in sys.argv[1:]:
        if skip or arg.startswith("--db="):
            skip = False
            continue
        if arg == "--db":
            skip = True
            continue
        forwarded.append(arg)
    codes = [subprocess.run([sys.executable, script, *forwarded, "--db", db], check=False,
                            timeout=timeout, cwd=BENCH_REPO).returncode
             for db in ("sqlite", "postgres")]
    return 1 if 1 in codes else max(codes)


def code_version() -> str:
    """Which code is measured: the app folder, its commit and whether it has local changes."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return f"{REPO} (not a git checkout)"
    changes = " + uncommitted changes" if dirty.stdout.strip() else ""
    return f"{REPO} at {commit.stdout.strip()}{changes}"


def pg_admin(sql: str) -> None:
    """One statement on the PostgreSQL server's ``postgres`` database (autocommit)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


class BenchServer:
    def __init__(self, *, db: str, workers: int, pg_name: str = "portal_bench",
                 extra_env: dict[str, str] | None = None, seed: bool = False,
                 gunicorn_args: list[str] | None = None):
        if db not in ("sqlite", "postgres"):
            raise ValueError(f"db must be sqlite or postgres, not {db!r}")
        self.db = db
        self.workers = workers
        self.pg_name = pg_name + PG_SUFFIX
        self.extra_env = dict(extra_env or {})
        self.seed = seed
        self.gunicorn_args = list(gunicorn_args or [])
        self.tmp: Path | None = None
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    # --- paths and urls ------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def sms_dir(self) -> Path:
        return self.tmp / "sms"

    @property
    def log_path(self) -> Path:
        return self.tmp / "gunicorn.log"

    # --- environment ---------------------------------------------------------
    def _database_url(self) -> str:
        if self.db == "sqlite":
            return f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        return f"{PG_SERVER}/{self.pg_name}"

    def _build_env(self) -> dict[str, str]:
        env = dict(os.environ)
        # Every setting the portal reads is given explicitly, so the developer's
        # .env (DEBUG=True, console SMS, ...) cannot leak into the measurement.
        env.update({
            "DJANGO_SETTINGS_MODULE": "supportportal.settings",
            "DEBUG": "False",
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": "",
            "DATABASE_URL": self._database_url(),
            # Longer than a run, so no PostgreSQL connection is recycled while it is
            # measured (the default 60 s would add one reconnect a minute: noise).
            "CONN_MAX_AGE": "600",
            "SQLITE_BUSY_TIMEOUT": "20",
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "False",
            "SECURE_HSTS_PRELOAD": "False",
            "SECURE_PROXY_SSL_HEADER": "False",
            "TRUSTED_PROXY_COUNT": "0",
            "STATIC_MANIFEST": "False",
            "STATIC_ROOT": str(self.tmp / "static"),
            "SMS_BACKEND": "file",
            "SMS_FILE_DIR": str(self.sms_dir),
            "OTP_FIXED_CODE": "",
            # A laptop's demo keys would stop a DEBUG=False start (supportportal.E001).
            "MANAGER_API_KEY": "", "BITRIX_INBOUND_KEY": "", "BITRIX_EVENT_TOKEN": "",
            "TELEGRAM_WEBHOOK_SECRET": "",
            # One bench client files far more than a person would (50 tickets for the
            # list page, a ticket per timed POST): the hourly caps are not measured here.
            "CLIENT_TICKETS_HOURLY_LIMIT": "100000", "CLIENT_COMMENTS_HOURLY_LIMIT": "100000",
            "OTP_GLOBAL_HOURLY_LIMIT": "100000",
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(self.extra_env)
        return env

    # --- database ------------------------------------------------------------
    def _fresh_database(self) -> None:
        if self.db == "postgres":
            pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            pg_admin(f'CREATE DATABASE "{self.pg_name}"')

    def _drop_database(self) -> None:
        if self.db == "postgres":
            try:
                pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001  cleanup must not hide the real result
                print(f"warning: could not drop {self.pg_name}: {exc}", file=sys.stderr)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args], cwd=REPO, env=self.env,
            capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result.stdout

    def django(self):
        """Configure Django in this process with the server's environment."""
        import django

        os.environ.update(self.env)
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        django.setup()
        return django

    # --- gunicorn ------------------------------------------------------------
    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self) -> BenchServer:
        self.tmp = Path(tempfile.mkdtemp(prefix=f"portal-bench-{self.db}-"))
        self.sms_dir.mkdir()
        (self.tmp / "static").mkdir()  # STATIC_ROOT: whitenoise warns if it is missing
        self.env = self._build_env()
        self._fresh_database()
        self.manage("migrate", "--noinput", "-v", "0")
        if self.seed:
            self.manage("seed_demo")
        self.port = free_port()
        log = open(self.log_path, "ab")  # noqa: SIM115  closed in stop()
        self._log = log
        self.proc = subprocess.Popen(
            [str(GUNICORN), "supportportal.wsgi:application",
             "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
             "--log-level", "warning", "--graceful-timeout", "10", *self.gunicorn_args],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self._healthy():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz in {START_TIMEOUT}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session, started above
                self.proc.wait(timeout=STOP_TIMEOUT)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def cleanup(self) -> None:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110  Django may not be set up in this process
            pass
        self._drop_database()
        if self.tmp is not None and os.environ.get("BENCH_KEEP_TMP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> BenchServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            self.cleanup()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()
        self.cleanup()
