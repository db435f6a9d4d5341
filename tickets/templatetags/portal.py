"""Template helpers for the client pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from ..formatting import DATETIME_FORMAT

register = template.Library()


@register.simple_tag
def time_tag(value, css_class=""):
    """``<time datetime="2026-11-27T21:10:00+03:00">27.11.2026 21:10</time>``, local time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    attrs = format_html(' class="{}"', css_class) if css_class else ""
    return format_html('<time{} datetime="{}">{}</time>',
                       attrs, local.isoformat(), local.strftime(DATETIME_FORMAT))
