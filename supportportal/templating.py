"""Jinja2 for the client pages and error pages; Django's admin keeps Django templates.

Why: the client pages render lists (twenty tickets, a dialog of thirty messages);
Jinja2 renders them several times faster (figures in bench/README.md). Jinja2 reads
``templates/jinja2/``; Django's engine reads ``templates/admin/`` (the admin's).
"""

from functools import lru_cache

import jinja2
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.defaultfilters import linebreaks_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, ngettext
from markupsafe import Markup, escape

from tickets.formatting import ago_tag, time_tag, zone_label


def url(name, *args, **kwargs):
    if args or kwargs:
        return reverse(name, args=args, kwargs=kwargs)
    # Every client page names the same few URLs without arguments (the header's links,
    # «Новая заявка»): each is reversed once per prefix, urlconf and language.
    return _reverse_plain(name, get_script_prefix(), get_urlconf(), get_language())


@lru_cache(maxsize=128)
def _reverse_plain(name, prefix, urlconf, language):
    return reverse(name, urlconf=urlconf)


def linebreaksbr(value):
    """Django's ``linebreaksbr`` (escape, then ``<br>`` for every line break) at a
    fraction of its cost: it runs once per message of a dialog."""
    text = str(escape(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))


class Company:
    """The company the client pages speak for, read from settings at each use (each
    empty value is simply not shown)."""

    name = property(lambda self: settings.PORTAL_COMPANY_NAME)
    phone = property(lambda self: settings.PORTAL_SUPPORT_PHONE)
    privacy_url = property(lambda self: settings.PORTAL_PRIVACY_URL)

    @property
    def phone_href(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


def environment(**options):
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = jinja2.Environment(**options)  # noqa: S701  Django's backend turns autoescape on
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update({"url": url, "static": staticfiles_storage.url, "time_tag": time_tag,
                        "ago_tag": ago_tag, "zone_label": zone_label, "company": Company()})
    env.filters.update({"linebreaks": linebreaks_filter, "linebreaksbr": linebreaksbr})
    return env
