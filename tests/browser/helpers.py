"""Steps and constants the browser tests share."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tickets.permissions import MANAGERS_GROUP

PHONE_VIEWPORT = {"width": 390, "height": 844}
CLIENT_PHONE_TYPED = "8 (999) 123-45-67"
CLIENT_PHONE_E164 = "+79991234567"
_CODE_RE = re.compile(r"\b(\d{4,8})\b")


def latest_code(sms_outbox, phone=CLIENT_PHONE_E164):
    """The code from the newest SMS the ``file`` backend wrote to ``phone``."""
    sent = [text for to, text in sms_outbox() if to == phone]
    assert sent, f"no SMS for {phone} in {sms_outbox()!r}"
    match = _CODE_RE.search(sent[-1])
    assert match, f"no code in SMS {sent[-1]!r}"
    return match.group(1)


def request_code(page, phone=CLIENT_PHONE_TYPED):
    """Open /login/, type the phone, submit; end on the verify page."""
    page.goto("/login/")
    expect(page.get_by_role("heading", name="Вход в портал поддержки")).to_be_visible()
    page.get_by_label("Номер телефона").fill(phone)
    page.get_by_role("button", name="Получить код").click()
    page.wait_for_url("**/login/verify/")


def enter_code(page, code):
    page.get_by_label("Код из SMS").fill(code)
    page.get_by_role("button", name="Войти").click()


def managers_group():
    """The «Менеджеры» group. ``live_server`` tests flush the tables after each one,
    and the flush's post_migrate signal makes the group again (tickets.permissions)."""
    return Group.objects.get(name=MANAGERS_GROUP)
