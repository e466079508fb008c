"""`manage.py seed_demo_orders --count N --days D`: demo orders for the dashboard and load tests.

Orders are placed with `place_order` (so items, prices and totals come from the
catalog exactly as for a customer) and moved on with `change_order_status` (so their
history is written as for any change). Both services work on "now", so afterwards
each order is moved back to the moment it is meant to have been placed: it takes its
day's next number from the daily sequence (`BQ-<day>-NNN`, numbered in time order),
and its timestamps and its history's follow. The numbers `place_order` first took
from today's sequence for those orders are given back (see `give_back_numbers`), so
today's real orders carry on right after today's demo ones.

Speed (10,000 orders are used for load tests): every order costs one `place_order`
call and, if it moved on, one `change_order_status` call taking it straight to its
stage, each changed status recorded once and dated when that step would have
happened. Dates are then written with one multi-row statement per table.

Each batch of orders is placed and dated in one transaction: a failure leaves whole,
correctly numbered and dated batches behind, never a half-made order.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Product
from orders.models import (
    DailyOrderSequence,
    DeliveryStatus,
    Order,
    OrderStatus,
    OrderStatusEvent,
    PaymentMethod,
    PaymentStatus,
)
from orders.services import change_order_status, format_order_id, next_order_number, place_order

BATCH_SIZE = 500
# Both services open a savepoint per call; PostgreSQL slows down when one transaction
# holds many thousands of them, so orders are placed and dated in batches.
ORDERS_PER_TRANSACTION = 500

FIRST_NAMES = [
    "Ayesha", "Fatima", "Zainab", "Maryam", "Hira", "Sana", "Mahnoor", "Iqra", "Amna",
    "Rabia", "Sadia", "Noor", "Areeba", "Khadija", "Laiba", "Mehwish", "Saba", "Anum",
    "Bushra", "Hafsa", "Komal", "Nimra", "Sidra", "Zoya",
]  # fmt: skip
LAST_NAMES = [
    "Khan", "Ahmed", "Malik", "Qureshi", "Siddiqui", "Butt", "Chaudhry", "Sheikh", "Raza",
    "Hussain", "Iqbal", "Javed", "Mirza", "Baig", "Abbasi", "Hashmi",
]  # fmt: skip
PAKISTAN_CITIES = [
    ("Karachi", 30), ("Lahore", 25), ("Islamabad", 12), ("Rawalpindi", 8),
    ("Faisalabad", 6), ("Multan", 5), ("Peshawar", 5), ("Hyderabad", 4),
    ("Quetta", 2), ("Sialkot", 3),
]  # fmt: skip
# City, country, a phone in that country's usual notation (digits filled in below).
ABROAD = [
    ("Dubai", "United Arab Emirates", "+971 50 {3} {4}"),
    ("London", "United Kingdom", "+44 7{3} {6}"),
    ("Toronto", "Canada", "+1-416-{3}-{4}"),
    ("Houston", "United States", "+1 (713) {3}-{4}"),
]
PAKISTAN_PHONE_NOTATIONS = ["03{2}-{7}", "03{2}{7}", "+92 3{2} {7}", "+92-3{2}-{7}"]
STREETS = ["Street 4", "Main Boulevard", "Khayaban-e-Ittehad", "Canal Road", "Jinnah Avenue"]
AREAS = [
    "Gulshan-e-Iqbal", "DHA Phase 6", "Model Town", "F-7/2", "Bahria Town", "Johar Town",
    "Clifton Block 5", "Satellite Town", "Gulberg III", "North Nazimabad",
]  # fmt: skip
NOTES = ["", "", "", "Please call before delivery", "Gift wrap please", "Deliver after 5 pm"]

# How far an order has got, with its weight, by how many days ago it was placed.
STAGES = ("received", "paid", "verified", "processing", "ready", "dispatched", "delivered")
STAGE_WEIGHTS = [
    (0, (55, 25, 10, 10, 0, 0, 0)),
    (2, (15, 15, 15, 30, 15, 10, 0)),
    (5, (6, 6, 8, 20, 15, 20, 25)),
    (10, (3, 2, 3, 5, 5, 7, 75)),
]
# Orders at least a day old and not delivered are cancelled this often.
CANCEL_SHARE = 0.06
# Hours from one step to the next: payment, processing, ready, courier, delivered.
STEP_HOURS = {
    "paid": (1, 24),
    "processing": (2, 24),
    "ready": (24, 72),
    "dispatched": (4, 24),
    "delivered": (12, 48),
    "cancelled": (2, 48),
}
PROMISED_DAYS = 7


@dataclass
class PlannedOrder:
    placed_at: datetime
    customer: dict
    items: list[dict]
    payment_method: str
    changes: dict = field(default_factory=dict)
    # When each changed status got its new value.
    changed_at: dict[str, datetime] = field(default_factory=dict)
    order: Order | None = None

    @property
    def last_change(self) -> datetime:
        return max(self.changed_at.values(), default=self.placed_at)


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def phone_number(rng: random.Random, pattern: str) -> str:
    """Fill `{n}` placeholders of `pattern` with n random digits."""
    return pattern.format(*(digits(rng, n) for n in range(8)))


def demo_customer(rng: random.Random) -> tuple[dict, str]:
    """A customer (the fields of `Order`) and the payment method they would use."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if rng.random() < 0.08:
        city, country, pattern = rng.choice(ABROAD)
        phone = phone_number(rng, pattern)
        whatsapp = phone
        method = PaymentMethod.INTERNATIONAL_BANK
    else:
        city = rng.choices(*zip(*PAKISTAN_CITIES, strict=True))[0]
        country = "Pakistan"
        phone = phone_number(rng, rng.choice(PAKISTAN_PHONE_NOTATIONS))
        whatsapp = phone if rng.random() < 0.8 else phone_number(rng, "+92 3{2} {7}")
        method = rng.choices([PaymentMethod.EASYPAISA, PaymentMethod.MEEZAN_BANK], [3, 2])[0]
    customer = {
        "customer_name": name,
        "phone": phone,
        "whatsapp": whatsapp,
        "email": f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@example.com"
        if rng.random() < 0.7
        else "",
        "address": f"House {rng.randint(1, 250)}, {rng.choice(STREETS)}, {rng.choice(AREAS)}",
        "city": city,
        "country": country,
        "notes": rng.choice(NOTES),
    }
    return customer, method


def demo_items(rng: random.Random, products: list[Product]) -> list[dict]:
    lines = []
    for product in rng.sample(products, k=min(len(products), rng.choices([1, 2, 3], [6, 3, 1])[0])):
        lines.append(
            {
                "product_id": product.pk,
                "size": rng.choice(product.sizes),
                "color": rng.choice(product.colors),
                "quantity": rng.choices([1, 2, 3], [8, 2, 1])[0],
            }
        )
    return lines


def placement_times(rng: random.Random, count: int, days: int, now: datetime) -> list[datetime]:
    """`count` store-local times over the last `days` days (today included, never after
    `now`), busier towards today, sorted."""
    today = timezone.localdate(now)
    opening = timedelta(hours=9)
    times = []
    weights = [2 - offset / days for offset in range(days)]
    for offset in rng.choices(range(days), weights, k=count):
        day = today - timedelta(days=offset)
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        if offset == 0:
            span = (now - start).total_seconds()
            times.append(start + timedelta(seconds=rng.uniform(0, span)))
        else:
            times.append(start + opening + timedelta(seconds=rng.uniform(0, 14.5 * 3600)))
    return sorted(times)


def furthest_stage(rng: random.Random, age_days: int) -> str:
    weights = next(w for since, w in reversed(STAGE_WEIGHTS) if age_days >= since)
    return rng.choices(STAGES, weights)[0]


def plan_progress(rng: random.Random, plan: PlannedOrder, stage: str, cancelled: bool, now):
    """Fill in the status changes that take `plan` to `stage` (then cancelled, if so), and
    when each happened: in order, after the order was placed, never after `now`."""
    reached = STAGES.index(stage)
    at = plan.placed_at

    def step(name: str) -> datetime:
        nonlocal at
        low, high = STEP_HOURS[name]
        at = min(at + timedelta(hours=rng.uniform(low, high)), now)
        return at

    def change(status_field: str, value: str, when: datetime, notes: str | None) -> None:
        plan.changes[status_field] = value
        plan.changed_at[status_field] = when
        plan.changes["tracking_notes"] = notes

    if reached >= STAGES.index("paid"):
        paid = PaymentStatus.PAID if stage == "paid" else PaymentStatus.VERIFIED
        plan.changes["payment_status"] = paid
        plan.changed_at["payment_status"] = step("paid")
    if reached >= STAGES.index("processing"):
        change("order_status", OrderStatus.PROCESSING, step("processing"), "Stitching in progress")
        plan.changes["estimated_delivery"] = timezone.localdate(plan.placed_at) + timedelta(
            days=PROMISED_DAYS
        )
    if reached >= STAGES.index("ready"):
        change("order_status", OrderStatus.READY, step("ready"), "Packed and ready to dispatch")
    if reached >= STAGES.index("dispatched"):
        change(
            "delivery_status",
            DeliveryStatus.OUT_FOR_DELIVERY,
            step("dispatched"),
            "With the courier",
        )
    if stage == "delivered":
        delivered_at = step("delivered")
        change("order_status", OrderStatus.DELIVERED, delivered_at, "Delivered")
        change("delivery_status", DeliveryStatus.DELIVERED, delivered_at, "Delivered")
    if cancelled:
        change(
            "order_status",
            OrderStatus.CANCELLED,
            step("cancelled"),
            "Cancelled at the customer's request",
        )


def update_each(model, pk_values: list, columns: dict[str, list]) -> None:
    """Set each row's own values for `columns` (field name -> one value per row) in one
    multi-row statement: much faster than `bulk_update`'s CASE expressions at this size."""
    if not pk_values:
        return
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [
        [
            *(
                f.get_db_prep_value(values[index], connection)
                for f, values in zip(fields, columns.values(), strict=True)
            ),
            model._meta.pk.get_db_prep_value(pk, connection),
        ]
        for index, pk in enumerate(pk_values)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class Command(BaseCommand):
    help = (
        "Place demo orders over the last D days through the ordering service (items from "
        "the catalog, order ids numbered per day) and move a realistic share of them "
        "through payment, processing and delivery through the status service."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40, help="Orders to place (default 40).")
        parser.add_argument(
            "--days", type=int, default=30, help="Spread them over this many days (default 30)."
        )
        parser.add_argument("--seed", type=int, help="Random seed, for a repeatable set.")

    def handle(self, *args, count, days, seed, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        products = list(Product.objects.filter(is_active=True).exclude(sizes=[]).exclude(colors=[]))
        if not products:
            raise CommandError(
                "The catalog has no active products to order: run `manage.py seed_catalog` first."
            )

        started = time.perf_counter()
        plans = self.plan(random.Random(seed), count, days, products)
        today = timezone.localdate()
        # Today's orders first, in time order: they keep the numbers `place_order` gives
        # them, and the ones taken for earlier days' orders are the last of the sequence.
        in_placing_order = sorted(
            plans, key=lambda plan: (timezone.localdate(plan.placed_at) != today, plan.placed_at)
        )
        for start in range(0, count, ORDERS_PER_TRANSACTION):
            batch = in_placing_order[start : start + ORDERS_PER_TRANSACTION]
            with transaction.atomic():
                for plan in batch:
                    plan.order, _created = place_order(
                        customer=plan.customer,
                        items=plan.items,
                        payment_method=plan.payment_method,
                    )
                    if plan.changes:
                        change_order_status(order=plan.order, **plan.changes)
                self.give_back_numbers(batch)
                self.date_orders(batch)
                self.date_history(batch)

        moved = sum(1 for plan in plans if plan.changes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Placed {count} demo orders over {days} days ({moved} moved on) "
                f"in {time.perf_counter() - started:.1f}s."
            )
        )

    def plan(self, rng: random.Random, count: int, days: int, products) -> list[PlannedOrder]:
        now = timezone.now()
        today = timezone.localdate(now)
        plans = []
        for placed_at in placement_times(rng, count, days, now):
            customer, method = demo_customer(rng)
            plan = PlannedOrder(
                placed_at=placed_at,
                customer=customer,
                items=demo_items(rng, products),
                payment_method=method,
            )
            age = (today - timezone.localdate(placed_at)).days
            stage = furthest_stage(rng, age)
            cancelled = stage != "delivered" and age >= 1 and rng.random() < CANCEL_SHARE
            plan_progress(rng, plan, stage, cancelled, now)
            plans.append(plan)
        return plans

    def give_back_numbers(self, plans: list[PlannedOrder]) -> None:
        """Return the numbers `place_order` took for orders that belong to an earlier day.

        They are the last ones of their day's sequence, taken in this transaction, which
        holds the sequence row's lock until it commits: nobody else can have taken a
        number since, so lowering the sequence is what rolling those orders back would
        do. The update is guarded: unless the sequence still ends with exactly these
        numbers, it is left alone (a gap, never a duplicate).
        """
        taken: dict = {}
        for plan in plans:
            if plan.order.order_date != timezone.localdate(plan.placed_at):
                number = int(plan.order.order_id.rsplit("-", 1)[1])
                taken.setdefault(plan.order.order_date, []).append(number)
        for day, numbers in taken.items():
            low, high = min(numbers), max(numbers)
            if len(numbers) == high - low + 1:
                DailyOrderSequence.objects.filter(date=day, last_number=high).update(
                    last_number=low - 1
                )

    def date_orders(self, plans: list[PlannedOrder]) -> None:
        """Move each order to its day: that day's next number, and its own timestamps."""
        order_ids = []
        for plan in plans:
            day = timezone.localdate(plan.placed_at)
            order_ids.append(
                plan.order.order_id
                if plan.order.order_date == day
                else format_order_id(day, next_order_number(day))
            )
        update_each(
            Order,
            [plan.order.pk for plan in plans],
            {
                "order_id": order_ids,
                "order_date": [timezone.localdate(plan.placed_at) for plan in plans],
                "created_at": [plan.placed_at for plan in plans],
                "updated_at": [plan.last_change for plan in plans],
            },
        )

    def date_history(self, plans: list[PlannedOrder]) -> None:
        """Date each recorded status change when its step happened."""
        changed_at = {plan.order.pk: plan.changed_at for plan in plans if plan.changes}
        order_pks = list(changed_at)
        event_pks, times = [], []
        for start in range(0, len(order_pks), BATCH_SIZE):
            events = OrderStatusEvent.objects.filter(
                order_id__in=order_pks[start : start + BATCH_SIZE]
            ).values_list("pk", "order_id", "field")
            for pk, order_pk, status_field in events:
                event_pks.append(pk)
                times.append(changed_at[order_pk][status_field])
        update_each(OrderStatusEvent, event_pks, {"created_at": times})
