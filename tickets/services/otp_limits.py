"""The abuse limits of one-time codes, counted in the database.

Sending: the resend cooldown per phone and browser session, hourly caps per
phone, per address (an IPv6 /64 counts as one address) and for the whole
portal (``OTP_GLOBAL_HOURLY_LIMIT``: an SMS-pumping run costs a bounded sum),
and the countries SMS go to. Guessing: wrong codes per address per hour, on
top of the tries each code allows. Each refusal says when to try again.
"""

from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from ..formatting import local_time
from ..models import OneTimeCode, WrongCodeGuess

HOUR = timedelta(hours=1)

# Genitive, for «на номера России, Казахстана и Беларуси»; other codes show as they are.
REGION_NAMES = {
    "RU": "России", "KZ": "Казахстана", "BY": "Беларуси", "AM": "Армении",
    "KG": "Киргизии", "UZ": "Узбекистана", "TJ": "Таджикистана", "AZ": "Азербайджана",
    "GE": "Грузии", "MD": "Молдовы", "UA": "Украины",
}


class OtpError(ValidationError):
    """A refusal the login form shows next to the field it concerns."""

    def __init__(self, message, *, field, code, retry_after=None):
        super().__init__({field: [message]}, code=code)
        self.field = field
        self.error_code = code
        self.retry_after = retry_after


def wait_text(seconds: float) -> str:
    # Abbreviated units read naturally with any number (no plural forms).
    seconds = max(1, int(seconds + 0.999))
    if seconds < 60:
        return _("%(n)d с") % {"n": seconds}
    return _("%(n)d мин") % {"n": -(-seconds // 60)}


def _refuse_until(message, *, free_at, now, field, code):
    """Refuse, saying exactly when it works again: «в 14:35 (через 23 мин)»."""
    wait = max((free_at - now).total_seconds(), 1)
    raise OtpError(message % {"at": local_time(free_at), "wait": wait_text(wait)},
                   field=field, code=code, retry_after=int(wait) + 1)


def check_region(phone: str) -> None:
    allowed = [code.upper() for code in settings.OTP_ALLOWED_REGIONS]
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        region = None  # not a number at all: refused like a foreign one, never a 500
    if region in allowed:
        return
    names = [REGION_NAMES.get(code, code) for code in allowed]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {_('и')} {names[-1]}"
    raise OtpError(_("Коды по SMS отправляем только на номера %(countries)s.")
                   % {"countries": listed}, field="phone", code="region")


def lock_for_send() -> None:
    """Serialise code issuing, so concurrent requests cannot both pass a limit.
    SQLite already serialises writers (the transaction is IMMEDIATE); PostgreSQL
    takes one transaction-scoped advisory lock. Codes are issued a few hundred
    times an hour at most, each holding the lock for a few queries (the SMS goes
    out after commit), so one lock for all costs nothing and keeps the global
    budget exact."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tickets.otp-send'))")


def check_send_limits(*, phone: str, owner_hash: str, ip_block: str, now) -> None:
    """Raise ``OtpError`` if a code for ``phone`` may not be sent now."""
    hour_ago = now - HOUR
    recent = OneTimeCode.objects.filter(phone=phone, created_at__gt=hour_ago)
    # The cooldown stops a double tap in one browser; another browser's code (a
    # stranger typing the number) does not hold the client back. A failed send
    # does not hold anyone back, but counts toward the hourly caps: a timed-out
    # SMS may still arrive.
    last = (recent.filter(owner_hash=owner_hash, send_failed=False)
            .order_by("-created_at").first())
    if last is not None:
        wait = last.created_at + timedelta(seconds=settings.OTP_RESEND_SECONDS) - now
        if wait.total_seconds() > 0:
            raise OtpError(
                _("Код уже отправлен. Запросить новый можно через %(wait)s.")
                % {"wait": wait_text(wait.total_seconds())},
                field="phone", code="cooldown", retry_after=int(wait.total_seconds()) + 1,
            )
    caps = [
        (recent, settings.OTP_PHONE_HOURLY_LIMIT, "phone_limit",
         _("Слишком много кодов для этого номера. "
           "Новый код можно запросить в %(at)s (через %(wait)s).")),
        (OneTimeCode.objects.filter(ip_block=ip_block, created_at__gt=hour_ago)
         if ip_block else None, settings.OTP_IP_HOURLY_LIMIT, "ip_limit",
         _("Слишком много запросов кода с вашего адреса. "
           "Новый код можно запросить в %(at)s (через %(wait)s).")),
        (OneTimeCode.objects.filter(created_at__gt=hour_ago), settings.OTP_GLOBAL_HOURLY_LIMIT,
         "global_limit",
         _("Сейчас мы не можем отправить SMS: слишком много запросов кода. "
           "Попробуйте в %(at)s (через %(wait)s).")),
    ]
    for rows, limit, code, message in caps:
        if rows is None:
            continue
        # The oldest code that still counts frees a place an hour after it was made.
        times = list(rows.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            _refuse_until(message, free_at=times[-1] + HOUR, now=now, field="phone", code=code)


def take_guess_slot(*, ip_block: str, now) -> int | None:
    """Count a code about to be checked against the address's hourly budget of
    wrong guesses. The row is written first and the rows counted after, so
    parallel requests cannot all slip under the limit. Returns the row's id:
    ``release_guess_slot`` it when the code was right or the try was refused."""
    if not ip_block:
        return None
    WrongCodeGuess.objects.filter(created_at__lte=now - HOUR).delete()  # stale rows
    slot = WrongCodeGuess.objects.create(ip_block=ip_block, created_at=now)
    window = WrongCodeGuess.objects.filter(ip_block=ip_block, created_at__gt=now - HOUR)
    limit = settings.OTP_IP_FAILED_HOURLY_LIMIT
    times = list(window.exclude(pk=slot.pk).order_by("-created_at", "-pk")
                 .values_list("created_at", flat=True)[:limit])
    if len(times) >= limit:
        slot.delete()
        _refuse_until(_("Слишком много неверных кодов с вашего адреса. "
                        "Попробуйте в %(at)s (через %(wait)s)."),
                      free_at=times[-1] + HOUR, now=now, field="code", code="ip_guess_limit")
    return slot.pk


def release_guess_slot(slot: int | None) -> None:
    if slot is not None:
        WrongCodeGuess.objects.filter(pk=slot).delete()
