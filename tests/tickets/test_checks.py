"""System checks of the tickets app, called directly."""

import pytest

from tickets.checks import otp_fixed_code_only_in_debug, sms_backend_configured


def ids(errors):
    return [error.id for error in errors]


def test_fixed_code_with_debug_off_is_an_error(settings):
    settings.DEBUG, settings.OTP_FIXED_CODE = False, "0000"

    assert ids(otp_fixed_code_only_in_debug(None)) == ["tickets.E001"]


def test_fixed_code_with_debug_on_is_allowed(settings):
    settings.DEBUG, settings.OTP_FIXED_CODE = True, "0000"

    assert otp_fixed_code_only_in_debug(None) == []


def test_no_fixed_code_with_debug_off_is_fine(settings):
    settings.DEBUG, settings.OTP_FIXED_CODE = False, ""

    assert otp_fixed_code_only_in_debug(None) == []


def test_unknown_sms_backend_is_an_error(settings):
    settings.SMS_BACKEND = "twilio"

    [error] = sms_backend_configured(None)
    assert error.id == "tickets.E002"
    assert "twilio" in error.msg
    assert "console, file, smsru, smsc" in error.hint


@pytest.mark.parametrize("backend", ["console", "file"])
def test_local_sms_backends_need_no_credentials(settings, backend):
    settings.SMS_BACKEND = backend
    settings.SMSRU_API_ID = settings.SMSC_LOGIN = settings.SMSC_PASSWORD = ""

    assert sms_backend_configured(None) == []


def test_smsru_without_api_id_is_an_error(settings):
    settings.SMS_BACKEND, settings.SMSRU_API_ID = "smsru", ""

    [error] = sms_backend_configured(None)
    assert error.id == "tickets.E003"
    assert "SMSRU_API_ID" in error.msg


def test_smsru_with_api_id_is_fine(settings):
    settings.SMS_BACKEND, settings.SMSRU_API_ID = "smsru", "api-id"

    assert sms_backend_configured(None) == []


@pytest.mark.parametrize("login, password, missing", [
    ("", "", ["SMSC_LOGIN", "SMSC_PASSWORD"]),
    ("portal", "", ["SMSC_PASSWORD"]),
    ("", "secret", ["SMSC_LOGIN"]),
])
def test_smsc_without_login_or_password_is_an_error(settings, login, password, missing):
    settings.SMS_BACKEND, settings.SMSC_LOGIN, settings.SMSC_PASSWORD = "smsc", login, password

    [error] = sms_backend_configured(None)
    assert error.id == "tickets.E003"
    assert error.msg.endswith(f"needs {', '.join(missing)}.")


def test_smsc_with_login_and_password_is_fine(settings):
    settings.SMS_BACKEND, settings.SMSC_LOGIN, settings.SMSC_PASSWORD = "smsc", "portal", "secret"

    assert sms_backend_configured(None) == []


def test_checks_are_registered_with_django():
    from django.core.checks.registry import registry

    assert {otp_fixed_code_only_in_debug, sms_backend_configured} <= set(
        registry.get_checks())
