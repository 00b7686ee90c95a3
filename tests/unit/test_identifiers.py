"""The patient-identifier check: common shapes are flagged, ordinary clinical reflections are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.identifiers import find_identifiers


@pytest.mark.parametrize(
    "text, kind",
    [
        ("MRN 12345678 cried when I explained", "a record number"),
        ("hospital number: A1234567", "a record number"),
        ("NHS 943 476 5919", "a record number"),
        ("DOB 12/03/1984", "a date of birth"),
        ("born 1984-03-12", "a date of birth"),
        ("her daughter called from 555-123-4567", "a phone number"),
        ("+44 20 7946 0958", "a phone number"),
        ("wrote to me at jo.smith@example.com", "an e-mail address"),
        ("ref 98765432", "a long number"),
    ],
)
def test_identifier_shapes_are_flagged(text, kind):
    assert kind in find_identifiers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Felt heard today, she has 3 kids at home",
        "Gave 2 units at 14:30, 10 mg of morphine",
        "Room 12, bed 3 — long family meeting",
        "Age 45, 2 hours late, 1 of 4 visits",
        "",
        None,
    ],
)
def test_ordinary_reflections_pass(text):
    assert find_identifiers(text) == []


@given(st.from_regex(r"\A[A-Za-z ,.!?']{0,200}\Z"))
def test_text_without_digits_or_at_signs_is_never_flagged(text):
    assert find_identifiers(text) == []


@given(st.integers(min_value=10**7, max_value=10**12))
def test_any_long_number_is_flagged(number):
    assert find_identifiers(f"patient {number} again") != []
