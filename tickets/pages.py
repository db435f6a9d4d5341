"""What the client pages say beyond a form's fields: the words around the data.

Kept out of the views (which stay thin) and out of the services (no rule lives
here: only how a fact is told to a client).
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import when_text, zone_label
from .services.otp import CODE_DIGITS

# A description longer than this folds after its first lines on the card.
DESCRIPTION_FOLD_CHARS = 320
DESCRIPTION_FOLD_LINES = 5


def code_facts() -> str:
    """«6 цифр, действует 5 минут», from the OTP settings."""
    digits = ngettext("%(n)s цифра", "%(n)s цифр", CODE_DIGITS) % {"n": CODE_DIGITS}
    ttl = settings.OTP_TTL_SECONDS
    if ttl % 60:
        valid = ngettext("%(n)s секунду", "%(n)s секунд", ttl) % {"n": ttl}
    else:
        valid = ngettext("%(n)s минуту", "%(n)s минут", ttl // 60) % {"n": ttl // 60}
    return _("%(digits)s, действует %(valid)s") % {"digits": digits, "valid": valid}


def filing_notice(ticket) -> str:
    """What happens after the client filed a ticket, and when."""
    first = _("Заявка #%(id)s принята, её получил отдел «%(department)s».") % {
        "id": ticket.pk, "department": ticket.department.name}
    if ticket.first_response_due_at:
        then = _("Ответим %(when)s — здесь, в карточке заявки.") % {
            "when": when_text(ticket.first_response_due_at)}
    else:
        then = _("Менеджер ответит здесь, в карточке заявки, в рабочее время; "
                 "заявка с новым ответом поднимется в начало списка.")
    return f"{first} {then}"


def description_parts(text: str) -> tuple[str, str]:
    """A long description as (first lines, the rest) for a fold that needs no
    JavaScript; a short one stays whole: (text, "")."""
    lines = text.splitlines()
    if len(text) <= DESCRIPTION_FOLD_CHARS and len(lines) <= DESCRIPTION_FOLD_LINES:
        return text, ""
    head = "\n".join(lines[:DESCRIPTION_FOLD_LINES])
    if len(head) > DESCRIPTION_FOLD_CHARS:
        cut = head.rfind(" ", 0, DESCRIPTION_FOLD_CHARS)
        head = head[:cut if cut > DESCRIPTION_FOLD_CHARS // 2 else DESCRIPTION_FOLD_CHARS]
    return head, text[len(head):].lstrip(" ")


def resend_wait_seconds(resend_at: float | None, now=None) -> int:
    """Seconds until a new code may be asked for (0: now)."""
    if not resend_at:
        return 0
    now = (now or timezone.now()).timestamp()
    return max(0, int(resend_at - now + 0.999))


def clock_text(timestamp: float) -> str:
    """A Unix time as a client's clock reads it, to the second: «13:45:30 МСК»."""
    moment = datetime.fromtimestamp(timestamp, tz=timezone.get_default_timezone())
    return f"{moment.strftime('%H:%M:%S')} {zone_label()}"
