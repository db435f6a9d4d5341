"""Bot API answers → job outcomes, with HTTP mocked by ``responses``."""

from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from delivery import worker
from delivery.models import Job, Pause
from delivery.queue import lease_expired_error
from delivery.services import job_retry
from notifications import outbox
from notifications.models import Notification, TelegramChat
from notifications.telegram.client import TelegramClient, TelegramError
from notifications.telegram.sender import TelegramSender
from tests.fakes.telegram_server import TOKEN

from .conftest import API, telegram_pass

pytestmark = pytest.mark.django_db
CHAT = 31337
SEND = f"{API}/bot{TOKEN}/sendMessage"


def ok(message_id=1):
    return {"ok": True, "result": {"message_id": message_id, "date": 1700000000, "text": "…",
                                   "chat": {"id": CHAT, "type": "private"}}}


def error(code, description, **parameters):
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


@pytest.fixture
def notification(portal_client):
    TelegramChat.objects.create(chat_id=CHAT, client=portal_client)
    return outbox.notify(channel="telegram", address=CHAT, event="waiting", text="Ждём ответа",
                         client=portal_client)


def job_of(notification):
    return Job.objects.get(pk=notification.job_id)


@responses.activate
def test_delivered_keeps_telegrams_message_id_on_the_notification(notification):
    responses.post(SEND, json=ok(message_id=42))

    assert telegram_pass().sent == 1

    notification.refresh_from_db()
    assert (notification.state, notification.external_id) == ("sent", 42)
    body = responses.calls[0].request.body
    assert b'"chat_id": 31337' in body and b"parse_mode" not in body  # plain text


@responses.activate
def test_429_waits_retry_after_for_the_whole_channel_without_spending_an_attempt(notification):
    responses.post(SEND, status=429, json=error(429, "Too Many Requests: retry after 17",
                                                retry_after=17))
    before = timezone.now()

    summary = telegram_pass()

    job = job_of(notification)
    assert (summary.retrying, job.attempts, job.state) == (1, 0, "pending")
    pause = Pause.objects.get(channel="telegram")
    assert pause.scope == "" and pause.until >= before + timedelta(seconds=17)


@responses.activate
@pytest.mark.parametrize("status", [500, 502])
def test_5xx_is_retried_with_backoff(notification, status):
    responses.post(SEND, status=status, body="<html>Bad Gateway</html>")

    summary = telegram_pass()

    job = job_of(notification)
    assert (summary.retrying, job.attempts, job.state) == (1, 1, "pending")
    assert job.next_attempt_at > timezone.now()


@responses.activate
def test_connection_refused_is_retried(notification):
    responses.post(SEND, body=requests.ConnectionError("Connection refused"))

    telegram_pass()

    assert (job_of(notification).attempts, job_of(notification).state) == (1, "pending")


@responses.activate
def test_a_read_timeout_is_retried_on_the_chats_own_key(notification):
    responses.post(SEND, body=requests.ReadTimeout("Read timed out"))

    summary = telegram_pass()

    job = job_of(notification)
    assert (summary.retrying, job.state, job.attempts) == (1, "pending", 1)
    assert job.key == f"chat:{CHAT}" and "отправим ещё раз" in job.last_error


@responses.activate
def test_403_unlinks_the_chat_and_drops_its_waiting_jobs(notification, portal_client):
    later = outbox.notify(channel="telegram", address=CHAT, event="closed", text="Закрыта",
                          client=portal_client)
    responses.post(SEND, status=403, json=error(403, "Forbidden: bot was blocked by the user"))

    summary = telegram_pass()

    assert summary.dead == 1 and not TelegramChat.objects.exists()
    assert {job_of(n).state for n in (notification, later)} == {"dead"}
    assert set(Notification.objects.values_list("state", flat=True)) == {"failed"}
    assert len(responses.calls) == 1


@responses.activate
def test_400_is_dead_at_once_and_does_not_hold_the_chat(notification, portal_client):
    responses.post(SEND, status=400, json=error(400, "Bad Request: message text is empty"))
    summary = telegram_pass()
    assert (summary.dead, job_of(notification).attempts) == (1, 1)

    responses.replace(responses.POST, SEND, json=ok())
    later = outbox.notify(channel="telegram", address=CHAT, event="closed", text="Закрыта",
                          client=portal_client)
    assert telegram_pass().sent == 1
    assert job_of(later).state == "done"


@responses.activate
def test_a_wrong_token_is_a_configuration_error_that_spends_nothing(notification):
    responses.post(SEND, status=401, json=error(401, "Unauthorized"))

    summary = telegram_pass()

    assert summary.config_error.startswith("TELEGRAM_BOT_TOKEN не подходит")
    assert job_of(notification).attempts == 0


def worker_died(job, *, mid_call):
    """What a worker killed while it held ``job`` leaves behind, once the lease ran out."""
    payload = {**job.payload, **({outbox.SENDING: 0} if mid_call else {})}
    Job.objects.filter(pk=job.pk).update(attempts=1, last_error=lease_expired_error(),
                                         payload=payload)


def test_a_job_whose_worker_died_mid_call_is_not_sent_again_but_an_admin_retry_sends_it(
        notification):
    worker_died(job_of(notification), mid_call=True)
    with responses.RequestsMock() as mock:
        assert telegram_pass().dead == 1
        assert len(mock.calls) == 0
        job_retry(Job.objects.filter(pk=notification.job_id))
        mock.post(SEND, json=ok())
        assert telegram_pass().sent == 1


@responses.activate
def test_a_job_leased_with_it_whose_call_had_not_started_is_sent(notification):
    responses.post(SEND, json=ok())
    worker_died(job_of(notification), mid_call=False)

    assert telegram_pass().sent == 1


@responses.activate
def test_one_message_per_second_per_chat(notification, portal_client):
    responses.post(SEND, json=ok())
    outbox.notify(channel="telegram", address=CHAT, event="closed", text="Закрыта",
                  client=portal_client)
    Job.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    summary = worker.deliver(TelegramSender(), limiter=worker.RateLimiter(0))

    assert summary.sent == 1 and len(responses.calls) == 1  # the second waits its second
    later = Job.objects.filter(state="pending").get()
    assert later.next_attempt_at > timezone.now() and later.attempts == 0


def test_telegram_off_is_a_configuration_error(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    assert TelegramSender().config_error() == "TELEGRAM_BOT_TOKEN не задан"


def test_the_client_never_puts_the_token_in_an_error(settings):
    client = TelegramClient(api_url="http://127.0.0.1:9", timeout=1)
    with pytest.raises(TelegramError) as caught:
        client.call("getMe")
    assert caught.value.kind == "unreachable" and TOKEN not in str(caught.value)
