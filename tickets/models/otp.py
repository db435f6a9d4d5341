"""Login codes and the wrong guesses that cap them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class OneTimeCode(models.Model):
    """A login code sent by SMS, stored as a keyed hash. ``owner_hash``: the asking session's
    token (hashed); ``ip_block``: what address caps count (IPv4 address or IPv6 /64)."""

    phone = PhoneNumberField(_("телефон"))
    code_hash = models.CharField(max_length=128)
    owner_hash = models.CharField(_("сессия"), max_length=64, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    ip_block = models.CharField(_("адрес или сеть /64"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)
    expires_at = models.DateTimeField(_("истекает"))
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    used_at = models.DateTimeField(_("использован"), null=True, blank=True)
    send_failed = models.BooleanField(_("SMS не отправлено"), default=False)

    class Meta:
        verbose_name = _("одноразовый код")
        verbose_name_plural = _("одноразовые коды")
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="otp_phone_created"),
            models.Index(fields=["ip_block", "-created_at"], name="otp_ip_block_created"),
            models.Index(fields=["created_at"], name="otp_created"),  # the global budget
        ]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class WrongCodeGuess(models.Model):
    """A wrong code typed from an address: ``OTP_IP_FAILED_HOURLY_LIMIT`` caps them."""

    ip_block = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ip_block", "created_at"], name="otp_guess_block_created"),
            models.Index(fields=["created_at"], name="otp_guess_created"),
        ]

    def __str__(self):
        return f"{self.ip_block} {self.created_at:%Y-%m-%d %H:%M}"
