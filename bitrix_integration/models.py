"""Bitrix jobs in the delivery outbox, and the audit trail of inbound calls."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delivery.models import Job
from tickets.models import Ticket

CHANNEL = "bitrix"  # the delivery channel of Bitrix jobs


class BitrixJobs(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(channel=CHANNEL)


class OutboxJob(Job):
    """A call Bitrix24 must receive: the Bitrix channel's jobs in the delivery outbox."""

    class Kind(models.TextChoices):
        LEAD_ADD = "lead_add", _("создать лид")
        COMMENT_ADD = "comment_add", _("комментарий в ленту")
        LEAD_UPDATE = "lead_update", _("обновить лид")
        LEAD_READ = "lead_read", _("прочитать лид (событие)")
        COMMENT_READ = "comment_read", _("прочитать комментарий из Битрикс24")

    objects = BitrixJobs()

    class Meta:
        proxy = True
        verbose_name = _("задание для Битрикс24")
        verbose_name_plural = _("очередь в Битрикс24")

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} (заявка {self.ticket_id})"

    def get_kind_display(self):
        return self.Kind(self.kind).label if self.kind in self.Kind.values else self.kind

    @property
    def message_id(self):
        """The portal message a comment job carries (its marker finds a lost comment)."""
        return (self.payload or {}).get("message_id")


class InboundEvent(models.Model):
    """Every call Bitrix made to us: what came, what we did, what went wrong."""

    class Channel(models.TextChoices):
        JSON = "json", _("JSON-эндпоинт")
        EVENT = "event", _("событие Битрикс24")

    channel = models.CharField(_("канал"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("получено"), default=timezone.now)
    remote_addr = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    # The path without its query string: a key may travel as ?key=.
    path = models.CharField(_("адрес запроса"), max_length=255, blank=True)
    body_size = models.PositiveIntegerField(_("размер тела, байт"), null=True, blank=True)
    # Empty for a call refused for its key: a stranger's bodies must not fill the table.
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


class PortalState(models.Model):
    """What the worker knows about the portal as a whole (one row): which CRM entity a
    ticket becomes, how long it has been refusing us, how far reconciliation read."""

    class Entity(models.TextChoices):
        LEAD = "LEAD", _("лид")
        DEAL = "DEAL", _("сделка")

    entity = models.CharField(_("сущность CRM"), max_length=4, choices=Entity.choices,
                              blank=True)
    refusals = models.PositiveIntegerField(_("отказов подряд"), default=0)
    reconciled_at = models.DateTimeField(_("сверено по"), null=True, blank=True)

    class Meta:
        verbose_name = _("состояние портала Битрикс24")
        verbose_name_plural = _("состояние портала Битрикс24")

    def __str__(self):
        return str(_("Портал Битрикс24"))

    @classmethod
    def get(cls) -> "PortalState":
        return cls.objects.get_or_create(pk=1)[0]
