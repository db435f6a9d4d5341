"""Notifications as delivery jobs. Nothing here does HTTP.

Burst rule: a reply waits ``BURST_SECONDS`` (5 s) before it is sent; a later
message of the same ticket to the same chat in that window is merged into it,
as long as no worker has taken the job yet (the merge is a conditional UPDATE
on ``locked_until IS NULL``, so a job being sent is never changed). The first
message never waits more than 5 s, so a reply reaches a linked chat within
the window plus one worker pass.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from delivery.models import Job
from delivery.queue import lease_expired_error
from delivery.services import job_enqueue

from .models import Channel, Notification

BURST_SECONDS = 5
KIND_NOTIFICATION = "notification"
KIND_BOT_REPLY = "bot_reply"


def chat_key(chat_id) -> str:
    return f"chat:{chat_id}"


def _payload(channel, address, text, notification_id):
    if channel == Channel.TELEGRAM:
        return {"chat_id": int(address), "text": text, "notification": notification_id}
    return {"phone": address, "text": text, "notification": notification_id}


def _key(channel, address):
    return chat_key(address) if channel == Channel.TELEGRAM else f"phone:{address}"


def notify(*, channel, address, event, text, ticket=None, client=None, user_id=None,
           message_id=None, delay=0.0) -> Notification:
    """Record a notification and its delivery job (in the caller's transaction)."""
    notification = Notification.objects.create(
        event=event, channel=channel, address=str(address), text=text, ticket=ticket,
        client=client, user_id=user_id, message_ids=[message_id] if message_id else [])
    job = job_enqueue(channel=channel, key=_key(channel, address), kind=KIND_NOTIFICATION,
                      payload=_payload(channel, address, text, notification.pk), ticket=ticket)
    if delay:
        job.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        Job.objects.filter(pk=job.pk).update(next_attempt_at=job.next_attempt_at)
    Notification.objects.filter(pk=notification.pk).update(job=job)
    notification.job = job
    return notification


def merge_into_pending(*, channel, address, event, ticket, message_id, render) -> bool:
    """Add a message to a notification of this ticket still waiting out its window
    (``message_id=None``: none to add, the text is rendered again, e.g. after the
    ticket's status changed).

    ``render(message_ids)`` gives the merged text. False when there is none to join.
    """
    now = timezone.now()
    pending = (Notification.objects
               .filter(channel=channel, address=str(address), event=event, ticket=ticket,
                       state=Notification.State.PENDING, job__state=Job.State.PENDING,
                       job__attempts=0, job__locked_until__isnull=True,
                       job__next_attempt_at__gt=now)
               .select_related("job").order_by("-id").first())
    if pending is None:
        return False
    ids = [*pending.message_ids, *([message_id] if message_id else [])]
    text = render(ids)
    merged = Job.objects.filter(pk=pending.job_id, state=Job.State.PENDING, attempts=0,
                                locked_until__isnull=True).update(
        payload=_payload(channel, address, text, pending.pk))
    if not merged:
        return False  # a worker took it a moment ago: this message gets its own
    Notification.objects.filter(pk=pending.pk).update(text=text, message_ids=ids)
    return True


def bot_say(chat_id, text, *, reply_markup=None) -> Job | None:
    """Something the bot answers in a chat: through the outbox like everything it says.
    Telegram off (no token): nothing is queued."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return None
    payload = {"chat_id": int(chat_id), "text": text}
    if reply_markup:
        payload["reply_markup"] = reply_markup
    return job_enqueue(channel=Channel.TELEGRAM, key=chat_key(chat_id), kind=KIND_BOT_REPLY,
                       payload=payload)


# A crash mid-call cannot be told from a crash before it by the lease alone (a worker
# leases a batch). So the attempt a call is made in is written on the job just
# before the call: after a lost lease, only a job whose call had started may have
# reached the provider, and only it is not sent again.
SENDING = "sending_attempt"


def mark_sending(job) -> None:
    job.payload = {**job.payload, SENDING: job.attempts}
    Job.objects.filter(pk=job.pk).update(payload=job.payload)


def lost_in_a_crash(job) -> bool:
    """The worker died during this job's call: the message may have gone out."""
    return (job.attempts > 0 and job.last_error == lease_expired_error()
            and job.payload.get(SENDING) == job.attempts - 1)
