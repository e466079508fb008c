"""`manage.py seed_demo_orders`: demo orders through the ordering and status services."""

import datetime
import io
from collections import defaultdict

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductFactory, ProductImageFactory
from orders.models import DailyOrderSequence, Order, OrderItem, OrderStatusEvent
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db

NOON_IN_KARACHI = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 21)
DEFAULTS = {
    "payment_status": "Pending",
    "order_status": "Received",
    "delivery_status": "Not Started",
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
    return products


def seed(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        call_command("seed_demo_orders", *args, stdout=out)
    return out.getvalue()


def test_orders_are_spread_over_the_days_with_each_days_own_numbers(catalog):
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


def test_items_come_from_the_active_catalog_at_its_prices(catalog):
    seed("--count", "40", "--days", "5", "--seed", "2")

    products = {product.pk: product for product in Product.objects.filter(is_active=True)}
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
    assert not OrderItem.objects.filter(product__is_active=False).exists()


def test_a_realistic_share_moves_on_with_a_consistent_history(catalog):
    seed("--count", "150", "--days", "30", "--seed", "3")

    orders = list(Order.objects.prefetch_related("history"))
    statuses = {(o.payment_status, o.order_status, o.delivery_status) for o in orders}
    assert ("Pending", "Received", "Not Started") in statuses
    assert ("Verified", "Delivered", "Delivered") in statuses
    assert any(order_status == "Cancelled" for _p, order_status, _d in statuses)
    delivered = sum(1 for o in orders if o.order_status == "Delivered")
    assert 0.3 < delivered / len(orders) < 0.8
    for order in orders:
        events = list(order.history.all())
        for field, default in DEFAULTS.items():
            changes = [event for event in events if event.field == field]
            current = getattr(order, field)
            if current == default:
                assert changes == []
            else:
                assert [(e.from_status, e.to_status) for e in changes] == [(default, current)]
        for event in events:
            assert event.changed_by is None
            assert order.created_at <= event.created_at <= NOON_IN_KARACHI
        if order.order_status in ("Processing", "Ready", "Delivered"):
            assert order.estimated_delivery == order.order_date + datetime.timedelta(days=7)
        assert order.updated_at == max((e.created_at for e in events), default=order.created_at)


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
    assert after.json()["order_id"] == f"BQ-20261121-{demo_today + 2:03d}"


def test_the_same_seed_places_the_same_orders(catalog):
    seed("--count", "15", "--days", "4", "--seed", "9")
    first = list(Order.objects.order_by("created_at").values_list("customer_name", "total_amount"))
    Order.objects.all().delete()

    seed("--count", "15", "--days", "4", "--seed", "9")

    assert (
        list(Order.objects.order_by("created_at").values_list("customer_name", "total_amount"))
        == first
    )


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
