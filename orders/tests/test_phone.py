"""Phone numbers: every notation of one number has one canonical form; others never match."""

import random
import re

import pytest
from django.core.exceptions import ValidationError

from orders.phone import PHONE_PATTERN, canonical_phone, canonical_phone_or_none

BAD_CHARACTERS = (
    "Phone may contain only digits, spaces, hyphens, dots, parentheses and one leading +"
)


@pytest.mark.parametrize(
    "notation",
    [
        "03001234567",
        "+92 300 1234567",
        "0300-1234567",
        "923001234567",
        "00923001234567",
        "+923001234567",
        "(0300) 123.4567",
        "  0300 123 4567  ",
        "0092-300-1234567",
        "۰۳۰۰-۱۲۳۴۵۶۷",  # Urdu (Extended Arabic-Indic) digits
        "٠٣٠٠١٢٣٤٥٦٧",  # Arabic-Indic digits
    ],
)
def test_notations_of_one_pakistani_number_are_one_number(notation):
    assert canonical_phone(notation) == "923001234567"


@pytest.mark.parametrize(
    ("notation", "canonical"),
    [
        ("+1-555-123-4567", "15551234567"),
        ("+44 7911 123456", "447911123456"),
        ("0044 7911 123456", "447911123456"),
        ("3001234567", "3001234567"),
        ("+1 300 123 4567", "13001234567"),
        ("03211234567", "923211234567"),
    ],
)
def test_other_numbers_keep_their_own_digits(notation, canonical):
    assert canonical_phone(notation) == canonical
    assert canonical != "923001234567"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("030012345", "Phone must be 10-15 digits"),
        ("+92 300 123456789012", "Phone must be 10-15 digits"),
        ("0012345678", "Phone must be 10-15 digits"),  # 8 digits once the 00 prefix is dropped
        ("0123456789012345", "Phone must be 10-15 digits"),
        ("", BAD_CHARACTERS),
        ("0300-CALL-NOW", BAD_CHARACTERS),
        ("92+3001234567", BAD_CHARACTERS),
        ("++923001234567", BAD_CHARACTERS),
        ("0300/1234567", BAD_CHARACTERS),
        ("+03001234567", "A country code cannot start with 0"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(value, message):
    with pytest.raises(ValidationError) as raised:
        canonical_phone(value)
    assert raised.value.messages == [message]
    assert canonical_phone_or_none(value) is None


def ascii_notations(count: int) -> list[str]:
    """`count` strings of digits and phone punctuation, valid or not (the same each run)."""
    rng = random.Random(20261121)
    notations = []
    for _ in range(count):
        text = "".join(
            rng.choice("0123456789" if rng.random() < 0.6 else " ()-.+\t")
            for _ in range(rng.randint(8, 36))
        )
        notations.append(rng.choice(["", "+", " ", "00", "0"]) + text + rng.choice(["", " "]))
    return notations


def test_the_schema_pattern_accepts_exactly_the_numbers_the_api_accepts():
    """The OpenAPI pattern of the phone fields (ASCII digits, at most 32 characters once
    trimmed, as the fields take) says what `canonical_phone` says."""
    for notation in ascii_notations(20_000):
        accepted = canonical_phone_or_none(notation) is not None and len(notation.strip()) <= 32
        assert bool(re.search(PHONE_PATTERN, notation)) == accepted, notation
