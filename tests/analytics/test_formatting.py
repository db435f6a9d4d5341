"""Durations and ratings in human Russian, as the dashboard and the command print them."""

import pytest

from analytics.formatting import duration_ru, number_ru


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 с"),
    (59, "59 с"),
    (60, "1 мин"),
    (8100, "2 ч 15 мин"),
    (7200, "2 ч"),
    (90000, "1 д 1 ч"),
    (86400, "1 д"),
    (260.0, "4 мин"),
    (59.4, "59 с"),
])
def test_duration_ru_reads_as_russian_units(seconds, text):
    assert duration_ru(seconds) == text


def test_duration_ru_of_none_is_a_dash():
    assert duration_ru(None) == "—"


@pytest.mark.parametrize(("value", "text"), [(3.67, "3,7"), (4.5, "4,5"), (5, "5,0")])
def test_number_ru_uses_a_decimal_comma(value, text):
    assert number_ru(value) == text


def test_number_ru_of_none_is_a_dash():
    assert number_ru(None) == "—"
