"""Phone numbers: every notation of one number has one canonical form; others never match."""

import importlib
import random
import re

import pytest
from django.core.exceptions import ValidationError

from orders.phone import PHONE_PATTERN, canonical_phone, canonical_phone_or_none

BAD_CHARACTERS = (
    "Phone may contain only digits, spaces, hyphens, dots, parentheses and one leading +"
)
NATIONAL = (
    "Phone is not a valid Pakistani number: for a number from another country, add the "
    "country code (+44 7911 123456)"
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
        "3001234567",  # without the trunk 0
    ],
)
def test_notations_of_one_pakistani_number_are_one_number(notation):
    assert canonical_phone(notation) == "923001234567"


@pytest.mark.parametrize(
    ("notation", "canonical"),
    [
        ("+1-555-123-4567", "15551234567"),  # the contract's example
        ("+1-415-555-2671", "14155552671"),
        ("+44 7911 123456", "447911123456"),
        ("0044 7911 123456", "447911123456"),
        ("+1 713 612 3456", "17136123456"),
        ("03211234567", "923211234567"),
        ("021 3587 1234", "922135871234"),  # a Karachi landline
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
        ("0012345678", "Phone must be 10-15 digits"),  # 8 digits after the 00 prefix
        ("0123456789012345", "Phone must be 10-15 digits"),
        ("", BAD_CHARACTERS),
        ("0300-CALL-NOW", BAD_CHARACTERS),
        ("92+3001234567", BAD_CHARACTERS),
        ("++923001234567", BAD_CHARACTERS),
        ("0300/1234567", BAD_CHARACTERS),
        ("+03001234567", "Phone is not a valid phone number"),  # no country code starts with 0
        ("+44 12", "Phone must be 10-15 digits"),
        ("+1 300 123 456789", "Phone is not a valid phone number"),  # too long for +1
        ("07911 123456", NATIONAL),  # a UK mobile typed nationally: not Pakistani
        ("03001234567890", NATIONAL),
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


def test_the_schema_pattern_accepts_every_number_the_api_accepts():
    """The OpenAPI pattern of the phone fields (ASCII digits, at most 32 characters once
    trimmed, as the fields take) says how a number may be written; whether it is a
    number in use, only the API knows (a 422)."""
    accepted = 0
    for notation in ascii_notations(20_000):
        if canonical_phone_or_none(notation) is not None and len(notation.strip()) <= 32:
            accepted += 1
            assert re.search(PHONE_PATTERN, notation), notation
    assert accepted > 50  # the sample holds valid numbers too


def test_a_notation_the_schema_pattern_refuses_is_refused_by_the_api():
    for notation in ascii_notations(20_000):
        # Longer than the fields take: refused by the field before it gets here.
        if len(notation.strip()) <= 32 and not re.search(PHONE_PATTERN, notation):
            assert canonical_phone_or_none(notation) is None, notation


@pytest.mark.django_db
def test_the_data_migration_renormalizes_stored_phones():
    from django.apps import apps

    from orders.models import Order
    from orders.tests.factories import OrderFactory

    migration = importlib.import_module("orders.migrations.0010_renormalize_phones")
    rows = {
        # phone as typed: (digits stored by the old rules, digits expected now)
        "07911 123456": ("927911123456", "927911123456"),  # not Pakistani: kept as it was
        "+44 7911 123456": ("447911123456", "447911123456"),
        "3001234567": ("3001234567", "923001234567"),  # the old rules kept it bare
        "۰۳۲۱-۱۲۳۴۵۶۷": ("923211234567", "923211234567"),
    }
    orders = {
        typed: OrderFactory(phone=typed, phone_digits=stored)
        for typed, (stored, _expected) in rows.items()
    }

    migration.renormalize_phones(apps, None)

    for typed, (_stored, expected) in rows.items():
        assert Order.objects.get(pk=orders[typed].pk).phone_digits == expected, typed
