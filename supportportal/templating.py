"""Jinja2 for the client pages and error pages; Django's admin keeps Django templates.

Why: the client pages render lists (twenty tickets, a dialog of thirty
messages), and Django's template language spent most of each request there.
Jinja2 compiles a template to Python once; the same page renders several times
faster (bench/page_throughput.py). Both engines read ``templates/``: Jinja2 is
listed first and skips ``admin/``, which belongs to Django's admin.
"""

import jinja2
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from markupsafe import Markup, escape

from tickets.formatting import time_tag


class ClientTemplatesLoader(jinja2.FileSystemLoader):
    """``templates/`` without ``admin/`` (those are Django templates for the admin)."""

    def get_source(self, environment, template):
        if template.startswith("admin/"):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)

    def list_templates(self):
        return [name for name in super().list_templates() if not name.startswith("admin/")]


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def linebreaksbr(value):
    """Django's ``linebreaksbr`` (escape, then ``<br>`` for every line break) at a
    fraction of its cost: it runs once per message of a dialog."""
    text = str(escape(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))


def environment(**options):
    options["loader"] = ClientTemplatesLoader(options["loader"].searchpath)
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = jinja2.Environment(**options)  # noqa: S701  Django's backend turns autoescape on
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update({"url": url, "static": staticfiles_storage.url, "time_tag": time_tag})
    env.filters.update({"linebreaks": linebreaks_filter, "linebreaksbr": linebreaksbr})
    return env
