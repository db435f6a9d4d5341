"""One-time login codes.

Codes are random, stored as a keyed hash, expire, allow a few wrong tries and
are throttled per phone and per IP. Every limit is counted in the database
with atomic statements, so it holds across gunicorn workers and hosts.
"""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .. import sms
from ..models import Client, OneTimeCode

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


class OtpError(ValidationError):
    """A refusal the login form shows next to the field it concerns."""

    def __init__(self, message, *, field, code, retry_after=None):
        super().__init__({field: [message]}, code=code)
        self.field = field
        self.error_code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class SentCode:
    phone: str
    expires_at: object
    resend_at: object


def _hash(phone: str, code: str) -> str:
    return salted_hmac("tickets.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    if settings.DEBUG and settings.OTP_FIXED_CODE:
        return settings.OTP_FIXED_CODE  # the MVP's stub; a system check forbids it in production
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _wait_text(seconds: float) -> str:
    # Abbreviated units read naturally with any number (no plural forms).
    seconds = max(1, int(seconds + 0.999))
    if seconds < 60:
        return _("%(n)d с") % {"n": seconds}
    return _("%(n)d мин") % {"n": -(-seconds // 60)}


def _lock_for_send(phone: str, ip: str | None) -> None:
    """Serialise code issuing per phone and per IP so concurrent requests
    cannot both pass the limits. SQLite already serialises writers (the
    transaction is IMMEDIATE); PostgreSQL takes transaction-scoped advisory
    locks, phone first, then IP, always in that order."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp-phone:{phone}"])
        if ip:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp-ip:{ip}"])


def _issue(*, phone: str, ip: str | None, now) -> tuple[OneTimeCode, str]:
    with transaction.atomic():
        _lock_for_send(phone, ip)
        hour_ago = now - timedelta(hours=1)
        recent = OneTimeCode.objects.filter(phone=phone, created_at__gt=hour_ago)
        # A failed send does not hold the client back for the cooldown, but it
        # counts toward the hourly caps: a timed-out SMS may still arrive.
        last = recent.filter(send_failed=False).order_by("-created_at").first()
        if last is not None:
            wait = (last.created_at + timedelta(seconds=settings.OTP_RESEND_SECONDS) - now)
            if wait.total_seconds() > 0:
                raise OtpError(
                    _("Код уже отправлен. Запросить новый можно через %(wait)s.")
                    % {"wait": _wait_text(wait.total_seconds())},
                    field="phone", code="cooldown", retry_after=int(wait.total_seconds()) + 1,
                )
        if recent.count() >= settings.OTP_PHONE_HOURLY_LIMIT:
            oldest = recent.order_by("created_at").first()
            wait = oldest.created_at + timedelta(hours=1) - now
            raise OtpError(
                _("Слишком много кодов для этого номера. Попробуйте через %(wait)s.")
                % {"wait": _wait_text(wait.total_seconds())},
                field="phone", code="phone_limit", retry_after=int(wait.total_seconds()) + 1,
            )
        if ip and OneTimeCode.objects.filter(ip=ip, created_at__gt=hour_ago).count() >= (
            settings.OTP_IP_HOURLY_LIMIT
        ):
            raise OtpError(
                _("Слишком много запросов кода с вашего адреса. Попробуйте через час."),
                field="phone", code="ip_limit", retry_after=3600,
            )
        # Only the newest code is valid: older unused ones expire now.
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        code = _new_code()
        otp = OneTimeCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            ip=ip,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
    return otp, code


def otp_send(*, phone: str, ip: str | None = None) -> SentCode:
    """Issue a code for ``phone`` (E.164) and send it by SMS.

    The SMS goes out after the code is committed, so no database lock is held
    while the provider answers. If the provider refuses or times out, the code
    is expired and marked as failed: the client may try again at once, but
    the attempt still counts toward the hourly caps (it may have arrived).
    """
    phone = str(phone)
    now = timezone.now()
    otp, code = _issue(phone=phone, ip=ip, now=now)
    text = _("Код для входа в портал поддержки: %(code)s. Никому его не сообщайте.") % {
        "code": code
    }
    try:
        sms.get_backend().send(phone, text)
    except sms.SmsError as exc:
        logger.error("SMS to %s failed (%s): %s", phone, settings.SMS_BACKEND, exc)
        OneTimeCode.objects.filter(pk=otp.pk).update(send_failed=True, expires_at=now)
        raise OtpError(
            _("Не удалось отправить SMS. Проверьте номер и попробуйте ещё раз."),
            field="phone", code="sms_failed",
        ) from exc
    return SentCode(
        phone=phone,
        expires_at=otp.expires_at,
        resend_at=now + timedelta(seconds=settings.OTP_RESEND_SECONDS),
    )


def otp_verify(*, phone: str, code: str) -> Client:
    """Check ``code`` for ``phone``; on success mark it used and return the client.

    Each try is counted with one atomic UPDATE guarded by the limit, so
    parallel guesses cannot exceed ``OTP_MAX_ATTEMPTS``; a used code never
    works again.
    """
    phone = str(phone)
    code = (code or "").strip().replace(" ", "").replace("-", "")
    now = timezone.now()
    max_attempts = settings.OTP_MAX_ATTEMPTS
    otp = (
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise OtpError(_("Код истёк или не запрашивался. Запросите новый код."),
                       field="code", code="expired")
    if otp.attempts >= max_attempts:
        raise OtpError(_("Попытки ввода кода исчерпаны. Запросите новый код."),
                       field="code", code="attempts_exhausted")
    counted = OneTimeCode.objects.filter(
        pk=otp.pk, used_at__isnull=True, expires_at__gt=now, attempts__lt=max_attempts
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise OtpError(_("Попытки ввода кода исчерпаны. Запросите новый код."),
                       field="code", code="attempts_exhausted")

    if not (code.isdigit() and hmac.compare_digest(otp.code_hash, _hash(phone, code))):
        left = max_attempts - otp.attempts - 1
        if left <= 0:
            raise OtpError(_("Неверный код. Попытки исчерпаны: запросите новый код."),
                           field="code", code="attempts_exhausted")
        raise OtpError(
            _("Неверный код. Осталось попыток: %(n)d.") % {"n": left},
            field="code", code="invalid",
        )

    with transaction.atomic():
        claimed = OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:  # a parallel request used it a moment ago
            raise OtpError(_("Этот код уже использован. Запросите новый код."),
                           field="code", code="used")
        client, _created = Client.objects.get_or_create(phone=phone)
    return client
