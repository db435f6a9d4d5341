"""One-time login codes: hashing, attempts, expiry, cooldown, hourly caps, SMS failure.

Time is a fake clock (``django.utils.timezone.now``) that moves only when a test moves it.
"""

import re
from datetime import timedelta

import pytest
import responses

from tickets import services
from tickets.models import Client, OneTimeCode
from tickets.services import otp as otp_module

from .otp_helpers import IP, OWNER, PHONE, login, refused, wrong

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_code_is_six_digits_delivered_by_sms(issue, sms_outbox):
    code = issue()

    assert re.fullmatch(r"\d{6}", code)
    assert sms_outbox() == [
        (PHONE, f"Код для входа в портал поддержки: {code}. Никому его не сообщайте.")]


def test_code_is_drawn_from_secrets_and_zero_padded(issue, monkeypatch):
    draws = []
    monkeypatch.setattr(otp_module.secrets, "randbelow", lambda n: draws.append(n) or 42)

    assert issue() == "000042"
    assert draws == [1_000_000]


def test_code_is_stored_only_as_a_hash(issue, monkeypatch):
    monkeypatch.setattr(otp_module.secrets, "randbelow", lambda n: 731_904)

    issue()

    row = OneTimeCode.objects.values().get()
    assert all("731904" not in str(value) for value in row.values())
    assert re.fullmatch(r"[0-9a-f]{64}", row["code_hash"])


def test_right_code_logs_in_and_marks_the_code_used(issue, clock):
    assert login(issue()) == PHONE
    assert OneTimeCode.objects.get().used_at == clock.now


def test_code_typed_with_spaces_or_dashes_is_accepted(issue):
    code = issue()

    assert login(f" {code[:3]}-{code[3:]} ") == PHONE


def test_used_code_never_works_again(issue):
    code = issue()
    login(code)

    assert refused(login, code=code).error_code == "expired"


def test_code_for_one_phone_does_not_open_another(issue):
    assert refused(login, code=issue(), phone="+79990000000").error_code == "expired"


def test_wrong_code_counts_the_attempt_and_says_how_many_are_left(issue):
    error = refused(login, code=wrong(issue()))

    assert error.error_code == "invalid"
    assert error.message_dict == {"code": ["Неверный код. Осталось попыток: 4."]}
    assert OneTimeCode.objects.get().attempts == 1


def test_fifth_wrong_code_says_attempts_are_spent(issue):
    code = issue()
    for left in (4, 3, 2, 1):
        assert f"Осталось попыток: {left}." in refused(login, code=wrong(code)).messages[0]

    error = refused(login, code=wrong(code))

    assert (error.error_code, error.messages) == (
        "attempts_exhausted", ["Неверный код. Попытки исчерпаны: запросите новый код."])


def test_after_max_wrong_tries_even_the_right_code_fails(issue, settings):
    code = issue()
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        refused(login, code="abc")

    assert refused(login, code=code).error_code == "attempts_exhausted"
    assert OneTimeCode.objects.get().attempts == settings.OTP_MAX_ATTEMPTS == 5
    assert not Client.objects.exists()


def test_a_parallel_guess_spending_the_last_attempt_stops_this_one(issue, settings, monkeypatch):
    code = issue()
    OneTimeCode.objects.update(attempts=settings.OTP_MAX_ATTEMPTS - 1)
    real_f = otp_module.F

    def parallel_guess_then_f(name):
        # Runs between this request's read and its guarded UPDATE: the race window.
        OneTimeCode.objects.update(attempts=settings.OTP_MAX_ATTEMPTS)
        return real_f(name)

    monkeypatch.setattr(otp_module, "F", parallel_guess_then_f)

    assert refused(login, code=code).error_code == "attempts_exhausted"
    assert OneTimeCode.objects.get().attempts == settings.OTP_MAX_ATTEMPTS


def test_code_works_until_just_before_ttl(issue, clock, settings):
    code = issue()
    clock.advance(settings.OTP_TTL_SECONDS - 1)

    assert login(code) == PHONE


def test_code_expires_after_ttl(issue, clock, settings):
    code = issue()
    clock.advance(settings.OTP_TTL_SECONDS)

    error = refused(login, code=code)

    assert (error.error_code, error.messages) == (
        "expired", ["Код истёк или не запрашивался. Запросите новый код."])


def test_new_code_invalidates_the_previous_unused_one(issue, clock):
    old = issue()
    clock.advance(61)
    new = issue()

    assert OneTimeCode.objects.order_by("created_at").first().expires_at == clock.now
    refused(login, code=old)
    assert login(new) == PHONE


def test_resend_within_cooldown_is_refused_with_retry_after(issue, clock, sms_outbox):
    issue()
    clock.advance(30)

    error = refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER)

    assert (error.error_code, error.messages) == (
        "cooldown", ["Код уже отправлен. Запросить новый можно через 30 с."])
    assert 30 <= error.retry_after <= 31
    assert len(sms_outbox()) == 1


def test_resend_is_allowed_once_cooldown_has_passed(issue, clock, settings):
    issue()
    clock.advance(settings.OTP_RESEND_SECONDS)

    issue()

    assert settings.OTP_RESEND_SECONDS == 60
    assert OneTimeCode.objects.count() == 2


def _reach_phone_limit(issue, clock, settings):
    for _ in range(settings.OTP_PHONE_HOURLY_LIMIT):
        issue()
        clock.advance(61)


def test_phone_hourly_cap_refuses_one_code_more(issue, clock, settings):
    _reach_phone_limit(issue, clock, settings)

    error = refused(services.otp_send, phone=PHONE, ip="198.51.100.1", owner=OWNER)

    assert error.error_code == "phone_limit"
    assert error.messages[0].startswith("Слишком много кодов для этого номера.")
    assert 0 < error.retry_after <= 3600
    assert OneTimeCode.objects.count() == settings.OTP_PHONE_HOURLY_LIMIT == 5


def test_phone_hourly_cap_resets_an_hour_after_the_first_code(issue, clock, settings):
    start = clock.now
    _reach_phone_limit(issue, clock, settings)
    clock.now = start + timedelta(hours=1, seconds=1)

    issue()

    assert OneTimeCode.objects.count() == 6


def _reach_ip_limit(issue, settings):
    for n in range(settings.OTP_IP_HOURLY_LIMIT):
        issue(phone=f"+7999000{n:04d}")


def test_ip_hourly_cap_refuses_one_code_more(issue, settings):
    _reach_ip_limit(issue, settings)

    error = refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER)

    assert error.error_code == "ip_limit"
    assert 3600 <= error.retry_after <= 3601
    assert "с вашего адреса" in error.messages[0]
    assert OneTimeCode.objects.count() == settings.OTP_IP_HOURLY_LIMIT == 20
    issue(ip="198.51.100.1")  # another address is not held back


def test_ip_hourly_cap_resets_after_an_hour(issue, clock, settings):
    _reach_ip_limit(issue, settings)
    clock.advance(3601)

    issue()

    assert OneTimeCode.objects.filter(ip=IP).count() == 21


def test_fixed_code_is_honoured_with_debug_on(issue, settings):
    settings.DEBUG, settings.OTP_FIXED_CODE = True, "0000"

    assert issue() == "0000"
    assert login("0000") == PHONE


def test_fixed_code_is_ignored_with_debug_off(issue, settings):
    settings.DEBUG, settings.OTP_FIXED_CODE = False, "0000"

    assert re.fullmatch(r"\d{6}", issue())
    refused(login, code="0000")


@pytest.fixture
def failing_smsru(settings):
    settings.SMS_BACKEND, settings.SMSRU_API_ID = "smsru", "test-api-id"
    with responses.RequestsMock() as mock:
        mock.post("https://sms.ru/sms/send",
                  json={"status": "ERROR", "status_code": 200, "status_text": "bad api_id"})
        yield mock


def test_sms_failure_explains_in_russian_and_leaves_no_usable_code(failing_smsru):
    error = refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER)

    assert error.error_code == "sms_failed"
    assert error.message_dict == {"phone": [
        "Не удалось отправить SMS. Проверьте номер и попробуйте ещё раз."]}
    failed = OneTimeCode.objects.get()
    assert failed.send_failed
    assert refused(services.otp_verify, phone=PHONE, code="123456", owner=OWNER).error_code == "expired"


def test_failed_sms_count_toward_the_hourly_phone_cap(failing_smsru, settings):
    settings.OTP_PHONE_HOURLY_LIMIT = 3
    for _attempt in range(3):
        assert refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER).error_code == "sms_failed"

    assert refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER).error_code == "phone_limit"


def test_after_sms_failure_the_client_can_retry_at_once(failing_smsru, settings, issue):
    refused(services.otp_send, phone=PHONE, ip=IP, owner=OWNER)
    settings.SMS_BACKEND = "file"

    assert login(issue()) == PHONE


def test_sms_failure_on_the_login_page_is_a_form_error_not_a_500(client, failing_smsru):
    response = client.post("/login/", {"phone": PHONE})

    assert response.status_code == 400
    assert "Не удалось отправить SMS" in response.content.decode()


def test_first_login_creates_the_client_and_later_logins_reuse_it(issue, clock):
    first = services.otp_verify(phone=PHONE, code=issue(), owner=OWNER)
    clock.advance(61)

    again = services.otp_verify(phone=PHONE, code=issue(), owner=OWNER)

    assert again.pk == first.pk
    assert Client.objects.count() == 1


def test_login_reuses_a_client_created_elsewhere(issue, portal_client):
    client = services.otp_verify(phone=str(portal_client.phone), code=issue(), owner=OWNER)

    assert client == portal_client
