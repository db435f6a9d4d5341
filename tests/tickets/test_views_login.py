"""Client login and logout through the real pages: phone, SMS code, session."""

import html
import re

import pytest

from tickets.models import Client, OneTimeCode
from tickets.selectors import SESSION_CLIENT_KEY

pytestmark = pytest.mark.django_db

PHONE = "+79991234567"
CODE_IN_SMS = re.compile(r"\b(\d{6})\b")


def _last_code(sms_outbox, phone=PHONE):
    texts = [text for to, text in sms_outbox() if to == phone]
    assert texts, f"no SMS was sent to {phone}"
    return CODE_IN_SMS.search(texts[-1]).group(1)


def _wrong(code):
    return "000000" if code != "000000" else "111111"


def _next_in_form(login_page):
    """The hidden ``next`` the login page carries to its POST (nothing goes in the
    session before that POST)."""
    match = re.search(r'name="next" value="([^"]*)"', login_page.content.decode())
    assert match, "no hidden next in the login form"
    return html.unescape(match.group(1))


def _log_in(client, sms_outbox, *, next_url=None):
    data = {"phone": PHONE}
    if next_url is not None:
        data["next"] = _next_in_form(client.get("/login/", {"next": next_url}))
    client.post("/login/", data)
    return client.post("/login/verify/", {"code": _last_code(sms_outbox)})


def test_login_page_shows_the_phone_form(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert 'name="phone"' in response.content.decode()


@pytest.mark.parametrize("raw", ["+7 999 123-45-67", "8 (999) 123-45-67", "79991234567"])
def test_phone_in_any_russian_spelling_sends_a_code_and_goes_to_verify(client, sms_outbox, raw):
    response = client.post("/login/", {"phone": raw})

    assert response.status_code == 302
    assert response["Location"] == "/login/verify/"
    [(to, text)] = sms_outbox()
    assert to == PHONE
    assert CODE_IN_SMS.search(text)


def test_invalid_phone_is_a_400_with_the_error_next_to_the_field_and_the_value_kept(
    client, sms_outbox
):
    response = client.post("/login/", {"phone": "12345"})

    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field__error" id="id_phone_error">Не похоже на номер телефона.' in html
    assert 'value="12345"' in html
    assert sms_outbox() == []


def test_empty_phone_is_a_400_asking_for_the_phone(client, sms_outbox):
    response = client.post("/login/", {"phone": ""})

    assert response.status_code == 400
    assert "Введите номер телефона." in response.content.decode()
    assert sms_outbox() == []


def test_verify_page_shows_the_phone_the_code_went_to(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})

    response = client.get("/login/verify/")

    assert response.status_code == 200
    assert "+7 999 123-45-67" in response.content.decode()


def test_right_code_logs_in_with_a_new_session_key(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})
    key_before = client.session.session_key

    response = client.post("/login/verify/", {"code": _last_code(sms_outbox)})

    assert response.status_code == 302
    assert response["Location"] == "/tickets/"
    session = client.session
    assert session.session_key != key_before
    assert session[SESSION_CLIENT_KEY] == Client.objects.get(phone=PHONE).pk
    assert SESSION_CLIENT_KEY not in type(session)(session_key=key_before).load()


def test_after_login_the_ticket_list_opens(client, sms_outbox):
    _log_in(client, sms_outbox)

    response = client.get("/tickets/")

    assert response.status_code == 200
    assert "Мои заявки" in response.content.decode()


def test_wrong_code_is_a_400_that_says_how_many_tries_are_left(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})

    response = client.post("/login/verify/", {"code": _wrong(_last_code(sms_outbox))})

    assert response.status_code == 400
    assert "Осталось попыток: 4" in response.content.decode()
    assert SESSION_CLIENT_KEY not in client.session


def test_verify_post_without_a_code_asks_for_it(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})

    response = client.post("/login/verify/", {})

    assert response.status_code == 400
    assert ('<p class="field__error" id="id_code_error">Введите код из SMS.</p>'
            in response.content.decode())


@pytest.mark.parametrize("method", ["get", "post"])
def test_verify_without_a_phone_in_the_session_redirects_to_login(client, method):
    response = getattr(client, method)("/login/verify/", {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_second_code_request_within_cooldown_goes_to_verify_with_a_notice(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})

    response = client.post("/login/", {"phone": "8 999 123 45 67"}, follow=True)

    assert response.redirect_chain == [("/login/verify/", 302)]
    assert "Код уже отправлен" in response.content.decode()
    assert len(sms_outbox()) == 1


def test_the_code_still_works_after_a_request_within_cooldown(client, sms_outbox):
    client.post("/login/", {"phone": PHONE})
    client.post("/login/", {"phone": PHONE})

    response = client.post("/login/verify/", {"code": _last_code(sms_outbox)})

    assert response["Location"] == "/tickets/"


def test_per_phone_hourly_cap_is_a_429_in_russian(client, sms_outbox, settings):
    settings.OTP_RESEND_SECONDS = 0
    for _ in range(settings.OTP_PHONE_HOURLY_LIMIT):
        assert client.post("/login/", {"phone": PHONE}).status_code == 302

    response = client.post("/login/", {"phone": PHONE})

    assert response.status_code == 429
    assert "Слишком много кодов для этого номера" in response.content.decode()
    assert len(sms_outbox()) == settings.OTP_PHONE_HOURLY_LIMIT


def test_per_ip_hourly_cap_is_a_429_in_russian(client, sms_outbox, settings):
    settings.OTP_IP_HOURLY_LIMIT = 2
    client.post("/login/", {"phone": "+79991110001"})
    client.post("/login/", {"phone": "+79991110002"})

    response = client.post("/login/", {"phone": "+79991110003"})

    assert response.status_code == 429
    assert "Слишком много запросов кода с вашего адреса" in response.content.decode()
    assert len(sms_outbox()) == 2


@pytest.mark.parametrize("phone", ["+7999\x001234567", "9" * 100_000, "+7 999 😀 45-67"])
def test_malformed_phone_is_a_400_not_a_500(client, sms_outbox, phone):
    response = client.post("/login/", {"phone": phone})

    assert response.status_code == 400
    assert sms_outbox() == []


@pytest.mark.parametrize("code", ["12\x003456", "1" * 100_000, "x" * 12])
def test_malformed_code_is_a_400_not_a_500(client, sms_outbox, code):
    client.post("/login/", {"phone": PHONE})

    response = client.post("/login/verify/", {"code": code})

    assert response.status_code == 400
    assert SESSION_CLIENT_KEY not in client.session
    assert OneTimeCode.objects.get().used_at is None
