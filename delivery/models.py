"""The outbox every external channel shares: one row per call a provider must receive."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class Job(models.Model):
    """One call to make, written in the same transaction as the change that caused it.

    ``channel`` names the sender (``bitrix``, ``telegram``…); jobs with the same
    ``channel`` and ``key`` (a ticket, a chat) are delivered strictly in id order.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("ждёт отправки")
        DONE = "done", _("доставлено")
        DEAD = "dead", _("не доставлено")

    channel = models.CharField(_("канал"), max_length=32)
    key = models.CharField(_("очередь"), max_length=64)
    kind = models.CharField(_("что"), max_length=32)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="delivery_jobs", verbose_name=_("заявка"))
    payload = models.JSONField(_("данные"), default=dict, blank=True)
    state = models.CharField(_("состояние"), max_length=8, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    # Set while a worker holds the job; still set after it expired means the
    # worker died mid-call: the call may have been made.
    locked_until = models.DateTimeField(_("занято до"), null=True, blank=True)
    # After a timeout the provider may still be carrying the call out: until
    # then the sender may look for its result but must not send it again.
    uncertain_until = models.DateTimeField(_("ответ может прийти до"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    result = models.JSONField(_("ответ"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    done_at = models.DateTimeField(_("доставлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("задание доставки")
        verbose_name_plural = _("очередь доставки")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["channel", "key", "state"], name="delivery_key_state"),
            models.Index(fields=["ticket", "state"], name="delivery_ticket_state"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.channel}:{self.kind} ({self.key})"

    @property
    def may_have_been_sent(self) -> bool:
        """An earlier try may have reached the provider and lost its answer.

        An admin retry resets ``attempts`` but keeps ``last_error``, so this
        stays true after it.
        """
        return self.attempts > 0 or bool(self.last_error)


class Pause(models.Model):
    """A provider said "wait": no job of this channel and scope is sent before ``until``.

    ``scope`` is what the provider limited: a method for Bitrix24, empty for
    the whole channel. Shared by every worker through the database.
    """

    channel = models.CharField(_("канал"), max_length=32)
    scope = models.CharField(_("что"), max_length=100, blank=True)
    until = models.DateTimeField(_("до"))
    reason = models.TextField(_("причина"), blank=True)

    class Meta:
        verbose_name = _("пауза канала")
        verbose_name_plural = _("паузы каналов")
        constraints = [models.UniqueConstraint(fields=["channel", "scope"],
                                               name="delivery_pause_unique")]

    def __str__(self):
        return f"{self.channel} {self.scope or '*'} до {self.until:%d.%m %H:%M:%S}"


class Chore(models.Model):
    """When a periodic task of the worker (``DELIVERY_CHORES``) is next due, shared by
    every worker: the one that moves ``next_run_at`` first runs it."""

    name = models.CharField(_("задача"), max_length=64, unique=True)
    next_run_at = models.DateTimeField(_("следующий запуск"), default=timezone.now)
    last_result = models.TextField(_("последний результат"), blank=True)

    class Meta:
        verbose_name = _("периодическая задача")
        verbose_name_plural = _("периодические задачи")

    def __str__(self):
        return self.name
