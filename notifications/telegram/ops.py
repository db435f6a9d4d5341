"""What the two Telegram commands do: register the webhook, or poll for updates."""

import logging

from django.conf import settings

from .. import bot
from .client import TelegramClient, TelegramError

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/integrations/telegram/webhook"
LONG_POLL_SECONDS = 25
ALLOWED_UPDATES = ["message"]


class SetupError(Exception):
    pass


def webhook_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + WEBHOOK_PATH


def setup(client=None) -> str:
    """getMe, then setWebhook with the secret; one line saying what was done."""
    client = client or TelegramClient()
    if not client.configured:
        raise SetupError("TELEGRAM_BOT_TOKEN не задан")
    if not settings.PORTAL_BASE_URL.startswith("https://"):
        raise SetupError("PORTAL_BASE_URL должен быть https://… (адрес портала для вебхука); "
                         "без публичного адреса запустите telegram_poll")
    if not settings.TELEGRAM_WEBHOOK_SECRET:
        raise SetupError("TELEGRAM_WEBHOOK_SECRET не задан")
    try:
        me = client.call("getMe")
        client.call("setWebhook", {"url": webhook_url(),
                                   "secret_token": settings.TELEGRAM_WEBHOOK_SECRET,
                                   "allowed_updates": ALLOWED_UPDATES})
    except TelegramError as error:
        raise SetupError(f"Telegram ответил: {error}") from error
    line = f"Бот @{me.get('username')}: вебхук {webhook_url()} установлен"
    if settings.TELEGRAM_BOT_USERNAME and settings.TELEGRAM_BOT_USERNAME != me.get("username"):
        line += f" (TELEGRAM_BOT_USERNAME={settings.TELEGRAM_BOT_USERNAME} — исправьте)"
    return line


def poll(*, stop, once=False, client=None) -> int:
    """deleteWebhook, then getUpdates long polling into the webhook's handler until ``stop``
    is set (or one round with ``once``). Returns how many updates were handled."""
    client = client or TelegramClient()
    if not client.configured:
        raise SetupError("TELEGRAM_BOT_TOKEN не задан")
    client.call("deleteWebhook")
    offset, handled = 0, 0
    while not stop.is_set():
        wait = 0 if once else LONG_POLL_SECONDS
        try:
            updates = client.call("getUpdates", {"offset": offset, "timeout": wait,
                                                 "allowed_updates": ALLOWED_UPDATES},
                                  timeout=wait + client.timeout)
        except TelegramError as error:
            if error.kind == "unauthorized":
                raise SetupError(f"Telegram ответил: {error}") from error
            logger.warning("getUpdates failed: %s", error)
            stop.wait(error.retry_after or 5)
            continue
        for update in updates or []:
            offset = max(offset, int(update["update_id"]) + 1)
            try:
                bot.handle_update(update)
                handled += 1
            except Exception:  # noqa: BLE001  one bad update must not stop the bot
                logger.exception("Telegram update %s could not be handled", update["update_id"])
        if once:
            if offset:  # confirm what was handled: Telegram forgets updates below the offset
                client.call("getUpdates", {"offset": offset, "timeout": 0, "limit": 1})
            break
    return handled
