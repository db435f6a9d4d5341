"""Production settings, checked in a fresh interpreter with a production environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Every variable these tests reason about; empty wins over a developer's .env
# and then means "unset".
UNSET = {name: "" for name in (
    "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "OTP_FIXED_CODE", "DATABASE_URL", "SMS_BACKEND",
    "MANAGER_API_KEY", "BITRIX_INBOUND_KEY", "BITRIX_EVENT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")}


def run_manage(*args, **env_overrides):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "DJANGO_SETTINGS_MODULE": "supportportal.settings", **UNSET}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


PRODUCTION = {"DEBUG": "False", "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
              "ALLOWED_HOSTS": "support.example.ru", "SMS_BACKEND": "smsru",
              "SMSRU_API_ID": "8F1C2D3E-0000-1111-2222-333344445555",
              "MANAGER_API_KEY": "mK4rT9vX2qL7nB5wZ8cF3hJ6pS1dG0yA",
              "BITRIX_INBOUND_KEY": "bI7uY2tR5eW8qA3sD6fG9hJ1kL4zX0cV",
              "BITRIX_EVENT_TOKEN": "jvh9y1q8w7e6r5t4y3u2i1o0p9a8s7d6",
              "TELEGRAM_WEBHOOK_SECRET": "tG5hY8uJ1iK4oL7pZ0xC3vB6nM9qW2eR"}


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="False")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_deployment_naming_its_hosts_refuses_to_start_without_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="support.example.ru")  # DEBUG not given

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_no_environment_at_all_manage_py_refuses_to_run_naming_secret_key():
    result = run_manage("check")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage("shell", "-v0", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        SECRET_KEY=PRODUCTION["SECRET_KEY"], SMS_BACKEND="file")

    assert result.stdout.split()[-1:] == ["False"], result.stderr


def laptop_env(tmp_path) -> dict:
    """The .env ``make run`` writes (the Makefile's own target), as environment variables."""
    for name in ("Makefile", ".env.example"):
        shutil.copy(ROOT / name, tmp_path / name)
    subprocess.run(["make", "-s", ".env", f"PYTHON={sys.executable}"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=60)
    env = {}
    for line in (tmp_path / ".env").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            env[name] = value
    return env


def test_make_run_env_turns_debug_on_and_runs_management_commands(tmp_path):
    env = laptop_env(tmp_path)
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    check = run_manage("check", **{**env, "DATABASE_URL": database})
    migrations = run_manage("makemigrations", "--check", "--dry-run",
                            **{**env, "DATABASE_URL": database})

    assert env["DEBUG"] == "True" and len(env["SECRET_KEY"]) >= 50
    assert check.returncode == 0, check.stdout + check.stderr
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert "No changes detected" in migrations.stdout


def test_make_run_env_with_debug_turned_off_refuses_its_demo_keys(tmp_path):
    env = {**laptop_env(tmp_path), "DEBUG": "False", "ALLOWED_HOSTS": "support.example.ru"}

    result = run_manage("check", **env)

    assert result.returncode != 0
    for name in ("MANAGER_API_KEY", "BITRIX_INBOUND_KEY", "SMS_BACKEND"):
        assert name in result.stderr


def test_check_deploy_is_clean_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


UNSAFE = [
    ("SMS_BACKEND", "", "tickets.E004"),
    ("SMS_BACKEND", "console", "tickets.E004"),
    ("MANAGER_API_KEY", "manager-demo-key", "supportportal.E001"),
    ("BITRIX_INBOUND_KEY", "bitrix-demo-key", "supportportal.E001"),
    ("BITRIX_EVENT_TOKEN", "short-token", "supportportal.E002"),
    ("TELEGRAM_WEBHOOK_SECRET", "tg-short", "supportportal.E002"),
    ("MANAGER_API_KEY", "x" * 23, "supportportal.E002"),
    ("SECRET_KEY", "change-me", "supportportal.E001"),
    ("OTP_FIXED_CODE", "0000", "tickets.E001"),
]


@pytest.mark.parametrize(("name", "value", "check_id"), UNSAFE,
                         ids=[f"{name}={value[:16]}" for name, value, _id in UNSAFE])
def test_check_deploy_fails_on_an_unsafe_setting_and_names_it(name, value, check_id):
    result = run_manage("check", "--deploy", **{**PRODUCTION, name: value})

    assert result.returncode != 0
    assert check_id in result.stderr
    assert name in result.stderr
    assert value not in result.stderr or len(value) < 8  # a key is named, never shown


def test_fixed_otp_code_stops_production_start():
    result = run_manage("check", OTP_FIXED_CODE="0000", **PRODUCTION)

    assert result.returncode != 0
    assert "tickets.E001" in result.stderr


def test_fixed_otp_code_is_allowed_in_development():
    result = run_manage("check", DEBUG="True", OTP_FIXED_CODE="0000")

    assert result.returncode == 0, result.stderr


HTTPS_SWITCHES = {"SECURE_SSL_REDIRECT": ("True", "False"),
                  "SESSION_COOKIE_SECURE": ("True", "False"),
                  "CSRF_COOKIE_SECURE": ("True", "False"),
                  "SECURE_HSTS_SECONDS": ("31536000", "0")}


@pytest.mark.parametrize("switch", list(HTTPS_SWITCHES))
def test_https_switches_can_be_turned_off_one_by_one_for_plain_http(switch):
    off = HTTPS_SWITCHES[switch][1]
    result = run_manage(
        "shell", "-v0", "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        **{switch: off}, **PRODUCTION,
    )

    # That switch is off; the other three keep their safe production value.
    expected = [off if name == switch else on for name, (on, _off) in HTTPS_SWITCHES.items()]
    assert result.stdout.split()[-4:] == expected, result.stderr
    if switch == "SECURE_SSL_REDIRECT":
        assert result.stdout.split()[-4:] == ["False", "True", "True", "31536000"]


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = run_manage(
        "shell", "-v0", "-c",
        "from django.db import connection as c; c.ensure_connection(); "
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0], "
        "c.transaction_mode)",
        DEBUG="True", DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )

    assert result.stdout.split()[-2:] == ["wal", "IMMEDIATE"], result.stderr
