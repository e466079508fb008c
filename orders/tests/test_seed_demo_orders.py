"""`manage.py seed_demo_orders`: demo orders through the ordering and status services."""

import datetime
import io
import re
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from orders.management.commands import seed_demo_orders
from orders.models import DailyOrderSequence, Order, OrderItem, OrderStatusEvent
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db

NOON_IN_KARACHI = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 21)
# Each status's values in the order an order moves through them.
STATUS_PATHS = {
    "payment_status": ["Pending", "Paid", "Verified"],
    "order_status": ["Received", "Processing", "Ready", "Delivered"],
    "delivery_status": ["Not Started", "Out for Delivery", "Delivered"],
}


@pytest.fixture
def catalog():
    products = [
        ProductFactory(sizes=["S", "M"], colors=["Maroon"]),
        ProductFactory(sizes=["L", "XL", "XXL"], colors=["Emerald", "Ivory"]),
        ProductFactory(sizes=["M"], colors=["Navy"]),
    ]
    ProductImageFactory(product=products[0], url="https://res.cloudinary.com/demo/a.jpg")
    ProductFactory(name="Hidden", is_active=False)
    retired = CategoryFactory(name="Retired", slug="retired", is_active=False)
    ProductFactory(name="In a retired category", category=retired)
    return products


def seed(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        call_command("seed_demo_orders", *args, stdout=out)
    return out.getvalue()


def test_orders_are_spread_over_the_days_with_each_days_own_numbers(catalog, monkeypatch):
    # Small batches, so a day's numbering carries on from one batch to the next.
    monkeypatch.setattr(seed_demo_orders, "BATCH_SIZE", 7)

    output = seed("--count", "80", "--days", "10", "--seed", "1")

    assert output.startswith("Placed 80 demo orders over 10 days (")
    orders = list(Order.objects.order_by("created_at"))
    assert len(orders) == 80
    by_day = defaultdict(list)
    for order in orders:
        assert timezone.localdate(order.created_at) == order.order_date
        assert order.created_at <= NOON_IN_KARACHI
        by_day[order.order_date].append(order.order_id)
    assert min(by_day) >= TODAY - datetime.timedelta(days=9)
    assert max(by_day) == TODAY
    assert len(by_day) >= 8
    for day, order_ids in by_day.items():
        # Numbered 1, 2, 3 ... in the order they were placed that day.
        assert order_ids == [f"BQ-{day:%Y%m%d}-{n:03d}" for n in range(1, len(order_ids) + 1)]
    assert dict(DailyOrderSequence.objects.values_list("date", "last_number")) == {
        day: len(order_ids) for day, order_ids in by_day.items()
    }


def test_orders_are_placed_at_realistic_times_of_day(catalog):
    seed("--count", "300", "--days", "10")

    hours = Counter(timezone.localtime(order.created_at).hour for order in Order.objects.all())
    # Night owls shop after midnight, nobody before dawn; the evening is the busiest.
    assert sum(hours[hour] for hour in range(3)) > 0
    assert sum(hours[hour] for hour in range(3, 7)) == 0
    assert sum(hours[hour] for hour in range(18, 23)) > 300 * 0.3
    assert len(set(Order.objects.values_list("created_at", flat=True))) == 300


def test_items_come_from_the_visible_catalog_at_its_prices(catalog):
    seed("--count", "40", "--days", "5", "--seed", "2")

    products = {product.pk: product for product in Product.objects.visible()}
    for order in Order.objects.prefetch_related("items"):
        items = list(order.items.all())
        assert 1 <= len(items) <= 3
        for item in items:
            product = products[item.product_id]
            assert (item.product_uuid, item.name) == (product.pk, product.name)
            assert item.size in product.sizes
            assert item.color in product.colors
            assert item.unit_price == product.effective_price
            assert item.line_total == item.unit_price * item.quantity
            assert item.image == (product.images.first().src if product.images.exists() else "")
        assert order.total_amount == sum(item.line_total for item in items)
        assert len(order.phone_digits) >= 10
    assert set(OrderItem.objects.values_list("product_id", flat=True)) <= set(products)


def test_each_status_has_its_history_step_by_step_after_the_order_was_placed(catalog):
    seed("--count", "200", "--days", "30", "--seed", "3")

    for order in Order.objects.prefetch_related("history"):
        events = list(order.history.all())
        times = [event.created_at for event in events]
        assert times == sorted(times)
        assert all(order.created_at <= at <= NOON_IN_KARACHI for at in times)
        assert order.updated_at == max(times, default=order.created_at)
        for field, path in STATUS_PATHS.items():
            steps = [(e.from_status, e.to_status) for e in events if e.field == field]
            current = getattr(order, field)
            if current == "Cancelled":
                assert steps[-1][1] == "Cancelled"
                steps = steps[:-1]
                reached = steps[-1][1] if steps else "Received"
            else:
                reached = current
            # From the default, one step at a time along the path, to where it is now.
            assert steps == list(pairwise(path[: path.index(reached) + 1]))
        assert all(event.changed_by is None for event in events)
        processed = any(event.to_status == "Processing" for event in events)
        assert order.estimated_delivery == (
            order.order_date + datetime.timedelta(days=7) if processed else None
        )


def test_a_realistic_mix_of_statuses_by_age(catalog):
    seed("--count", "400", "--days", "30", "--seed", "4")

    orders = list(Order.objects.all())
    old = [order for order in orders if (TODAY - order.order_date).days >= 10]
    today = [order for order in orders if order.order_date == TODAY]
    assert len(old) > 100
    assert len(today) > 10
    assert sum(o.order_status == "Delivered" for o in old) / len(old) > 0.6
    assert all(o.payment_status == "Verified" for o in old if o.order_status == "Delivered")
    assert all(o.delivery_status == "Delivered" for o in old if o.order_status == "Delivered")
    assert 0 < sum(o.order_status == "Cancelled" for o in orders) < len(orders) * 0.1
    assert all(o.delivery_status == "Not Started" for o in orders if o.order_status == "Cancelled")
    assert {o.order_status for o in today} <= {"Received", "Processing"}
    assert sum(o.payment_status == "Pending" for o in today) / len(today) > 0.3
    tracking = {
        "Delivered": "Delivered",
        "Cancelled": "Cancelled at the customer's request",
        "Received": None,
    }
    for order in orders:
        if order.order_status in tracking:
            assert order.tracking_notes == tracking[order.order_status]


def test_real_orders_of_today_carry_on_after_the_demo_ones(catalog, api_client):
    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        before = api_client.post(
            "/api/orders",
            order_payload({"product_id": str(catalog[0].pk), "size": "S"}),
            format="json",
        )
    seed("--count", "60", "--days", "3", "--seed", "4")
    demo_today = Order.objects.filter(order_date=TODAY).count() - 1
    with time_machine.travel(NOON_IN_KARACHI + datetime.timedelta(minutes=5), tick=False):
        after = api_client.post(
            "/api/orders",
            order_payload({"product_id": str(catalog[0].pk), "size": "S"}),
            format="json",
        )

    assert before.json()["order_id"] == "BQ-20261121-001"
    assert demo_today > 0
    assert sorted(Order.objects.filter(order_date=TODAY).values_list("order_id", flat=True)) == [
        f"BQ-20261121-{n:03d}" for n in range(1, demo_today + 3)
    ]
    assert after.json()["order_id"] == f"BQ-20261121-{demo_today + 2:03d}"


def placed() -> list[tuple]:
    return list(
        Order.objects.order_by("created_at").values_list(
            "order_id",
            "created_at",
            "customer_name",
            "total_amount",
            "payment_status",
            "order_status",
            "delivery_status",
            "updated_at",
        )
    )


def reset():
    Order.objects.all().delete()
    DailyOrderSequence.objects.all().delete()


@pytest.mark.parametrize("args", [["--seed", "9"], []])
def test_the_same_seed_places_the_same_orders(catalog, args):
    seed("--count", "15", "--days", "4", *args)
    first = placed()
    reset()

    seed("--count", "15", "--days", "4", *args)

    assert placed() == first
    reset()
    seed("--count", "15", "--days", "4", "--seed", "10")
    assert placed() != first


def test_a_batch_costs_a_fixed_handful_of_queries_not_some_per_order(
    catalog, django_assert_num_queries
):
    # SQLite takes at most 999 parameters a statement, so its bulk inserts of orders,
    # items and history come in 16 statements where PostgreSQL's take 3; PostgreSQL also
    # claims the batch's summary shard (one SELECT more).
    with django_assert_num_queries(25 if connection.vendor == "postgresql" else 37) as captured:
        seed("--count", "300", "--days", "3")

    queries = captured.captured_queries
    statements = Counter(query["sql"].split()[0] for query in queries)
    sequence_upserts = [q for q in queries if "orders_dailyordersequence" in q["sql"]]
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and q not in sequence_upserts]
    # The catalog for the command; the products (with their first images, key-share
    # locked on PostgreSQL) for the batch; the orders locked for their status changes;
    # the lines of the orders it cancels, which leave their products' sales; on
    # PostgreSQL the batch's summary shard, claimed once.
    assert statements["SELECT"] == 4 + (connection.vendor == "postgresql")
    assert len(sequence_upserts) == 3  # one per day
    # The orders' new statuses: one statement run for each moved order (executemany).
    (order_updates,) = [q["sql"] for q in queries if 'UPDATE "orders_order"' in q["sql"]]
    assert re.match(r'\d+ times: UPDATE "orders_order" SET ', order_updates)
    # Orders, items and history in bulk, split only by the database's parameter limit.
    assert len(inserts) < 300 / 10
    assert Order.objects.count() == 300


def test_an_empty_catalog_is_refused_with_what_to_do():
    with pytest.raises(CommandError) as error:
        seed("--count", "5")

    assert str(error.value) == (
        "The catalog has no active products to order: run `manage.py seed_catalog` first."
    )
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count must be at least 1."),
        (["--days", "0"], "--days must be at least 1."),
    ],
)
def test_counts_must_be_positive(catalog, args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not OrderStatusEvent.objects.exists()
