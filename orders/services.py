"""Writes and business rules for orders: placing them, numbering them, changing their statuses."""

import datetime
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from beautique.httpcache import bump_version
from catalog.models import Product, ProductImage
from orders import lifecycle, summaries
from orders.models import (
    MAX_LINE_QUANTITY,
    MAX_ORDER_LINES,
    DailyOrderSequence,
    Order,
    OrderItem,
    OrderStatusEvent,
    PaymentMethod,
)
from orders.phone import canonical_phone

ORDERS = "orders"
"""The namespace of kept answers that show orders (tracking, the staff list, the
dashboard): beautique.httpcache."""

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
ORDER_REQUEST_KEYS = {"customer", "items", "payment_method", "placed_at"}
"""What each request given to `place_orders` may hold."""
STATUS_CHANGE_FIELDS = (*lifecycle.FIELDS, "estimated_delivery", "tracking_notes")
"""What a status change may set: the three statuses, the delivery date and the notes."""


def orders_changed() -> None:
    """Retire the kept answers that show orders once this transaction commits: for the
    bulk writes, which send no signals (`OrdersConfig.ready` covers every save)."""
    bump_version(ORDERS)


def next_order_numbers(day: datetime.date, count: int) -> int:
    """Take `count` consecutive numbers of `day`; return the last one.

    The numbers taken are `last - count + 1` to `last`. One atomic upsert of the day's
    sequence row: concurrent callers serialize on the row (PostgreSQL's row lock,
    SQLite's database lock), so no two get the same number. Call it inside the orders'
    transaction: a rolled-back batch gives its numbers back.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    table = connection.ops.quote_name(DailyOrderSequence._meta.db_table)
    date_column = connection.ops.quote_name("date")
    last_column = connection.ops.quote_name("last_number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({date_column}, {last_column}) VALUES (%s, %s) "
            f"ON CONFLICT ({date_column}) DO UPDATE "
            f"SET {last_column} = {table}.{last_column} + EXCLUDED.{last_column} "
            f"RETURNING {last_column}",
            [connection.ops.adapt_datefield_value(day), count],
        )
        (last,) = cursor.fetchone()
    return last


def next_order_number(day: datetime.date) -> int:
    """Take the next order number of `day` (1, 2, ...); see `next_order_numbers`."""
    return next_order_numbers(day, 1)


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


def _check_idempotency_key(key: str) -> None:
    """Any text up to 255 characters that the database can store (PostgreSQL text
    cannot hold NUL), or a `ValidationError` saying why not."""
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        message = f"Idempotency-Key must be at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
    elif "\x00" in key:
        message = "Idempotency-Key cannot contain NUL characters"
    else:
        return
    raise ValidationError({"idempotency_key": [message]})


def _replay(order: Order, fingerprint: str) -> tuple[Order, bool]:
    if order.request_fingerprint != fingerprint:
        raise ValidationError(
            {"idempotency_key": ["This Idempotency-Key was already used with a different order."]}
        )
    return order, False


def _checked_request(*, customer: dict, items: list[dict], payment_method: str) -> str:
    """Check what an order request says apart from its lines; return the phone's digits.

    Raises naming the first bad field. The API's serializer checks the same fields first,
    so a customer sees every problem at once; these checks are the service's own
    guarantee for callers that do not come through it (seed commands, imports).
    """
    unexpected = set(customer) - set(CUSTOMER_FIELDS)
    if unexpected:
        raise TypeError(f"Unexpected customer fields: {sorted(unexpected)}")
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
    if not 1 <= len(items) <= MAX_ORDER_LINES:
        raise ValidationError({"items": [f"An order has 1 to {MAX_ORDER_LINES} items"]})
    return phone_digits


def _visible_products(product_ids) -> dict:
    """The products customers may buy among `product_ids`, by pk, each with
    `first_image_src` (its first picture's URL, or ""): one query, compiled here rather
    than by the ORM (which took a third of the CPU of placing an order in three).

    On PostgreSQL the rows are locked `FOR KEY SHARE` until the calling transaction ends,
    the lock a foreign key takes: orders of one product never wait for each other, while
    a permanent delete (which locks the row `FOR UPDATE` first) waits for them, and they
    for it; a product deleted or hidden meanwhile is then not in the answer, so its line
    is refused. SQLite locks the whole database for a write: nothing to do there.
    """
    product_ids = sorted(set(product_ids), key=str)
    if not product_ids:
        return {}
    quote = connection.ops.quote_name
    product, category, image = (
        model._meta for model in (Product, Product.category.field.related_model, ProductImage)
    )

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    def first_image(name: str) -> str:
        return (
            f"(SELECT i.{column(image, name)} FROM {quote(image.db_table)} i "
            f"WHERE i.{column(image, 'product')} = p.{column(product, 'id')} "
            f"ORDER BY i.{column(image, 'position')}, i.{column(image, 'id')} LIMIT 1)"
        )

    sql = (
        f"SELECT p.*, {first_image('image')} AS first_image_file, "
        f"{first_image('url')} AS first_image_url "
        f"FROM {quote(product.db_table)} p JOIN {quote(category.db_table)} c "
        f"ON c.{column(category, 'id')} = p.{column(product, 'category')} "
        f"WHERE p.{column(product, 'id')} IN ({', '.join(['%s'] * len(product_ids))}) "
        f"AND p.{column(product, 'is_active')} AND c.{column(category, 'is_active')}"
    )
    if connection.vendor == "postgresql":
        sql += " FOR KEY SHARE OF p"
    products = {}
    for found in Product.objects.raw(
        sql, [product.pk.get_db_prep_value(pk, connection) for pk in product_ids]
    ):
        has_image = found.first_image_file or found.first_image_url
        found.first_image_src = (
            ProductImage(image=found.first_image_file or "", url=found.first_image_url or "").src
            if has_image
            else ""
        )
        products[found.pk] = found
    return products


def _merged_lines(items: list[dict]) -> list[tuple[list[int], dict]]:
    """`items` with one line per product, size and color (the color in any case), in the
    order each first appears: the quantities of repeated lines are added up. Each comes
    with the indexes of the request's lines it stands for."""
    merged: dict[tuple, tuple[list[int], dict]] = {}
    for index, item in enumerate(items):
        key = (item["product_id"], item["size"], item["color"].casefold())
        if key in merged:
            indexes, line = merged[key]
            indexes.append(index)
            line["quantity"] += item["quantity"]
        else:
            merged[key] = ([index], dict(item))
    return list(merged.values())


def _quantity_message(indexes: list[int], quantity: int) -> str:
    message = f"Quantity must be between 1 and {MAX_LINE_QUANTITY}"
    if len(indexes) == 1:
        return message
    *others, last = (str(index) for index in indexes)
    return (
        f"{message} for one product in one size and color: "
        f"items {', '.join(others)} and {last} order {quantity} of it together"
    )


def _order_lines(items: list[dict], products: dict) -> list[OrderItem]:
    """Check every line against `products` (the visible catalog, by pk) and snapshot it,
    or raise naming each bad field (by the request's first line of a merged line).

    Lines of one product in one size and color are merged first (`_merged_lines`), so
    the quantity cap counts per item, and the order holds one line per item."""
    errors: dict[str, list[str]] = {}
    lines = []
    for indexes, item in _merged_lines(items):
        index = indexes[0]
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
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            errors[f"items.{index}.quantity"] = [_quantity_message(indexes, quantity)]
        if errors:
            continue
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
                image=product.first_image_src,
            )
        )
    if errors:
        raise ValidationError(errors)
    return lines


def _new_order(
    *,
    customer: dict,
    phone_digits: str,
    payment_method: str,
    lines: list[OrderItem],
    placed_at: datetime.datetime,
    fingerprint: str,
    idempotency_key: str | None = None,
) -> Order:
    """The unsaved order of `lines` (which are pointed at it), placed at `placed_at` on
    that moment's store-local day; its `order_id` is the caller's to number."""
    order = Order(
        **customer,
        phone_digits=phone_digits,
        order_date=timezone.localdate(placed_at),
        created_at=placed_at,
        updated_at=placed_at,
        payment_method=payment_method,
        total_amount=sum((line.line_total for line in lines), Decimal("0")),
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    for line in lines:
        line.order = order
    return order


def _hold_lines(order: Order, lines: list[OrderItem]) -> None:
    """Give `order` its saved `lines` as `prefetch_related("items")` would have loaded
    them, so showing the new order reads nothing back."""
    items = order.items.all()
    items._result_cache = lines
    items._prefetch_done = True
    order._prefetched_objects_cache = {"items": items}


def place_order(
    *,
    customer: dict,
    items: list[dict],
    payment_method: str,
    idempotency_key: str | None = None,
    placed_at: datetime.datetime | None = None,
) -> tuple[Order, bool]:
    """Place an order from validated input; return it and whether it was created now.

    `customer` holds the customer fields of `Order` (`CUSTOMER_FIELDS`; a status or a
    price cannot be slipped in); each of `items` holds `product_id`,
    `size`, `color` and `quantity`. Names, prices and images come from the catalog, never
    from the caller. With an `idempotency_key` already used for the same request, the
    first order is returned (created False); used for a different request, it is a
    `ValidationError`. `placed_at` (default now) is the order's timestamp; its
    store-local date is the order's date and numbers it. A new order holds its lines
    (`order.items.all()` reads no rows).
    """
    if idempotency_key is not None:
        _check_idempotency_key(idempotency_key)
    fingerprint = request_fingerprint(customer=customer, items=items, payment_method=payment_method)
    if idempotency_key is not None:
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
    phone_digits = _checked_request(customer=customer, items=items, payment_method=payment_method)

    try:
        with transaction.atomic():
            lines = _order_lines(items, _visible_products(item["product_id"] for item in items))
            order = _new_order(
                customer=customer,
                phone_digits=phone_digits,
                payment_method=payment_method,
                lines=lines,
                placed_at=placed_at or timezone.now(),
                fingerprint=fingerprint,
                idempotency_key=idempotency_key,
            )
            # The lines go in before their order (foreign keys are checked at commit), so
            # the rows every order of the day shares (its summary, its sequence) are
            # locked last, just before the commit, and held that briefly.
            OrderItem.objects.bulk_create(lines)
            order.summary_shard = summaries.shard_for_new_orders()
            summaries.add(orders=[order], lines=lines)
            order.order_id = format_order_id(order.order_date, next_order_number(order.order_date))
            order.save(force_insert=True)
            _hold_lines(order, lines)
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


def _prefixed(prefix: str, error: ValidationError) -> dict[str, list[str]]:
    return {f"{prefix}.{field}": messages for field, messages in error.message_dict.items()}


def place_orders(*, requests: list[dict]) -> list[Order]:
    """Place many orders at once (imports, demo data) under the rules of `place_order`.

    Each request holds `customer`, `items` and `payment_method` as for `place_order`,
    and optionally `placed_at` (default now). Every request is checked first, against
    one read of the catalog: if any is invalid, the `ValidationError` names
    `requests.<i>.<field>` for each problem and nothing is written. Then each day's
    orders take a block of consecutive numbers with one upsert (numbered in the order
    they were placed), and the orders and their items are bulk-inserted. All of it is one
    transaction, holding the products ordered as `place_order` does. There are no
    idempotency keys here. Returns the orders in request order.
    """
    now = timezone.now()
    with transaction.atomic():
        products = _visible_products(
            item["product_id"] for request in requests for item in request["items"]
        )
        orders, lines = _checked_batch(requests, products, now=now)
        # As `place_order`: lines, summaries, numbers, orders, so that every writer locks
        # the shared rows in one order (summaries, then sequences) and holds them briefly.
        OrderItem.objects.bulk_create(lines)
        shard = summaries.shard_for_new_orders()
        for order in orders:
            order.summary_shard = shard
        summaries.add(orders=orders, lines=lines)
        by_day = defaultdict(list)
        for order in orders:
            by_day[order.order_date].append(order)
        # Days in date order, so two concurrent batches lock their sequence rows alike.
        for day in sorted(by_day):
            in_time_order = sorted(by_day[day], key=attrgetter("created_at"))
            last = next_order_numbers(day, len(in_time_order))
            for number, order in enumerate(in_time_order, start=last - len(in_time_order) + 1):
                order.order_id = format_order_id(day, number)
        Order.objects.bulk_create(orders)
        orders_changed()
    return orders


def _checked_batch(
    requests: list[dict], products: dict, *, now: datetime.datetime
) -> tuple[list[Order], list[OrderItem]]:
    """The unsaved orders and lines of `place_orders`' requests, or raise naming
    `requests.<i>.<field>` for each problem."""
    orders, lines, errors = [], [], {}
    for index, request in enumerate(requests):
        unexpected = set(request) - ORDER_REQUEST_KEYS
        if unexpected:
            raise TypeError(f"Unexpected keys in requests.{index}: {sorted(unexpected)}")
        customer, items = request["customer"], request["items"]
        payment_method = request["payment_method"]
        try:
            phone_digits = _checked_request(
                customer=customer, items=items, payment_method=payment_method
            )
            order_lines = _order_lines(items, products)
        except ValidationError as error:
            errors.update(_prefixed(f"requests.{index}", error))
            continue
        orders.append(
            _new_order(
                customer=customer,
                phone_digits=phone_digits,
                payment_method=payment_method,
                lines=order_lines,
                placed_at=request.get("placed_at") or now,
                fingerprint=request_fingerprint(
                    customer=customer, items=items, payment_method=payment_method
                ),
            )
        )
        lines.extend(order_lines)
    if errors:
        raise ValidationError(errors)
    return orders, lines


class StatusUpdate(NamedTuple):
    """Status changes for one order (the keyword arguments of `change_order_status`) and
    when they happened (None: now)."""

    order: Order
    changes: dict
    at: datetime.datetime | None = None


def change_order_status(
    *,
    order: Order,
    changed_by=None,
    at: datetime.datetime | None = None,
    note: str = "",
    **changes,
) -> Order:
    """Apply `changes` to `order` and record every status that actually changed.

    `changes` may hold `payment_status`, `order_status`, `delivery_status`,
    `estimated_delivery` (a date or None) and `tracking_notes` (text or None); fields
    not given are left alone. The statuses are judged as a whole by the order lifecycle
    (`orders.lifecycle`) against the stored ones: a refused change raises a
    `ValidationError` naming each refused field, its current value and what it may
    become, and nothing is written. Reopening a Delivered or Cancelled order takes a
    superuser `changed_by` and a `note`. The order row is locked and re-read, so the
    judgment and the recorded "from" values use the stored statuses even when `order`
    was edited in memory (as the Django admin form does). Each changed status gets one
    `OrderStatusEvent` naming `changed_by` (None for the system), dated `at` (default
    now), with `note`. Returns the order as saved.
    """
    changes = _clean_status_changes(changes)
    (saved,) = _save_status_updates(
        [StatusUpdate(order, changes, at)], changed_by=changed_by, note=note
    )
    return saved


def change_orders_status(
    *, orders, changed_by=None, at: datetime.datetime | None = None, **changes
) -> tuple[list[Order], dict[Order, str]]:
    """`change_order_status` for many orders at once (the admin's list actions): the same
    `changes` for each of `orders`, in a fixed number of queries. The orders the
    lifecycle does not let move are skipped. Returns the orders moved (as saved) and
    the skipped ones with why."""
    changes = _clean_status_changes(changes)
    skipped: dict[Order, str] = {}
    saved = _save_status_updates(
        [StatusUpdate(order, changes, at) for order in orders],
        changed_by=changed_by,
        skipped=skipped,
    )
    return [order for order in saved if order not in skipped], skipped


def apply_status_updates(
    *, updates: list[StatusUpdate], changed_by=None, note: str = ""
) -> list[Order]:
    """Apply each order's own changes, dated each its own time (imports, demo data).

    The updates are applied in the given order, so one order may appear several times
    to walk it through its steps (Paid, then Verified ...), each step recorded with its
    own time, and `changed_by` and `note` as for `change_order_status`. Invalid values,
    and changes the lifecycle (`orders.lifecycle`) refuses,
    raise a `ValidationError` naming `updates.<i>.<field>`, and
    nothing is written. Returns the orders as saved, one per update.
    """
    cleaned, errors = [], {}
    for index, update in enumerate(updates):
        try:
            cleaned.append(update._replace(changes=_clean_status_changes(update.changes)))
        except ValidationError as error:
            errors.update(_prefixed(f"updates.{index}", error))
    if errors:
        raise ValidationError(errors)
    return _save_status_updates(cleaned, changed_by=changed_by, note=note, prefix="updates.")


def _changed_values(order: Order, changes: dict) -> dict:
    """The ones of `changes` that differ from what `order` holds."""
    return {name: value for name, value in changes.items() if getattr(order, name) != value}


def _save_status_updates(
    updates: list[StatusUpdate],
    *,
    changed_by,
    note: str = "",
    skipped: dict | None = None,
    prefix: str = "",
) -> list[Order]:
    """Write checked updates: the orders are locked and re-read in one query (in pk
    order, so two concurrent batches cannot deadlock), each update is judged by the
    lifecycle against the stored statuses, every status that actually changes gets an
    event, and the changed orders and the events are written in bulk.

    A refused update raises a `ValidationError` (its fields prefixed by `prefix` and
    the update's index, when `prefix` is given) and nothing is written; with `skipped`,
    it is left out and recorded there instead (order: why)."""
    if not updates:
        return []
    with transaction.atomic():
        pks = {update.order.pk for update in updates}
        locked = {
            order.pk: order
            for order in Order.objects.select_for_update().filter(pk__in=pks).order_by("pk")
        }
        if len(locked) != len(pks):
            raise Order.DoesNotExist("Order matching query does not exist.")
        # Now, with the rows locked: a change that waited for another is dated after it,
        # so the history read in time order is a chain (each "from" the previous "to").
        now = timezone.now()
        before = summaries.status_snapshot(locked.values())
        events, fields, changed_orders = [], set(), {}
        may_reopen = bool(note.strip()) and getattr(changed_by, "is_superuser", False)
        for index, update in enumerate(updates):
            order = locked[update.order.pk]
            try:
                statuses = lifecycle.judge(
                    {field: getattr(order, field) for field in lifecycle.FIELDS},
                    {
                        name: value
                        for name, value in update.changes.items()
                        if name in lifecycle.FIELDS
                    },
                    may_reopen=may_reopen,
                )
            except lifecycle.Refused as refused:
                if skipped is None:
                    label = f"{prefix}{index}." if prefix else ""
                    raise ValidationError(
                        {f"{label}{field}": [why] for field, why in refused.problems.items()}
                    ) from refused
                skipped[update.order] = " ".join(refused.problems.values())
                continue
            others = {
                name: value
                for name, value in update.changes.items()
                if name not in lifecycle.FIELDS
            }
            changed = _changed_values(order, {**others, **statuses})
            if not changed:
                continue
            at = update.at or now
            events.extend(
                OrderStatusEvent(
                    order=order,
                    field=name,
                    from_status=getattr(order, name),
                    to_status=changed[name],
                    changed_by=changed_by,
                    created_at=at,
                    note=note.strip(),
                )
                for name in lifecycle.FIELDS
                if name in changed
            )
            for name, value in changed.items():
                setattr(order, name, value)
            order.updated_at = max(order.updated_at, at)
            fields.update(changed)
            changed_orders[order.pk] = order
        if changed_orders:
            _update_each(changed_orders.values(), [*sorted(fields), "updated_at"])
            OrderStatusEvent.objects.bulk_create(events)
            summaries.record_status_changes(changed_orders.values(), before=before)
            orders_changed()
    return [locked[update.order.pk] for update in updates]


def _update_each(orders, field_names: list[str]) -> None:
    """Write `field_names` of each of `orders`, each row its own values: one UPDATE
    statement run for every row by `executemany` (pipelined on PostgreSQL).
    `bulk_update`'s CASE expressions cost seconds of Python per thousand orders."""
    fields = [Order._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Order._meta.db_table)} SET {assignments} "
        f"WHERE {quote(Order._meta.pk.column)} = %s"
    )
    rows = [
        [
            *(
                field.get_db_prep_save(getattr(order, field.attname), connection)
                for field in fields
            ),
            Order._meta.pk.get_db_prep_value(order.pk, connection),
        ]
        for order in orders
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _clean_status_changes(changes: dict) -> dict:
    """Check the values a status change is given by their model fields' own rules
    (spellings, dates, lengths), or raise naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name, value in changes.items():
        if name not in STATUS_CHANGE_FIELDS:
            errors[name] = ["This field cannot be changed here"]
            continue
        if name == "tracking_notes":
            value = value or None
        try:
            cleaned[name] = Order._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned
