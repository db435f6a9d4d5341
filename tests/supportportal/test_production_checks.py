"""Production refuses unsafe settings (DESIGN, "Production rules"): system checks, in-process.

With DEBUG=False: an SMS backend that logs codes, and a key that equals a value
of ``.env.example`` or is shorter than 24 characters, are errors that name the
variable to fix. An empty key means "off" and is allowed.
"""

import pytest
from django.core.checks import ERROR, run_checks

KEYS = ["MANAGER_API_KEY", "BITRIX_INBOUND_KEY", "BITRIX_EVENT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"]
STRONG = "Zq3vN8pL1xR7tY5wK2mB9cD4fG6hJ0sA"


def errors_naming(name):
    return [message for message in (m for m in run_checks() if m.level >= ERROR)
            if name in message.msg]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "file"
    settings.OTP_FIXED_CODE = ""
    for key in KEYS:
        setattr(settings, key, STRONG)
    return settings


def test_a_correct_production_configuration_has_no_errors(production):
    assert [m for m in run_checks() if m.level >= ERROR] == []


@pytest.mark.parametrize("backend", ["console", ""])
def test_sms_backend_that_logs_codes_stops_production(production, backend):
    production.SMS_BACKEND = backend

    [error] = errors_naming("SMS_BACKEND")
    assert error.id == "tickets.E004"


def test_console_sms_backend_is_fine_for_a_laptop(production):
    production.DEBUG, production.SMS_BACKEND = True, "console"

    assert errors_naming("SMS_BACKEND") == []


def test_file_sms_backend_chosen_explicitly_is_allowed_in_production(production):
    production.SMS_BACKEND = "file"

    assert errors_naming("SMS_BACKEND") == []


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", ["manager-demo-key", "bitrix-demo-key"])
def test_a_demo_value_from_env_example_stops_production(production, key, value):
    setattr(production, key, value)

    [error] = errors_naming(key)
    assert error.id == "supportportal.E001"
    assert ".env.example" in error.msg


@pytest.mark.parametrize("key", KEYS)
def test_a_key_shorter_than_24_characters_stops_production(production, key):
    setattr(production, key, "x" * 23)

    [error] = errors_naming(key)
    assert error.id == "supportportal.E002"


@pytest.mark.parametrize("key", KEYS)
def test_an_empty_key_switches_its_endpoint_off_and_is_allowed(production, key):
    setattr(production, key, "")

    assert errors_naming(key) == []


def test_a_missing_telegram_setting_counts_as_empty(production):
    del production.TELEGRAM_WEBHOOK_SECRET

    assert errors_naming("TELEGRAM_WEBHOOK_SECRET") == []


@pytest.mark.parametrize("key", KEYS)
def test_demo_keys_work_on_a_laptop(production, key):
    production.DEBUG = True
    setattr(production, key, "manager-demo-key")

    assert errors_naming(key) == []


def test_the_refused_values_are_read_from_env_example_at_check_time(production, tmp_path):
    """A new demo value in .env.example is refused with no code change."""
    long_demo = "a-long-demo-value-for-the-laptop-only"
    (tmp_path / ".env.example").write_text(
        f"# comment\nMANAGER_API_KEY={long_demo}\nBITRIX_EVENT_TOKEN='quoted-demo-token-1234567890'\n",
        encoding="utf-8")
    production.BASE_DIR = tmp_path
    production.MANAGER_API_KEY = long_demo
    production.BITRIX_EVENT_TOKEN = "quoted-demo-token-1234567890"

    assert [e.id for e in errors_naming("MANAGER_API_KEY")] == ["supportportal.E001"]
    assert [e.id for e in errors_naming("BITRIX_EVENT_TOKEN")] == ["supportportal.E001"]
