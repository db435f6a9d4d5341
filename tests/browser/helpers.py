"""Steps and constants the browser tests share."""

import importlib
import re

from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

PHONE_VIEWPORT = {"width": 390, "height": 844}
CLIENT_PHONE_TYPED = "8 (999) 123-45-67"
CLIENT_PHONE_E164 = "+79991234567"
_CODE_RE = re.compile(r"\b(\d{4,8})\b")
MANAGERS = importlib.import_module("tickets.migrations.0002_managers_group")


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
    """The «Менеджеры» group as its migration grants it.

    ``live_server`` tests are transactional: the tables are flushed after each
    one, data migrations included, so an earlier browser test may have removed
    the group; put it back exactly as the migration does.
    """
    group, _ = Group.objects.get_or_create(name=MANAGERS.GROUP)
    for app_label, codename in MANAGERS.PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                     codename=codename))
    return group
