"""Dates as the portal shows them: the portal's time zone, ``27.11.2026 21:10``.

The portal's time zone is ``settings.TIME_ZONE``; nobody activates another, so
these read it directly (cached) instead of the per-request current time zone,
a context-local lookup paid for every row of a page.
"""

import html
from datetime import timedelta
from functools import cache

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

DATETIME_FORMAT = "%d.%m.%Y %H:%M"
# Russian names of the zones a Russian client meets; any other shows as its offset.
ZONE_NAMES = {"MSK": "МСК"}


def local_datetime(value) -> str:
    """Day and time in the portal's time zone; strftime, not the ``date`` filter,
    which costs ten times more and runs for every row of a page."""
    return value.astimezone(timezone.get_default_timezone()).strftime(DATETIME_FORMAT)


def local_time(value) -> str:
    """Hours and minutes in the portal's time zone, ``21:10``: when to try again."""
    return value.astimezone(timezone.get_default_timezone()).strftime("%H:%M")


@cache
def zone_label() -> str:
    """The portal's zone as a client reads it next to a time: «МСК», else «UTC+5».
    Clients sit in eleven zones; a bare 14:00 would be read as their own."""
    now = timezone.now().astimezone(timezone.get_default_timezone())
    name = now.tzname() or ""
    if name in ZONE_NAMES:
        return gettext(ZONE_NAMES[name])
    offset = now.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if not hours and not rest:
        return "UTC"
    return f"UTC{hours:+d}" + (f":{rest // 60:02d}" if rest else "")


def time_tag(value, css_class="", *, zone=False):
    """``<time datetime="2026-11-27T21:10:00+03:00">27.11.2026 21:10</time>``, local time;
    ``zone=True`` adds the zone («27.11.2026 21:10 МСК»)."""
    if value is None:
        return ""
    local = value.astimezone(timezone.get_default_timezone())
    attrs = f' class="{escape(css_class)}"' if css_class else ""
    text = local.strftime(DATETIME_FORMAT) + (f" {zone_label()}" if zone else "")
    # Digits and punctuation only: nothing to escape (and it runs for every row).
    return SafeString(f'<time{attrs} datetime="{local.isoformat()}">{text}</time>')


MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                   "августа", "сентября", "октября", "ноября", "декабря"]
MONTHS_SHORT = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт",
                "ноя", "дек"]


def day_month(value) -> str:
    """``6 декабря``: a date (or a datetime, in the portal's zone) in Russian."""
    if hasattr(value, "astimezone") and hasattr(value, "hour"):
        value = value.astimezone(timezone.get_default_timezone())
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]}"


def short_datetime(value, now=None) -> str:
    """What a queue row has room for: ``сегодня 14:05``, ``вчера 09:12``, ``5 дек 14:05``
    (``5 дек 2025`` for another year)."""
    zone = timezone.get_default_timezone()
    local = value.astimezone(zone)
    today = (now or timezone.now()).astimezone(zone).date()
    days = (today - local.date()).days
    if days == 0:
        return f"сегодня {local:%H:%M}"
    if days == 1:
        return f"вчера {local:%H:%M}"
    month = MONTHS_SHORT[local.month - 1]
    if local.year != today.year:
        return f"{local.day} {month} {local.year}"
    return f"{local.day} {month} {local:%H:%M}"


def duration_short(seconds) -> str:
    """A time left or overdue, as short as a queue cell needs: ``35 мин``, ``1 ч 20 мин``,
    ``14 ч``, ``3 дн``."""
    minutes = max(1, int(abs(seconds) // 60))
    if minutes < 60:
        return f"{minutes} мин"
    hours, minutes = divmod(minutes, 60)
    if hours < 10:
        return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"
    if hours < 48:
        return f"{hours} ч"
    return f"{hours // 24} дн"


def when_text(value, now=None) -> str:
    """A moment ahead, as a client plans by it: «сегодня до 15:00 МСК», «завтра до 11:00
    МСК», «9 декабря до 10:00 МСК» (with the year when it is not this one). Every due
    time the client reads (the card, the notice after filing) is said this way."""
    tz = timezone.get_default_timezone()
    local = value.astimezone(tz)
    today = (now or timezone.now()).astimezone(tz).date()
    clock = f"{local.strftime('%H:%M')} {zone_label()}"
    if local.date() == today:
        return gettext("сегодня до %(time)s") % {"time": clock}
    if local.date() == today + timedelta(days=1):
        return gettext("завтра до %(time)s") % {"time": clock}
    date = day_month(local) + ("" if local.year == today.year else f" {local.year}")
    return gettext("%(date)s до %(time)s") % {"date": date, "time": clock}


def time_ago(value, now=None) -> str:
    """«только что», «5 минут назад», «3 часа назад», «вчера в 14:05», «3 дня назад»;
    a week and older, the date. Russian plural forms come from the catalog (ngettext)."""
    tz = timezone.get_default_timezone()
    now = (now or timezone.now()).astimezone(tz)
    local = value.astimezone(tz)
    seconds = (now - local).total_seconds()
    if seconds < 60:
        return gettext("только что")
    if seconds < 3600:
        n = int(seconds // 60)
        return ngettext("%(n)s минуту назад", "%(n)s минут назад", n) % {"n": n}
    days = (now.date() - local.date()).days
    if days == 0:
        n = int(seconds // 3600)
        return ngettext("%(n)s час назад", "%(n)s часов назад", n) % {"n": n}
    if days == 1:
        return gettext("вчера в %(time)s") % {"time": local.strftime("%H:%M")}
    if days < 7:
        return ngettext("%(n)s день назад", "%(n)s дней назад", days) % {"n": days}
    return local.strftime("%d.%m.%Y")


def ago_tag(value, css_class="", now=None):
    """``<time datetime="…" title="27.11.2026 21:10 МСК">5 минут назад</time>``: the
    relative time to read at a glance, the exact one on hover and for machines. It runs
    for every message of a card: the title (digits and the zone) needs no escaping, and
    the words are escaped by the standard library's ``html.escape``, not the lazy-aware
    ``django.utils.html.escape`` (twice its cost)."""
    if value is None:
        return ""
    local = value.astimezone(timezone.get_default_timezone())
    attrs = f' class="{html.escape(css_class)}"' if css_class else ""
    return SafeString(f'<time{attrs} datetime="{local.isoformat()}" '
                      f'title="{local.strftime(DATETIME_FORMAT)} {zone_label()}">'
                      f"{html.escape(time_ago(value, now))}</time>")
