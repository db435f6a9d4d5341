"""Telegram configured against nothing (or the fake Bot API), and helpers to drive it."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from delivery import worker
from delivery.models import Job
from notifications import services
from notifications.models import TelegramChat
from notifications.sms_sender import SmsSender
from notifications.telegram.sender import TelegramSender
from tests.fakes.telegram_server import TOKEN, FakeTelegram

SECRET = "webhook-secret-42"
BOT_USERNAME = "portal_test_bot"
API = "https://api.telegram.test"


@pytest.fixture(autouse=True)
def telegram_on(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_API_URL = API
    settings.TELEGRAM_TIMEOUT = 2
    settings.PORTAL_BASE_URL = "https://support.example.ru"
    settings.NOTIFY_SMS_EVENTS = []
    settings.BITRIX_WEBHOOK_URL = ""
    return settings


@pytest.fixture
def fake_telegram(settings):
    with FakeTelegram() as fake:
        settings.TELEGRAM_API_URL = fake.url
        yield fake


@pytest.fixture
def webhook():
    """POST an update to the real webhook view with the right secret."""
    http = HttpClient()

    def post(update, *, secret=SECRET):
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return http.post("/integrations/telegram/webhook", update,
                         content_type="application/json", headers=headers)

    return post


@pytest.fixture
def linked_chat(db):
    """Link a chat to a client (or a manager) through a real token."""

    def link(*, client=None, user=None, chat_id=5550001):
        token = services.link_token_issue(client=client, user=user)
        return services.telegram_link(token=token, chat_id=chat_id, username="alexey")

    return link


def time_passes(seconds=10):
    """Every pending job due now, every done one sent long enough ago (windows and the
    per-chat second are over), as if ``seconds`` had passed."""
    past = timedelta(seconds=seconds)
    for job in Job.objects.filter(state=Job.State.PENDING):
        Job.objects.filter(pk=job.pk).update(next_attempt_at=job.next_attempt_at - past)
    Job.objects.filter(state=Job.State.DONE).update(done_at=timezone.now() - past)


def telegram_pass(*, wait=True, seconds=10):
    if wait:
        time_passes(seconds)
    return worker.deliver(TelegramSender(), limiter=worker.RateLimiter(0))


def sms_pass():
    time_passes()
    return worker.deliver(SmsSender(), limiter=worker.RateLimiter(0))


def jobs(channel="telegram"):
    return list(Job.objects.filter(channel=channel).order_by("id"))


def chat_of(client):
    return TelegramChat.objects.filter(client=client).first()
