"""`manage.py seed_demo_orders --count N --days D`: demo orders for the dashboard and load tests.

Orders are placed with `place_orders` (the rules of `place_order`: items, prices and
totals come from the catalog exactly as for a customer) at the moment each is meant
to have been placed, so every order carries its own day's id (`BQ-<day>-NNN`, numbered
in time order and continuing that day's sequence). They are then walked through their
steps (paid, verified, processing, ready, out for delivery, delivered, or cancelled)
with `apply_status_updates`, each step dated when it would have happened, so their
history reads as if staff had moved them along.

Orders go in batches of `BATCH_SIZE`, one transaction each (a failure leaves whole
batches behind, never a half-made order); a batch costs a fixed handful of queries.
The same `--seed` and the same moment give the same orders.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from orders.models import DeliveryStatus, OrderStatus, PaymentMethod, PaymentStatus
from orders.services import StatusUpdate, apply_status_updates, place_orders

BATCH_SIZE = 500

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
# Numbers valid by libphonenumber's plan for each country (orders.phone checks them).
ABROAD = [
    ("Dubai", "United Arab Emirates", "+971 50 {3} {4}"),
    ("London", "United Kingdom", "+44 78{2} {6}"),
    ("Toronto", "Canada", "+1-416-6{2}-{4}"),
    ("Houston", "United States", "+1 (713) 6{2}-{4}"),
]
PAKISTAN_PHONE_NOTATIONS = ["03{m}-{7}", "03{m}{7}", "+92 3{m} {7}", "+92-3{m}-{7}"]
PAKISTAN_MOBILE_PREFIXES = [f"{n:02d}" for n in range(50) if n != 38]
"""The mobile network codes 300-349 (338 is not in use), written after the 3."""
STREETS = ["Street 4", "Main Boulevard", "Khayaban-e-Ittehad", "Canal Road", "Jinnah Avenue"]
AREAS = [
    "Gulshan-e-Iqbal", "DHA Phase 6", "Model Town", "F-7/2", "Bahria Town", "Johar Town",
    "Clifton Block 5", "Satellite Town", "Gulberg III", "North Nazimabad",
]  # fmt: skip
NOTES = ["", "", "", "Please call before delivery", "Gift wrap please", "Deliver after 5 pm"]

# How often an order is placed in each store-local hour (0-23): quiet at night, busy
# in the afternoon and busiest in the evening.
HOUR_WEIGHTS = [2, 1, 1, 0, 0, 0, 0, 1, 2, 3, 5, 6, 7, 7, 6, 6, 7, 8, 9, 10, 11, 11, 8, 4]
# How far an order has got, with its weight, by how many days ago it was placed.
STAGES = ("received", "paid", "verified", "processing", "ready", "dispatched", "delivered")
STAGE_WEIGHTS = [
    (0, (55, 25, 10, 10, 0, 0, 0)),
    (2, (15, 15, 15, 30, 15, 10, 0)),
    (5, (6, 6, 8, 20, 15, 20, 25)),
    (10, (3, 2, 3, 5, 5, 7, 75)),
]
# Orders at least a day old that have not left the shop are cancelled this often.
CANCEL_SHARE = 0.06
CANCELLABLE = ("received", "paid", "verified", "processing", "ready")
# Hours from the previous step to this one.
STEP_HOURS = {
    "paid": (1, 24),
    "verified": (1, 12),
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
    # The status changes that move it along, in order, each with when it happened.
    steps: list[tuple[datetime, dict]] = field(default_factory=list)

    def request(self) -> dict:
        return {
            "customer": self.customer,
            "items": self.items,
            "payment_method": self.payment_method,
            "placed_at": self.placed_at,
        }


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def phone_number(rng: random.Random, pattern: str) -> str:
    """Fill `{n}` placeholders of `pattern` with n random digits, and `{m}` with a
    Pakistani mobile network code."""
    return pattern.format(
        *(digits(rng, n) for n in range(8)), m=rng.choice(PAKISTAN_MOBILE_PREFIXES)
    )


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
        whatsapp = phone if rng.random() < 0.8 else phone_number(rng, "+92 3{m} {7}")
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
    `now`), busier towards today and in the evening (`HOUR_WEIGHTS`), sorted."""
    today = timezone.localdate(now)
    times = []
    day_weights = [2 - offset / days for offset in range(days)]
    for offset in rng.choices(range(days), day_weights, k=count):
        midnight = timezone.make_aware(
            datetime.combine(today - timedelta(days=offset), datetime.min.time())
        )
        # Today only up to now: the hour under way counts for the part of it gone by.
        hours_gone = min(24, (now - midnight).total_seconds() / 3600)
        if hours_gone <= 0:  # the very first instant of today
            times.append(now)
            continue
        weights = [w * min(1, max(0, hours_gone - hour)) for hour, w in enumerate(HOUR_WEIGHTS)]
        start = midnight + timedelta(hours=rng.choices(range(24), weights)[0])
        span = min(3600, (now - start).total_seconds())
        times.append(start + timedelta(seconds=rng.uniform(0, span)))
    return sorted(times)


def furthest_stage(rng: random.Random, age_days: int) -> str:
    weights = next(w for since, w in reversed(STAGE_WEIGHTS) if age_days >= since)
    return rng.choices(STAGES, weights)[0]


def plan_steps(rng: random.Random, plan: PlannedOrder, stage: str, cancelled: bool, now):
    """The status changes that take `plan` to `stage` (then cancelled, if so), one step
    at a time, each after the one before and never after `now`."""
    reached = STAGES.index(stage)
    at = plan.placed_at

    def step(name: str, **changes) -> None:
        nonlocal at
        low, high = STEP_HOURS[name]
        at = min(at + timedelta(hours=rng.uniform(low, high)), now)
        plan.steps.append((at, changes))

    if reached >= STAGES.index("paid"):
        step("paid", payment_status=PaymentStatus.PAID)
    if reached >= STAGES.index("verified"):
        step("verified", payment_status=PaymentStatus.VERIFIED)
    if reached >= STAGES.index("processing"):
        step(
            "processing",
            order_status=OrderStatus.PROCESSING,
            estimated_delivery=timezone.localdate(plan.placed_at) + timedelta(days=PROMISED_DAYS),
            tracking_notes="Stitching in progress",
        )
    if reached >= STAGES.index("ready"):
        step("ready", order_status=OrderStatus.READY, tracking_notes="Packed and ready to dispatch")
    if reached >= STAGES.index("dispatched"):
        step(
            "dispatched",
            delivery_status=DeliveryStatus.OUT_FOR_DELIVERY,
            tracking_notes="With the courier",
        )
    if stage == "delivered":
        step(
            "delivered",
            order_status=OrderStatus.DELIVERED,
            delivery_status=DeliveryStatus.DELIVERED,
            tracking_notes="Delivered",
        )
    if cancelled:
        step(
            "cancelled",
            order_status=OrderStatus.CANCELLED,
            tracking_notes="Cancelled at the customer's request",
        )


def plan_orders(rng: random.Random, count: int, days: int, products, now) -> list[PlannedOrder]:
    """`count` orders over the last `days` days, in the order they were placed."""
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
        cancelled = stage in CANCELLABLE and age >= 1 and rng.random() < CANCEL_SHARE
        plan_steps(rng, plan, stage, cancelled, now)
        plans.append(plan)
    return plans


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
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed (default 1): the same seed, the same orders.",
        )

    def handle(self, *args, count, days, seed, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        products = list(Product.objects.visible().exclude(sizes=[]).exclude(colors=[]))
        if not products:
            raise CommandError(
                "The catalog has no active products to order: run `manage.py seed_catalog` first."
            )

        started = time.perf_counter()
        plans = plan_orders(random.Random(seed), count, days, products, timezone.now())
        for start in range(0, count, BATCH_SIZE):
            batch = plans[start : start + BATCH_SIZE]
            with transaction.atomic():
                orders = place_orders(requests=[plan.request() for plan in batch])
                apply_status_updates(
                    updates=[
                        StatusUpdate(order, changes, at)
                        for plan, order in zip(batch, orders, strict=True)
                        for at, changes in plan.steps
                    ]
                )

        moved = sum(1 for plan in plans if plan.steps)
        self.stdout.write(
            self.style.SUCCESS(
                f"Placed {count} demo orders over {days} days ({moved} moved on) "
                f"in {time.perf_counter() - started:.1f}s."
            )
        )
