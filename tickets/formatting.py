"""Dates as the portal shows them: the portal's time zone, ``27.11.2026 21:10``.

The portal's time zone is ``settings.TIME_ZONE``; nobody activates another, so
these read it directly (cached) instead of the per-request current time zone,
a context-local lookup paid for every row of a page.
"""

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

DATETIME_FORMAT = "%d.%m.%Y %H:%M"


def local_datetime(value) -> str:
    """Day and time in the portal's time zone; strftime, not the ``date`` filter,
    which costs ten times more and runs for every row of a page."""
    return value.astimezone(timezone.get_default_timezone()).strftime(DATETIME_FORMAT)


def local_time(value) -> str:
    """Hours and minutes in the portal's time zone, ``21:10``: when to try again."""
    return value.astimezone(timezone.get_default_timezone()).strftime("%H:%M")


def time_tag(value, css_class=""):
    """``<time datetime="2026-11-27T21:10:00+03:00">27.11.2026 21:10</time>``, local time."""
    if value is None:
        return ""
    local = value.astimezone(timezone.get_default_timezone())
    attrs = f' class="{escape(css_class)}"' if css_class else ""
    # Digits and punctuation only: nothing to escape (and it runs for every row).
    return SafeString(f'<time{attrs} datetime="{local.isoformat()}">'
                      f'{local.strftime(DATETIME_FORMAT)}</time>')


MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")


def day_and_time(value, *, now=None) -> str:
    """``9 декабря, 10:00`` in the portal's time zone (with the year when it is not this one):
    how a person says when, in «Ответим до …»."""
    tz = timezone.get_default_timezone()
    local = value.astimezone(tz)
    year = "" if local.year == (now or timezone.now()).astimezone(tz).year else f" {local.year}"
    return f"{local.day} {MONTHS_GENITIVE[local.month - 1]}{year}, {local:%H:%M}"
