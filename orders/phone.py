"""Phone numbers as customers type them, and the one canonical form they are matched on.

Customers write the same number many ways (`03001234567`, `+92 300 1234567`,
`0300-1234567`, `923001234567`, `00923001234567`). Tracking and staff search compare
the canonical form: the full international number as digits only, country code first
(`923001234567`). Pakistan (+92) is the store's home country, so a number starting
with a single `0` is a Pakistani national number, and `00` is the international
dialling prefix.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

HOME_COUNTRY_CODE = "92"
MIN_DIGITS = 10
MAX_DIGITS = 15

# Digits with spaces, hyphens, dots and parentheses between them, optionally after one `+`.
_NOTATION = re.compile(r"\+?[0-9\s().-]+", re.ASCII)
_NOT_DIGIT = re.compile(r"[^0-9]")

LENGTH_MESSAGE = f"Phone must be {MIN_DIGITS}-{MAX_DIGITS} digits"


_SEPARATORS = r"[\s().-]*"
PHONE_PATTERN = (
    r"^\s*(?=[^\s\x00](?:[^\x00]{0,30}[^\s\x00])?\s*$)(?:"
    rf"\+{_SEPARATORS}[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{9,14}}"
    rf"|{_SEPARATORS}(?:0{_SEPARATORS}0{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{10,13}}"
    rf"|0{_SEPARATORS}[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{8,12}}"
    rf"|[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{9,14}}))$"
)
"""`canonical_phone`'s rules as a regular expression, for the OpenAPI schema (ASCII digits
only; at most 32 characters once trimmed, as the API's phone fields): `+` and a country
code not starting with 0, then 10-15 digits in all; or `00` and 10-13 more digits; or a
national `0` and 9-13 more; or 10-15 digits."""


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit in ASCII: Urdu and Arabic keyboards type `۰۳۰۰`."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def digits_only(text: str) -> str:
    """The ASCII digits of `text`, in order (`+92 (300)` -> `92300`)."""
    return _NOT_DIGIT.sub("", ascii_digits(text))


def canonical_phone(value: str) -> str:
    """The international digits of `value` (`923001234567`), or a `ValidationError` saying why not.

    `value` must be 10-15 digits made of digits, spaces, hyphens, dots, parentheses
    and one leading `+`.
    """
    text = ascii_digits(value).strip()
    if not _NOTATION.fullmatch(text):
        raise ValidationError(
            "Phone may contain only digits, spaces, hyphens, dots, parentheses and one leading +",
            code="invalid",
        )
    digits = digits_only(text)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValidationError(LENGTH_MESSAGE, code="invalid")

    if text.startswith("+"):
        if digits.startswith("0"):
            raise ValidationError("A country code cannot start with 0", code="invalid")
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        international = HOME_COUNTRY_CODE + digits[1:]
    else:
        international = digits

    if not MIN_DIGITS <= len(international) <= MAX_DIGITS:
        raise ValidationError(LENGTH_MESSAGE, code="invalid")
    return international


def canonical_phone_or_none(value: str) -> str | None:
    """`canonical_phone(value)`, or None when `value` is not a valid phone number (for lookups)."""
    try:
        return canonical_phone(value)
    except ValidationError:
        return None
