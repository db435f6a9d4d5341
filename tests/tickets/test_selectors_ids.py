"""An id written as text: the one rule the admin filters, Bitrix events and forms share."""

import pytest

from tickets.selectors import MAX_ID, id_from_text


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" 7 ", 7), (42, 42), (str(MAX_ID), MAX_ID),
    ("²", None), ("٣", None), ("9" * 25, None), (str(MAX_ID + 1), None), ("0", None),
    ("-1", None), ("1.5", None), ("", None), (None, None), ("abc", None),
])
def test_only_ascii_digits_that_fit_a_bigint_id_are_an_id(value, expected):
    assert id_from_text(value) == expected
