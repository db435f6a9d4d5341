"""Production settings, checked in a fresh interpreter with a production environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "DJANGO_SETTINGS_MODULE": "supportportal.settings",
           # Empty wins over a developer's .env and then means "unset".
           "SECRET_KEY": "", "DEBUG": "", "OTP_FIXED_CODE": "", "DATABASE_URL": ""}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


PRODUCTION = {"DEBUG": "False", "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
              "ALLOWED_HOSTS": "support.example.ru"}


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="False")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_deployment_naming_its_hosts_refuses_to_start_without_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="support.example.ru")  # DEBUG not given

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_fresh_checkout_runs_management_commands_without_any_setting(tmp_path):
    result = run_manage("makemigrations", "--check", "--dry-run",
                        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_check_deploy_is_clean_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
