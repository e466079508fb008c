"""Phone numbers as customers type them, and the one canonical form they are matched on.

Customers write the same number many ways (`03001234567`, `+92 300 1234567`,
`0300-1234567`, `923001234567`, `00923001234567`, in Urdu digits too). Tracking and
staff search compare the canonical form: the E.164 number as digits, country code
first (`923001234567`). The numbering rules are Google's libphonenumber's
(`phonenumbers`), with Pakistan as the home region: a number with `+` or `00` is read
in the country it names, one without is read as Pakistani, and one that is not a
valid Pakistani number is refused with a request for its country code (a UK mobile typed nationally, `07911 123456`, is not
quietly turned into a wrong Pakistani one).
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

HOME_REGION = "PK"
MIN_DIGITS = 10
MAX_DIGITS = 15

# Digits with spaces, hyphens, dots and parentheses between them, optionally after one `+`.
_NOTATION = re.compile(r"\+?[0-9\s().-]+", re.ASCII)
_NOT_DIGIT = re.compile(r"[^0-9]")

LENGTH_MESSAGE = f"Phone must be {MIN_DIGITS}-{MAX_DIGITS} digits"
INVALID_MESSAGE = "Phone is not a valid phone number"
NATIONAL_MESSAGE = (
    "Phone is not a valid Pakistani number: for a number from another country, add the "
    "country code (+44 7911 123456)"
)


_SEPARATORS = r"[\s().-]*"
PHONE_PATTERN = (
    r"^\s*(?=[^\s\x00](?:[^\x00]{0,30}[^\s\x00])?\s*$)(?:"
    rf"\+{_SEPARATORS}[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{9,14}}"
    rf"|{_SEPARATORS}(?:0{_SEPARATORS}0{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{10,13}}"
    rf"|0{_SEPARATORS}[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{8,12}}"
    rf"|[1-9]{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{9,14}}))$"
)
"""How `canonical_phone` lets a number be written, as a regular expression for the OpenAPI
schema (ASCII digits only; at most 32 characters once trimmed, as the API's phone
fields): `+` and a country code not starting with 0, then 10-15 digits in all; or `00`
and 10-13 more digits; or a national `0` and 9-13 more; or 10-15 digits. Whether the
number is one in use is for the numbering plans (`phonenumbers`): the API's 422."""


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit in ASCII: Urdu and Arabic keyboards type `۰۳۰۰`."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def digits_only(text: str) -> str:
    """The ASCII digits of `text`, in order (`+92 (300)` -> `92300`)."""
    return _NOT_DIGIT.sub("", ascii_digits(text))


@lru_cache(maxsize=4096)  # pure, and asked twice per tracking lookup (throttle, then query)
def canonical_phone(value: str) -> str:
    """The E.164 digits of `value` (`923001234567`), or a `ValidationError` saying why not.

    `value` must be 10-15 digits made of digits, spaces, hyphens, dots, parentheses
    and one leading `+`: with `+` or `00`, a number of a length its country uses;
    without, a valid Pakistani number.
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
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        # The international dialling prefix: what follows is a country code and number.
        digits = digits[2:]
        if len(digits) < MIN_DIGITS:
            raise ValidationError(LENGTH_MESSAGE, code="invalid")
    try:
        number = phonenumbers.parse(f"+{digits}" if international else text, HOME_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID_MESSAGE, code="invalid") from error
    if international:
        # Another country's plan may be newer than the library's: a number of a length
        # that country uses is taken (the contract's `+1-555-123-4567` among them).
        if not phonenumbers.is_possible_number(number):
            raise ValidationError(INVALID_MESSAGE, code="invalid")
    elif not phonenumbers.is_valid_number(number):
        raise ValidationError(NATIONAL_MESSAGE, code="invalid")
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    if not MIN_DIGITS <= len(international) <= MAX_DIGITS:
        raise ValidationError(LENGTH_MESSAGE, code="invalid")
    return international


def canonical_phone_or_none(value: str) -> str | None:
    """`canonical_phone(value)`, or None when `value` is not a valid phone number (for lookups)."""
    try:
        return canonical_phone(value)
    except ValidationError:
        return None
