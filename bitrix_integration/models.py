"""Outbox of calls to Bitrix24, pauses, and the audit trail of inbound calls."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Message, Ticket


class OutboxJob(models.Model):
    """One call Bitrix24 must receive, written in the same transaction as the change."""

    class Kind(models.TextChoices):
        LEAD_ADD = "lead_add", _("создать лид")
        COMMENT_ADD = "comment_add", _("комментарий в ленту")
        LEAD_UPDATE = "lead_update", _("обновить лид")
        LEAD_READ = "lead_read", _("прочитать лид (событие)")

    class State(models.TextChoices):
        PENDING = "pending", _("ждёт отправки")
        DONE = "done", _("доставлено")
        DEAD = "dead", _("не доставлено")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="bitrix_jobs",
                               verbose_name=_("заявка"))
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("сообщение"))
    kind = models.CharField(_("что"), max_length=16, choices=Kind.choices)
    payload = models.JSONField(_("данные"), default=dict, blank=True)
    state = models.CharField(_("состояние"), max_length=8, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    locked_until = models.DateTimeField(_("занято до"), null=True, blank=True)
    # After a timed-out add, Bitrix may still be carrying it out (up to its
    # per-request limit): no lookup or resend before then, even on admin retry.
    uncertain_until = models.DateTimeField(_("ответ может прийти до"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    result = models.JSONField(_("ответ"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    done_at = models.DateTimeField(_("доставлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("задание для Битрикс24")
        verbose_name_plural = _("очередь в Битрикс24")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["ticket", "state"], name="outbox_ticket_state"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} (заявка {self.ticket_id})"


class MethodPause(models.Model):
    """A Bitrix method whose time budget is spent (OPERATION_TIME_LIMIT), shared by workers."""

    method = models.CharField(max_length=100, unique=True)
    until = models.DateTimeField()

    class Meta:
        verbose_name = _("пауза метода")
        verbose_name_plural = _("паузы методов")

    def __str__(self):
        return f"{self.method} до {self.until}"


class InboundEvent(models.Model):
    """Every call Bitrix made to us: what came, what we did, what went wrong."""

    class Channel(models.TextChoices):
        JSON = "json", _("JSON-эндпоинт")
        EVENT = "event", _("событие Битрикс24")

    channel = models.CharField(_("канал"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("получено"), default=timezone.now)
    remote_addr = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    body = models.TextField(_("тело запроса"), blank=True)
    event_id = models.CharField(_("ID события"), max_length=255, null=True, blank=True)  # noqa: DJ001
    action = models.CharField(_("действие"), max_length=64, blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("заявка"))
    status_code = models.PositiveSmallIntegerField(_("код ответа"), null=True)
    result = models.JSONField(_("результат"), null=True, blank=True)
    error = models.TextField(_("ошибка"), blank=True)

    class Meta:
        verbose_name = _("входящий вызов")
        verbose_name_plural = _("входящие вызовы Битрикс24")
        ordering = ["-received_at", "-id"]
        constraints = [
            # NULL event ids are many; a given event id is handled once.
            models.UniqueConstraint(fields=["channel", "event_id"],
                                    condition=Q(event_id__isnull=False),
                                    name="inbound_event_id_unique"),
        ]
        indexes = [models.Index(fields=["received_at"], name="inbound_received")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.action} {self.received_at:%d.%m %H:%M}"
