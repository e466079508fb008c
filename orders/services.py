"""Writes and business rules for orders: placing one, numbering it, changing its statuses."""

import datetime
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalog.models import Product
from orders.models import (
    DailyOrderSequence,
    DeliveryStatus,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
    PaymentMethod,
    PaymentStatus,
    StatusField,
)
from orders.phone import canonical_phone

IDEMPOTENCY_KEY_MAX_LENGTH = 255
CUSTOMER_FIELDS = (
    "customer_name",
    "phone",
    "whatsapp",
    "email",
    "address",
    "city",
    "country",
    "notes",
)
TRACKING_NOTES_MAX_LENGTH = Order._meta.get_field("tracking_notes").max_length

STATUS_CHOICES = {
    StatusField.PAYMENT: PaymentStatus,
    StatusField.ORDER: OrderStatus,
    StatusField.DELIVERY: DeliveryStatus,
}


def next_order_number(day: datetime.date) -> int:
    """Take the next order number of `day` (1, 2, ...): one atomic upsert of its sequence row.

    Concurrent callers serialize on the row (PostgreSQL's row lock, SQLite's database
    lock), so no two get the same number. Call it inside the order's transaction: a
    rolled-back order gives its number back.
    """
    table = connection.ops.quote_name(DailyOrderSequence._meta.db_table)
    date_column = connection.ops.quote_name("date")
    last_column = connection.ops.quote_name("last_number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({date_column}, {last_column}) VALUES (%s, 1) "
            f"ON CONFLICT ({date_column}) DO UPDATE SET {last_column} = {table}.{last_column} + 1 "
            f"RETURNING {last_column}",
            [connection.ops.adapt_datefield_value(day)],
        )
        (number,) = cursor.fetchone()
    return number


def format_order_id(day: datetime.date, number: int) -> str:
    """`BQ-20261121-007`: the store-local date and the day's number, at least 3 digits."""
    return f"BQ-{day:%Y%m%d}-{number:03d}"


def request_fingerprint(*, customer: dict, items: list[dict], payment_method: str) -> str:
    """SHA-256 of the order request in one canonical JSON spelling (sorted keys)."""
    canonical = json.dumps(
        {"customer": customer, "items": items, "payment_method": payment_method},
        cls=DjangoJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(order: Order, fingerprint: str) -> tuple[Order, bool]:
    if order.request_fingerprint != fingerprint:
        raise ValidationError(
            {"idempotency_key": ["This Idempotency-Key was already used with a different order."]}
        )
    return order, False


def _order_lines(items: list[dict]) -> list[OrderItem]:
    """Check every line against the catalog and snapshot it, or raise naming each bad field."""
    product_ids = {item["product_id"] for item in items}
    products = {
        product.pk: product
        for product in Product.objects.visible()
        .filter(pk__in=product_ids)
        .prefetch_related("images")
    }
    errors: dict[str, list[str]] = {}
    lines = []
    for index, item in enumerate(items):
        product = products.get(item["product_id"])
        if product is None:
            errors[f"items.{index}.product_id"] = ["This product is not available"]
            continue
        if item["size"] not in product.sizes:
            errors[f"items.{index}.size"] = [
                f"Size {item['size']} is not available for this product"
            ]
        colors = {color.casefold(): color for color in product.colors}
        color = colors.get(item["color"].casefold())
        if color is None:
            errors[f"items.{index}.color"] = [
                f"Color {item['color']} is not available for this product"
            ]
        quantity = item["quantity"]
        if not 1 <= quantity <= 99:
            errors[f"items.{index}.quantity"] = ["Quantity must be between 1 and 99"]
        if errors:
            continue
        images = list(product.images.all())
        lines.append(
            OrderItem(
                product=product,
                product_uuid=product.pk,
                name=product.name,
                size=item["size"],
                color=color,
                quantity=quantity,
                unit_price=product.effective_price,
                line_total=product.effective_price * quantity,
                image=images[0].src if images else "",
            )
        )
    if errors:
        raise ValidationError(errors)
    return lines


def place_order(
    *,
    customer: dict,
    items: list[dict],
    payment_method: str,
    idempotency_key: str | None = None,
) -> tuple[Order, bool]:
    """Place an order from validated input; return it and whether it was created now.

    `customer` holds the customer fields of `Order` (`CUSTOMER_FIELDS`; a status or a
    price cannot be slipped in); each of `items` holds `product_id`,
    `size`, `color` and `quantity`. Names, prices and images come from the catalog, never
    from the caller. With an `idempotency_key` already used for the same request, the
    first order is returned (created False); used for a different request, it is a
    `ValidationError`.
    """
    unexpected = set(customer) - set(CUSTOMER_FIELDS)
    if unexpected:
        raise TypeError(f"place_order() got unexpected customer fields: {sorted(unexpected)}")
    if idempotency_key is not None and len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationError(
            {
                "idempotency_key": [
                    f"Idempotency-Key must be at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
                ]
            }
        )
    fingerprint = request_fingerprint(customer=customer, items=items, payment_method=payment_method)
    if idempotency_key is not None:
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)

    try:
        phone_digits = canonical_phone(customer["phone"])
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    if payment_method not in PaymentMethod.values:
        raise ValidationError(
            {
                "payment_method": [
                    f"Payment method must be one of: {', '.join(PaymentMethod.values)}"
                ]
            }
        )
    if not 1 <= len(items) <= 50:
        raise ValidationError({"items": ["An order has 1 to 50 items"]})

    try:
        with transaction.atomic():
            lines = _order_lines(items)
            day = timezone.localdate()
            order = Order.objects.create(
                **customer,
                phone_digits=phone_digits,
                order_id=format_order_id(day, next_order_number(day)),
                order_date=day,
                payment_method=payment_method,
                total_amount=sum((line.line_total for line in lines), Decimal("0")),
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
            )
            for line in lines:
                line.order = order
            OrderItem.objects.bulk_create(lines)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its order.
        existing = (
            Order.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key is not None
            else None
        )
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return order, True


def change_order_status(*, order: Order, changed_by=None, **changes) -> Order:
    """Apply `changes` to `order` and record every status that actually changed.

    `changes` may hold `payment_status`, `order_status`, `delivery_status`,
    `estimated_delivery` (a date or None) and `tracking_notes` (text or None); fields
    not given are left alone. The order row is locked and re-read, so the recorded
    "from" values are the stored ones even when `order` was edited in memory (as the
    Django admin form does). Each changed status gets one `OrderStatusEvent` naming
    `changed_by` (None for the system). Returns the order as saved.
    """
    changes = _clean_status_changes(changes)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        changed = {name: value for name, value in changes.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        events = [
            OrderStatusEvent(
                order=locked,
                field=name,
                from_status=getattr(locked, name),
                to_status=changed[name],
                changed_by=changed_by,
            )
            for name in STATUS_CHOICES
            if name in changed
        ]
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changed, "updated_at"])
        OrderStatusEvent.objects.bulk_create(events)
    return locked


def _clean_status_changes(changes: dict) -> dict:
    """Check the values `change_order_status` is given, or raise naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name, value in changes.items():
        if name in STATUS_CHOICES:
            choices = STATUS_CHOICES[name]
            if value not in choices.values:
                errors[name] = [f"{value!r} is not one of: {', '.join(choices.values)}"]
            cleaned[name] = value
        elif name == "estimated_delivery":
            if value is not None and not (
                isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
            ):
                errors[name] = ["Estimated delivery must be a date or null"]
            cleaned[name] = value
        elif name == "tracking_notes":
            if value is not None and not isinstance(value, str):
                errors[name] = ["Tracking notes must be text or null"]
            elif value is not None and len(value) > TRACKING_NOTES_MAX_LENGTH:
                errors[name] = [
                    f"Tracking notes must be at most {TRACKING_NOTES_MAX_LENGTH} characters"
                ]
            cleaned[name] = value or None
        else:
            errors[name] = ["This field cannot be changed here"]
    if errors:
        raise ValidationError(errors)
    return cleaned
