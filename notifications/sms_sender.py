"""SMS as a delivery channel, through the SMS backends of ``tickets.sms``.

SMS cost money and cannot be looked up either: like Telegram, a job whose
worker died mid-call is not sent again by the worker (admin can resend it).
"""

from django.conf import settings
from django.utils import timezone

from delivery.senders import Delivered, Failed, Sender
from tickets.sms import SmsError, get_backend

from .models import Channel, Notification
from .outbox import lost_in_a_crash, mark_sending


def _failed(job, error, *, retryable, state=Notification.State.FAILED):
    if not retryable and (notification_id := job.payload.get("notification")):
        Notification.objects.filter(pk=notification_id).update(state=state, error=error)
    return Failed(error, retryable=retryable)


class SmsSender(Sender):
    channel = Channel.SMS
    label = "SMS"
    batch_size = 10
    rate_per_second = 5.0
    max_attempts = 5
    retry_base_seconds = 30.0

    def config_error(self) -> str:
        return "" if settings.NOTIFY_SMS_EVENTS else "NOTIFY_SMS_EVENTS пуст: SMS-уведомления выключены"

    def send(self, jobs, *, limiter):
        backend = get_backend()
        for job in jobs:
            if lost_in_a_crash(job):
                yield job, _failed(job, "Воркер остановился во время отправки: SMS могло "
                                        "уйти, повторно не отправляем", retryable=False,
                                   state=Notification.State.UNKNOWN)
                continue
            limiter.wait()
            mark_sending(job)
            try:
                backend.send(job.payload["phone"], job.payload["text"])
            except SmsError as error:
                yield job, _failed(job, str(error), retryable=error.retryable)
                continue
            yield job, Delivered({"sent": True})

    def delivered(self, job, result):
        if notification_id := job.payload.get("notification"):
            Notification.objects.filter(pk=notification_id).update(
                state=Notification.State.SENT, sent_at=timezone.now(), error="")
        return result
