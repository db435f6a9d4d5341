"""A code belongs to the browser session that asked for it (DESIGN, "One-time codes"):
a stranger typing the client's number neither replaces nor spends the client's code."""

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser

from tickets import services
from tickets.formatting import local_time
from tickets.models import OneTimeCode

from .otp_helpers import IP, OWNER, PHONE, login, refused, wrong

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

STRANGER = "browser-of-a-stranger"


def test_only_the_session_that_asked_can_use_the_code(issue):
    code = issue()

    assert refused(login, code=code, owner=STRANGER).error_code == "expired"
    assert OneTimeCode.objects.get().attempts == 0
    assert login(code) == PHONE


def test_a_strangers_request_does_not_replace_the_clients_code(issue, clock):
    code = issue()
    clock.advance(5)

    issue(owner=STRANGER, ip="198.51.100.66")  # no cooldown: it is another session's code

    assert login(code) == PHONE


def test_a_strangers_wrong_guesses_do_not_spend_the_clients_code(issue, settings):
    code = issue()
    issue(owner=STRANGER, ip="198.51.100.66")
    for _ in range(settings.OTP_MAX_ATTEMPTS + 2):
        refused(login, code=wrong(code), owner=STRANGER, ip="198.51.100.66")

    assert login(code) == PHONE


def test_a_new_request_from_the_same_session_replaces_its_code(issue, clock):
    old = issue()
    clock.advance(61)
    new = issue()

    assert refused(login, code=old).error_code in ("expired", "invalid")
    assert login(new) == PHONE


def test_each_code_allows_max_attempts_wrong_tries_in_all(issue, settings):
    code = issue()
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        refused(login, code=wrong(code))

    assert refused(login, code=code).error_code == "attempts_exhausted"


def test_phone_cap_message_says_when_a_new_code_can_be_asked_for(issue, clock, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    first = clock.now
    for n in range(settings.OTP_PHONE_HOURLY_LIMIT):
        issue(owner=f"browser-{n}", ip=f"198.51.100.{n + 1}")
        clock.advance(60)

    error = refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER)

    at = local_time(first + timedelta(hours=1))
    assert error.error_code == "phone_limit"
    assert error.messages == [
        f"Слишком много кодов для этого номера. Новый код можно запросить в {at} (через 55 мин)."]


# --- through the pages -------------------------------------------------------------


def _code_in_sms(sms_outbox):
    return re.search(r"\b(\d{6})\b", sms_outbox()[-1][1]).group(1)


def test_a_code_asked_in_one_browser_does_not_open_another(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})
    code = _code_in_sms(sms_outbox)
    stranger = Browser()
    stranger.post("/login/", {"phone": PHONE})  # the stranger's own code also goes to the client

    response = stranger.post("/login/verify/", {"code": code})

    assert response.status_code == 400
    assert client.post("/login/verify/", {"code": code})["Location"] == "/tickets/"


def test_a_stranger_cannot_lock_the_client_out_of_their_code(client, sms_outbox, settings):
    client.post("/login/", {"phone": PHONE})
    code = _code_in_sms(sms_outbox)
    stranger = Browser()
    stranger.post("/login/", {"phone": PHONE})
    for _ in range(settings.OTP_MAX_ATTEMPTS + 1):
        stranger.post("/login/verify/", {"code": wrong(code)})

    assert client.post("/login/verify/", {"code": code})["Location"] == "/tickets/"
