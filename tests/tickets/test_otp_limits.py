"""Abuse limits on one-time codes: IPv6 blocks, wrong guesses per address, the global
hourly budget, allowed countries. Time is a fake clock, as in test_otp.py."""

import pytest

from tickets import services
from tickets.models import OneTimeCode

from .otp_helpers import IP, OWNER, PHONE, refused, wrong

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _phone(n):
    return f"+7999000{n:04d}"


def test_addresses_of_one_ipv6_64_share_one_send_cap(issue, settings):
    settings.OTP_IP_HOURLY_LIMIT = 3
    for n in range(3):
        issue(phone=_phone(n), ip=f"2001:db8:1:2::{n + 1:x}")

    error = refused(services.otp_send, phone=PHONE, ip="2001:db8:1:2:ffff:ffff:ffff:ffff",
                    owner=OWNER)

    assert error.error_code == "ip_limit"
    assert OneTimeCode.objects.count() == 3
    issue(ip="2001:db8:1:3::1")  # the next /64 is someone else


def test_ipv4_addresses_are_counted_one_by_one(issue, settings):
    settings.OTP_IP_HOURLY_LIMIT = 1
    issue(phone=_phone(1), ip="198.51.100.1")

    issue(phone=_phone(2), ip="198.51.100.2")

    assert OneTimeCode.objects.count() == 2


def test_wrong_guesses_are_capped_per_address_across_codes(issue, clock, settings):
    settings.OTP_IP_FAILED_HOURLY_LIMIT = 4
    codes = []
    for n in range(3):
        codes.append(issue(phone=_phone(n), owner=f"browser-{n}"))
    for n in range(2):  # two wrong tries on each of the first two codes
        for _try in range(2):
            refused(services.otp_verify, phone=_phone(n), code=wrong(codes[n]),
                    owner=f"browser-{n}", ip=IP)

    error = refused(services.otp_verify, phone=_phone(2), code=codes[2], owner="browser-2",
                    ip="203.0.113.7")

    assert error.error_code == "ip_guess_limit"
    assert "с вашего адреса" in error.messages[0]
    assert OneTimeCode.objects.get(phone=_phone(2)).attempts == 0  # its tries are not spent
    # From another address the right code still works.
    assert services.otp_verify(phone=_phone(2), code=codes[2], owner="browser-2",
                               ip="198.51.100.9")
    clock.advance(3601)  # and the address may guess again an hour later
    later = issue(phone=_phone(5), owner="browser-5")
    assert refused(services.otp_verify, phone=_phone(5), code=wrong(later),
                   owner="browser-5", ip=IP).error_code == "invalid"


def test_guess_cap_holds_for_the_whole_ipv6_64(issue, settings):
    settings.OTP_IP_FAILED_HOURLY_LIMIT = 2
    code = issue()
    for n in range(2):
        refused(services.otp_verify, phone=PHONE, code=wrong(code), owner=OWNER,
                ip=f"2001:db8::{n + 1}")

    error = refused(services.otp_verify, phone=PHONE, code=code, owner=OWNER, ip="2001:db8::99")

    assert error.error_code == "ip_guess_limit"


def test_global_hourly_budget_stops_sending_with_a_russian_message(issue, settings,
                                                                   sms_outbox):
    settings.OTP_GLOBAL_HOURLY_LIMIT = 3
    for n in range(3):
        issue(phone=_phone(n), ip=f"198.51.100.{n + 1}")

    error = refused(services.otp_send, phone=PHONE, ip="192.0.2.1", owner=OWNER)

    assert error.error_code == "global_limit"
    assert error.messages[0].startswith("Сейчас мы не можем отправить SMS")
    assert "через 60 мин" in error.messages[0]
    assert len(sms_outbox()) == 3


def test_global_budget_default_is_set():
    from django.conf import settings

    assert settings.OTP_GLOBAL_HOURLY_LIMIT == 200


@pytest.mark.parametrize("phone", ["+77011234567", "+375291234567", "+79991234567"])
def test_numbers_of_allowed_countries_get_a_code(issue, phone):
    issue(phone=phone)


@pytest.mark.parametrize("phone", ["+14155552671", "+447911123456", "+998901234567"])
def test_numbers_outside_allowed_regions_get_no_sms(phone, sms_outbox):
    error = refused(services.otp_send, phone=phone, ip=IP, owner=OWNER)

    assert error.error_code == "region"
    assert error.message_dict == {"phone": [
        "Коды по SMS отправляем только на номера России, Казахстана и Беларуси."]}
    assert sms_outbox() == []
    assert not OneTimeCode.objects.exists()


@pytest.mark.parametrize("phone", ["", "not a phone", "+"])
def test_unreadable_number_is_refused_not_a_500(phone, sms_outbox):
    assert refused(services.otp_send, phone=phone, ip=IP, owner=OWNER).error_code == "region"
    assert sms_outbox() == []


def test_allowed_regions_come_from_settings(issue, settings):
    settings.OTP_ALLOWED_REGIONS = ["US"]

    issue(phone="+14155552671")
    assert refused(services.otp_send, phone=_phone(1), ip=IP, owner=OWNER).error_code == "region"


def test_foreign_number_on_the_login_page_is_a_form_error(client, sms_outbox):
    response = client.post("/login/", {"phone": "+1 415 555 2671"})

    html = response.content.decode()
    assert response.status_code == 400
    assert ('<p class="field__error" id="id_phone_error">Коды по SMS отправляем только на '
            'номера России, Казахстана и Беларуси.</p>') in html
    assert 'value="+1 415 555 2671"' in html
    assert sms_outbox() == []


# --- through the login pages --------------------------------------------------------


def test_login_page_counts_one_ipv6_64_as_one_address(client, sms_outbox, settings):
    settings.OTP_IP_HOURLY_LIMIT = 3
    for n in range(3):
        client.post("/login/", {"phone": _phone(n)}, REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")

    response = client.post("/login/", {"phone": PHONE}, REMOTE_ADDR="2001:db8:1:2::ff")

    assert response.status_code == 429
    assert "с вашего адреса" in response.content.decode()
    assert len(sms_outbox()) == 3


def test_login_page_stops_at_the_global_budget(client, sms_outbox, settings):
    settings.OTP_GLOBAL_HOURLY_LIMIT = 2
    for n in range(2):
        client.post("/login/", {"phone": _phone(n)}, REMOTE_ADDR=f"198.51.100.{n + 1}")

    response = client.post("/login/", {"phone": PHONE}, REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
    assert "Сейчас мы не можем отправить SMS" in response.content.decode()
    assert len(sms_outbox()) == 2


def test_verify_page_caps_wrong_codes_per_address(client, sms_outbox, settings):
    settings.OTP_IP_FAILED_HOURLY_LIMIT = 3
    client.post("/login/", {"phone": PHONE})
    code = sms_outbox()[-1][1].split(": ")[1][:6]
    for _try in range(3):
        client.post("/login/verify/", {"code": wrong(code)})

    response = client.post("/login/verify/", {"code": code})

    assert response.status_code == 429
    assert "Слишком много неверных кодов с вашего адреса" in response.content.decode()
