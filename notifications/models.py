"""Who hears what, and through which channel: Telegram chats, link tokens, records."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delivery.models import Job
from tickets.models import Client, Department, Ticket


class Channel(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")


class Event(models.TextChoices):
    REPLY = "reply", _("ответ менеджера")
    WAITING = "waiting", _("ждём ответа клиента")
    RESOLVED = "resolved", _("заявка решена")
    CLOSED = "closed", _("заявка закрыта")
    NEW_TICKET = "new_ticket", _("новая заявка")
    CLIENT_REPLY = "client_reply", _("ответ клиента")
    SLA_BREACH = "sla_breach", _("нарушен срок")


class TelegramChat(models.Model):
    """A private chat with the bot, linked to one client or one manager."""

    chat_id = models.BigIntegerField(_("чат"), unique=True)
    client = models.OneToOneField(Client, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="telegram_chat", verbose_name=_("клиент"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="telegram_chat",
                                verbose_name=_("менеджер"))
    # A manager hears about new tickets of these departments (none chosen: of every one).
    departments = models.ManyToManyField(Department, blank=True, verbose_name=_("отделы"))
    username = models.CharField(_("имя в Telegram"), max_length=64, blank=True)
    linked_at = models.DateTimeField(_("привязан"), default=timezone.now)

    class Meta:
        verbose_name = _("чат Telegram")
        verbose_name_plural = _("чаты Telegram")
        constraints = [models.CheckConstraint(
            condition=models.Q(client__isnull=True) ^ models.Q(user__isnull=True),
            name="notifications_chat_one_owner")]

    def __str__(self):
        return f"{self.chat_id} ({self.client or self.user})"


class LinkToken(models.Model):
    """A deep-link token: one use, short-lived, bound to its owner; only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ссылка привязки")
        verbose_name_plural = _("ссылки привязки")
        indexes = [models.Index(fields=["expires_at"], name="notifications_token_expiry")]

    def __str__(self):
        return f"{self.client or self.user} до {self.expires_at:%H:%M}"


class ClientPreference(models.Model):
    class Choice(models.TextChoices):
        AUTO = "auto", _("Telegram, а без него — SMS о важном")
        TELEGRAM = "telegram", _("Только Telegram")
        OFF = "off", _("Не уведомлять")

    client = models.OneToOneField(Client, on_delete=models.CASCADE, primary_key=True,
                                  related_name="notification_preference")
    channel = models.CharField(_("канал"), max_length=16, choices=Choice.choices,
                               default=Choice.AUTO)

    class Meta:
        verbose_name = _("настройка уведомлений")
        verbose_name_plural = _("настройки уведомлений")

    def __str__(self):
        return self.get_channel_display()


class Notification(models.Model):
    """One thing told to one person through one channel: the record managers read in admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("ждёт отправки")
        SENT = "sent", _("отправлено")
        FAILED = "failed", _("не отправлено")
        UNKNOWN = "unknown", _("возможно, доставлено")  # the answer was lost: not resent

    event = models.CharField(_("событие"), max_length=16, choices=Event.choices)
    channel = models.CharField(_("канал"), max_length=16, choices=Channel.choices)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, null=True, blank=True,
                               verbose_name=_("клиент"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, verbose_name=_("менеджер"))
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True,
                               verbose_name=_("заявка"))
    address = models.CharField(_("куда"), max_length=64)  # a chat id or a phone
    text = models.TextField(_("текст"))
    message_ids = models.JSONField(_("сообщения"), default=list, blank=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+", verbose_name=_("задание доставки"))
    state = models.CharField(_("состояние"), max_length=8, choices=State.choices,
                             default=State.PENDING)
    error = models.TextField(_("ошибка"), blank=True)
    # Telegram's id of the sent message, so a reply to it finds its ticket.
    external_id = models.BigIntegerField(_("номер в Telegram"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-id"]
        indexes = [models.Index(fields=["address", "external_id"], name="notifications_reply_to"),
                   models.Index(fields=["state", "created_at"], name="notifications_state")]

    def __str__(self):
        return f"#{self.pk} {self.get_event_display()} → {self.address}"


class TelegramUpdate(models.Model):
    """An update the webhook or polling took in: a repeated ``update_id`` is a no-op."""

    update_id = models.BigIntegerField(unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.update_id)


class BotDialog(models.Model):
    """Where a chat is in the bot's /new dialog."""

    chat_id = models.BigIntegerField(unique=True)
    step = models.CharField(max_length=16)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.chat_id}: {self.step}"
