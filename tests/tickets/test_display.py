"""Labels and dates as every page shows them (the fast paths must say the same as Django)."""

import datetime as dt
from functools import partialmethod

import pytest
from django.db import models
from django.template.defaultfilters import linebreaksbr as django_linebreaksbr
from django.utils import translation

from supportportal import templating
from tickets.formatting import local_datetime, time_tag
from tickets.models import Message, StatusChange, Ticket

LABELLED = [
    (Ticket, "status"), (Ticket, "criticality"),
    (Message, "author_kind"), (Message, "source"),
    (StatusChange, "from_status"), (StatusChange, "to_status"), (StatusChange, "source"),
]


def django_display(instance, field_name):
    """What Django's own get_FOO_display() would answer."""
    field = instance._meta.get_field(field_name)
    return partialmethod(models.Model._get_FIELD_display, field=field).__get__(instance)()


@pytest.mark.parametrize(("model", "field_name"), LABELLED)
def test_every_label_matches_djangos_own(model, field_name):
    field = model._meta.get_field(field_name)
    for value, _label in field.choices:
        instance = model(**{field_name: value})
        shown = getattr(instance, f"get_{field_name}_display")()
        assert shown == django_display(instance, field_name)
        assert isinstance(shown, str)


def test_label_is_russian_and_an_unknown_value_shows_as_it_is():
    with translation.override("ru"):
        assert Ticket(status="in_progress").get_status_display() == "В работе"
        assert Ticket(criticality="critical").get_criticality_display() == "Критическая"
    assert Ticket(status="archived").get_status_display() == "archived"


def test_local_datetime_is_in_the_portals_time_zone(settings):
    moment = dt.datetime(2026, 11, 27, 21, 5, tzinfo=dt.UTC)
    settings.TIME_ZONE = "Europe/Moscow"
    assert local_datetime(moment) == "28.11.2026 00:05"
    settings.TIME_ZONE = "Asia/Yekaterinburg"
    assert local_datetime(moment) == "28.11.2026 02:05"


def test_time_tag_renders_a_machine_and_a_human_time(settings):
    moment = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    settings.TIME_ZONE = "Europe/Moscow"
    assert time_tag(moment) == (
        '<time datetime="2026-01-02T06:04:00+03:00">02.01.2026 06:04</time>')
    assert time_tag(moment, "muted") == (
        '<time class="muted" datetime="2026-01-02T06:04:00+03:00">02.01.2026 06:04</time>')
    assert time_tag(None) == ""


@pytest.mark.parametrize("text", [
    "одна строка", "две\nстроки", "windows\r\nи mac\rпереносы\n", "<b>не тег</b> & \"кавычки\"", "",
])
def test_linebreaksbr_for_jinja_says_what_djangos_filter_says(text):
    ours = str(templating.linebreaksbr(text))
    djangos = str(django_linebreaksbr(text))
    # Both escape; they only spell a quote differently (&#34; / &quot;).
    assert ours.replace("&#34;", "&quot;").replace("&#39;", "&#x27;") == djangos
