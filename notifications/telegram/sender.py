"""Telegram as a delivery channel: a job is one ``sendMessage``; what an answer means.

- 429 → the whole channel waits ``retry_after`` (no attempt spent): we keep
  under Telegram's limits ourselves (30/s, 1/s per chat), so a 429 means the
  bot as a whole is over, and every chat would get the same answer;
- 5xx, connection refused, timeouts → retry with backoff; the pass ends there;
- 401/404 (wrong token) → configuration error;
- 403 (blocked, kicked) → the chat is unlinked, its waiting jobs are dropped,
  nothing more is sent to it;
- 400 → dead at once.

A timeout is retried (DESIGN: "5xx and timeouts → retry"): the Bot API has no
way to look a message up, so a message whose answer was lost may arrive twice,
and a client who hears of a reply twice is better off than one who never does.
A worker killed mid-call is the exception (``outbox.mark_sending``): that job
is not repeated by the worker — it is dead with a note saying it may have
arrived, and a manager can resend it from admin («Отправить снова»).

A refused job (400, 403, killed mid-call) is moved off the chat's key
(``chat:<id>:refused``), so it does not hold the chat's later messages.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from delivery.models import Job
from delivery.senders import Delivered, Failed, Postponed, Sender

from ..models import Channel, Notification, TelegramChat
from ..outbox import lost_in_a_crash, mark_sending
from . import files
from .client import TelegramClient, TelegramError

UNCERTAIN = "Ответ Telegram потерян: сообщение могло дойти, повторно не отправляем"
TIMED_OUT = "Telegram не ответил вовремя: сообщение могло дойти, отправим ещё раз"
PER_CHAT_SECONDS = 1.0


def _chat_key(job) -> str:
    return job.key.split(":refused")[0]


def _refuse(job, error, *, state=Notification.State.FAILED):
    """Dead, and out of the chat's way; its notification says why."""
    Job.objects.filter(pk=job.pk).update(key=f"{_chat_key(job)}:refused")
    if notification_id := job.payload.get("notification"):
        Notification.objects.filter(pk=notification_id).update(state=state, error=error)
    return Failed(error, retryable=False)


def _drop_chat(job, error):
    """The user blocked the bot: unlink the chat, and nothing waiting for it is sent."""
    TelegramChat.objects.filter(chat_id=job.payload.get("chat_id")).delete()
    waiting = (Job.objects.filter(channel=job.channel, key=_chat_key(job),
                                  state=Job.State.PENDING).exclude(pk=job.pk))
    ids = [payload.get("notification") for payload in waiting.values_list("payload", flat=True)]
    Notification.objects.filter(pk__in=[i for i in ids if i]).update(
        state=Notification.State.FAILED, error=error)
    waiting.update(state=Job.State.DEAD, last_error=error, key=f"{_chat_key(job)}:refused")
    return _refuse(job, error)


def outcome_of(job, error: TelegramError):
    now = timezone.now()
    text = str(error)
    if error.kind == "rate_limited":
        wait = error.retry_after if isinstance(error.retry_after, int) else 5
        return Failed(text, wait_until=now + timedelta(seconds=wait), pause_scope="")
    if error.kind in ("server", "unreachable"):
        return Failed(text, unreachable=True)
    if error.kind == "unauthorized":
        return Failed(f"TELEGRAM_BOT_TOKEN не подходит: {text}", config=True)
    if error.kind == "timeout":
        return Failed(f"{TIMED_OUT} ({text})", unreachable=True)
    if error.kind == "blocked":
        return _drop_chat(job, f"Чат отвязан: {text}")
    return _refuse(job, text)


class TelegramSender(Sender):
    channel = Channel.TELEGRAM
    label = "Telegram"
    batch_size = 30
    rate_per_second = 30.0  # Telegram's documented ceiling for a bot's broadcasts
    max_attempts = 10
    retry_base_seconds = 5.0

    def __init__(self, client=None):
        self.client = client or TelegramClient()

    @property
    def lease_seconds(self):
        return settings.TELEGRAM_TIMEOUT * 2 + 30

    def config_error(self) -> str:
        return "" if self.client.configured else "TELEGRAM_BOT_TOKEN не задан"

    def _chat_busy_until(self, job, now):
        """1 message/s per chat: when this chat's last message left less than a second ago."""
        last = (Job.objects.filter(channel=self.channel, key=job.key, state=Job.State.DONE,
                                   done_at__gt=now - timedelta(seconds=PER_CHAT_SECONDS))
                .order_by("-done_at").values_list("done_at", flat=True).first())
        return last + timedelta(seconds=PER_CHAT_SECONDS) if last else None

    def send(self, jobs, *, limiter):
        for job in jobs:
            if job.kind == files.KIND_FILE_FETCH:  # a read: safe to repeat, no chat pacing
                limiter.wait()
                outcome = files.fetch(self.client, job)
                yield job, outcome
                if isinstance(outcome, Failed) and (outcome.unreachable or outcome.config
                                                    or outcome.wait_until):
                    return
                continue
            if lost_in_a_crash(job):
                yield job, _refuse(job, UNCERTAIN, state=Notification.State.UNKNOWN)
                continue
            if until := self._chat_busy_until(job, timezone.now()):
                yield job, Postponed(until, "1 сообщение в секунду на чат")
                continue
            limiter.wait()
            mark_sending(job)
            try:
                message = self.client.send_message(job.payload["chat_id"], job.payload["text"],
                                                   reply_markup=job.payload.get("reply_markup"))
            except TelegramError as error:
                outcome = outcome_of(job, error)
                yield job, outcome
                if outcome.unreachable or outcome.wait_until or outcome.config:
                    return  # the rest of this pass would fare no better
                continue
            yield job, Delivered({"message_id": (message or {}).get("message_id")})

    def delivered(self, job, result):
        if notification_id := job.payload.get("notification"):
            Notification.objects.filter(pk=notification_id).update(
                state=Notification.State.SENT, sent_at=timezone.now(), error="",
                external_id=(result or {}).get("message_id"))
        return result
