"""A client links Telegram from /notifications/ on a phone-sized screen (Chromium).

The bot's side is the real webhook over HTTP, as Telegram would call it with
the /start code from the deep link; Telegram itself is never called (its
answers go to the outbox)."""

import pytest
import requests
from playwright.sync_api import expect

from notifications.models import TelegramChat
from tests.fakes.telegram_server import TOKEN, make_update
from tickets.models import Client

from .helpers import PHONE_VIEWPORT

pytestmark = pytest.mark.browser
SECRET = "browser-webhook-secret"
CHAT = 390844


@pytest.fixture
def telegram_on(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = "portal_test_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_client_links_and_unlinks_telegram_on_a_phone(new_page, live_server, log_in, catalog,
                                                      telegram_on):
    page = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    log_in(page)

    hint = page.locator("#notifications-hint")
    expect(hint).to_contain_text("Хотите узнавать об ответах сразу?")
    hint.get_by_role("link").click()
    page.wait_for_url("**/notifications/")
    expect(page.get_by_role("heading", name="Уведомления")).to_be_visible()
    expect(page.locator("#telegram-status")).to_have_text("Telegram не привязан.")
    link = page.get_by_role("link", name="Привязать Telegram")
    expect(link).to_be_visible()
    assert no_sideways_scroll(page)
    href = link.get_attribute("href")
    assert href.startswith("https://t.me/portal_test_bot?start=")

    # The client taps the link; Telegram sends the bot "/start <code>".
    update = make_update(1, CHAT, "/start " + href.split("start=")[1])
    answer = requests.post(f"{live_server.url}/integrations/telegram/webhook", json=update,
                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10)
    assert answer.status_code == 200

    page.reload()
    expect(page.locator("#telegram-status")).to_contain_text("Telegram привязан (@alexey)")
    assert TelegramChat.objects.get(chat_id=CHAT).client == Client.objects.get()
    page.goto("/tickets/")
    expect(page.locator("#notifications-hint")).to_have_count(0)

    page.goto("/notifications/")
    page.get_by_role("button", name="Отвязать Telegram").click()
    expect(page.get_by_text("Telegram отвязан: уведомления туда больше не придут.")).to_be_visible()
    expect(page.locator("#telegram-status")).to_have_text("Telegram не привязан.")
    assert no_sideways_scroll(page)
