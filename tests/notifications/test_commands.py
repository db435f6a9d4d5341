"""telegram_setup and telegram_poll against the fake Bot API."""

import io

import pytest
from django.core.management import CommandError, call_command

from notifications.models import TelegramChat
from notifications.services import link_token_issue

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_setup_checks_the_token_and_registers_the_webhook_with_the_secret(fake_telegram):
    line = run("telegram_setup")

    assert line == ("Бот @portal_test_bot: вебхук "
                    "https://support.example.ru/integrations/telegram/webhook установлен")
    assert fake_telegram.webhook == {
        "url": "https://support.example.ru/integrations/telegram/webhook",
        "secret_token": "webhook-secret-42"}
    assert fake_telegram.methods() == ["getMe", "setWebhook"]


def test_setup_refuses_a_wrong_token(fake_telegram, settings):
    settings.TELEGRAM_BOT_TOKEN = "1:wrong"

    with pytest.raises(CommandError, match="Unauthorized"):
        run("telegram_setup")


def test_setup_needs_an_https_portal_address(fake_telegram, settings):
    settings.PORTAL_BASE_URL = ""

    with pytest.raises(CommandError, match="telegram_poll"):
        run("telegram_setup")


def test_poll_deletes_the_webhook_and_feeds_updates_to_the_same_handler(
        fake_telegram, portal_client):
    run("telegram_setup")
    token = link_token_issue(client=portal_client)
    fake_telegram.push_update(fake_telegram.update(4242, f"/start {token}"))

    line = run("telegram_poll", "--once")

    assert line == "Telegram: обработано сообщений 1."
    assert fake_telegram.webhook["url"] == ""
    assert TelegramChat.objects.get(client=portal_client).chat_id == 4242
    assert run("telegram_poll", "--once") == "Telegram: обработано сообщений 0."
