"""One-time login codes.

Codes are random, stored as a keyed hash, expire, allow a few wrong tries and
belong to the browser session that asked for them. The limits (``otp_limits``)
are counted in the database with atomic statements, so they hold across
gunicorn workers and hosts.
"""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from supportportal.net import address_block

from .. import sms
from ..models import Client, OneTimeCode
from . import otp_limits as limits
from .otp_limits import OtpError

__all__ = ["OtpError", "SentCode", "otp_send", "otp_verify"]

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


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


def _owner_hash(owner: str) -> str:
    return salted_hmac("tickets.otp.owner", owner, algorithm="sha256").hexdigest()


def _issue(*, phone: str, ip: str | None, owner_hash: str, now) -> tuple[OneTimeCode, str]:
    block = address_block(ip)
    with transaction.atomic():
        limits.lock_for_send()
        limits.check_send_limits(phone=phone, owner_hash=owner_hash, ip_block=block, now=now)
        # A new code replaces this browser's older unused ones, never another's.
        OneTimeCode.objects.filter(
            phone=phone, owner_hash=owner_hash, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        code = _new_code()
        otp = OneTimeCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            owner_hash=owner_hash,
            ip=ip,
            ip_block=block,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
    return otp, code


def otp_send(*, phone: str, owner: str, ip: str | None = None) -> SentCode:
    """Issue a code for ``phone`` (E.164) and send it by SMS.

    ``owner`` is a secret the asking browser session holds (any caller-chosen
    token): only the same owner can use the code, and a new request from it
    replaces its previous code; other owners' codes for the phone stay valid.

    The SMS goes out after the code is committed, so no database lock is held
    while the provider answers. If the provider refuses or times out, the code
    is expired and marked as failed: the client may try again at once, but
    the attempt still counts toward the hourly caps (it may have arrived).
    """
    phone = str(phone)
    if not owner:
        raise ValueError("otp_send needs the owner (the asking session's token)")
    limits.check_region(phone)
    now = timezone.now()
    otp, code = _issue(phone=phone, ip=ip, owner_hash=_owner_hash(owner), now=now)
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


def otp_verify(*, phone: str, code: str, owner: str, ip: str | None = None) -> Client:
    """Check ``code`` for ``phone`` as typed in the browser session ``owner``; on
    success mark it used and return the client.

    Only a code this owner asked for is looked at, so a stranger's guesses
    neither spend nor reveal the client's code. Each try is counted with one
    atomic UPDATE guarded by the limit, so parallel guesses cannot exceed
    ``OTP_MAX_ATTEMPTS``; wrong codes are also capped per address per hour. A
    used code never works again.
    """
    phone = str(phone)
    code = (code or "").strip().replace(" ", "").replace("-", "")
    now = timezone.now()
    max_attempts = settings.OTP_MAX_ATTEMPTS
    otp = None
    if owner:
        otp = (
            OneTimeCode.objects.filter(phone=phone, owner_hash=_owner_hash(owner),
                                       used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
    if otp is None:
        raise OtpError(_("Код истёк или не запрашивался. Запросите новый код."),
                       field="code", code="expired")
    if otp.attempts >= max_attempts:
        raise OtpError(_("Попытки ввода кода исчерпаны. Запросите новый код."),
                       field="code", code="attempts_exhausted")
    # Counted against the address before the code is compared; kept only if it is wrong.
    slot = limits.take_guess_slot(ip_block=address_block(ip), now=now)
    counted = OneTimeCode.objects.filter(
        pk=otp.pk, used_at__isnull=True, expires_at__gt=now, attempts__lt=max_attempts
    ).update(attempts=F("attempts") + 1)
    if not counted:
        limits.release_guess_slot(slot)
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

    client = None
    with transaction.atomic():
        claimed = OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now)
        if claimed:
            client, _created = Client.objects.get_or_create(phone=phone)
    limits.release_guess_slot(slot)
    if client is None:  # a parallel request used it a moment ago
        raise OtpError(_("Этот код уже использован. Запросите новый код."),
                       field="code", code="used")
    return client
