"""Re-normalize every order's phone to the E.164 digits `orders.phone` now stores.

The hand-written rules before it turned a foreign number typed nationally into a wrong
Pakistani one and kept some numbers without their country code. The numbering plans
(`phonenumbers`, home region Pakistan) decide here as they do for new orders; a stored
number they do not recognise keeps the digits it had (nothing is guessed). Frozen here
rather than imported, so later changes to `orders.phone` cannot change what this did.
"""

import unicodedata

import phonenumbers
from django.db import migrations

BATCH = 1000


def e164_digits(text: str) -> str | None:
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    text = text.strip()
    typed = "".join(ch for ch in text if ch.isdigit())
    international = text.startswith("+") or typed.startswith("00")
    if typed.startswith("00"):
        typed = typed[2:]
    try:
        number = phonenumbers.parse(f"+{typed}" if international else text, "PK")
    except phonenumbers.NumberParseException:
        return None
    if international:
        if not phonenumbers.is_possible_number(number):
            return None
    elif not phonenumbers.is_valid_number(number):
        return None
    digits = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    return digits if 10 <= len(digits) <= 15 else None


def renormalize_phones(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    changed = []
    for order in Order.objects.only("pk", "phone", "phone_digits").iterator(chunk_size=BATCH):
        digits = e164_digits(order.phone)
        if digits is not None and digits != order.phone_digits:
            order.phone_digits = digits
            changed.append(order)
        if len(changed) >= BATCH:
            Order.objects.bulk_update(changed, ["phone_digits"])
            changed = []
    Order.objects.bulk_update(changed, ["phone_digits"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0009_status_event_note")]

    operations = [migrations.RunPython(renormalize_phones, migrations.RunPython.noop)]
