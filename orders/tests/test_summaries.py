"""The dashboard's summaries (orders.summaries): always what counting every order gives."""

import datetime
import importlib
import io
import threading
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum

from analytics import services as analytics
from beautique.tests.threads import in_threads
from catalog.tests.factories import ProductFactory
from orders import summaries
from orders.models import (
    DeliveryStatus,
    Order,
    OrderDaySummary,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ProductSalesSummary,
    SalesPeriod,
)
from orders.services import (
    StatusUpdate,
    apply_status_updates,
    change_order_status,
    change_orders_status,
    place_order,
    place_orders,
)
from orders.tests.factories import OrderFactory, OrderItemFactory, StaffFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
CUSTOMER = {
    "customer_name": "Ayesha Khan",
    "phone": "0300-1234567",
    "whatsapp": "+92 300 1234567",
    "email": "ayesha@example.com",
    "address": "House 12, Street 4, Gulshan-e-Iqbal",
    "city": "Karachi",
    "country": "Pakistan",
    "notes": "",
}
build_migration = importlib.import_module("orders.migrations.0007_build_order_summaries")


def karachi(month: int, day: int, hour: int = 12) -> datetime.datetime:
    """A 2026 moment given in Karachi time (UTC+5)."""
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC) - datetime.timedelta(hours=5)


def line(product, quantity=1) -> dict:
    return {"product_id": product.pk, "size": "M", "color": "Maroon", "quantity": quantity}


def place(*lines, at: datetime.datetime) -> Order:
    order, _ = place_order(
        customer=CUSTOMER, items=list(lines), payment_method="Easypaisa", placed_at=at
    )
    return order


def request(*lines, at: datetime.datetime) -> dict:
    return {
        "customer": CUSTOMER,
        "items": list(lines),
        "payment_method": "Easypaisa",
        "placed_at": at,
    }


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def counted_from_scratch() -> tuple[dict, dict]:
    """The summaries' rows as counting every order and line in Python gives them."""
    days = defaultdict(lambda: [0, Decimal(0)])
    for order in Order.objects.all():
        row = days[
            (order.order_date, order.payment_status, order.order_status, order.delivery_status)
        ]
        row[0] += 1
        row[1] += order.total_amount
    sales = defaultdict(lambda: [0, Decimal(0), 0])
    for item in OrderItem.objects.select_related("order"):
        if item.order.order_status == OrderStatus.CANCELLED:
            continue
        day = item.order.order_date
        for key in [
            (SalesPeriod.DAY.value, day, day, item.product_uuid),
            (SalesPeriod.MONTH.value, day.replace(day=1), month_end(day), item.product_uuid),
        ]:
            row = sales[key]
            row[0] += item.quantity
            row[1] += item.line_total
            row[2] = max(row[2], item.pk)
    return (
        {key: tuple(row) for key, row in days.items()},
        {key: tuple(row) for key, row in sales.items()},
    )


def stored() -> tuple[dict, dict]:
    """The summaries' rows added up over their shards, leaving out those whose orders or
    lines have all moved on (which must hold nothing else). No shard's row is ever below
    zero: an order's changes are counted in its own shard."""
    shard_rows = [
        (
            *(row.order_date, row.payment_status, row.order_status, row.delivery_status),
            *(row.shard, row.orders, row.total_amount),
        )
        for row in OrderDaySummary.objects.all()
    ]
    sales_rows = [
        (
            *(row.period, row.first_day, row.last_day, row.product_uuid, row.shard),
            *(row.quantity, row.revenue, row.latest_line_id),
        )
        for row in ProductSalesSummary.objects.all()
    ]
    assert all(row[5] >= 0 for row in shard_rows) and all(row[5] >= 0 for row in sales_rows)
    assert all(row[5:] == (0, 0) for row in shard_rows if not row[5])
    assert all(row[5:] == (0, 0, None) for row in sales_rows if not row[5])
    days = defaultdict(lambda: (0, Decimal(0)))
    for *key, _shard, orders, total in shard_rows:
        counted = days[tuple(key)]
        days[tuple(key)] = (counted[0] + orders, counted[1] + total)
    sales = defaultdict(lambda: (0, Decimal(0), 0))
    for *key, _shard, quantity, revenue, latest in sales_rows:
        counted = sales[tuple(key)]
        sales[tuple(key)] = (
            counted[0] + quantity,
            counted[1] + revenue,
            max(counted[2], latest or 0),
        )
    return (
        {key: figures for key, figures in days.items() if figures[0]},
        {key: figures for key, figures in sales.items() if figures[0]},
    )


def assert_summaries_match_the_orders():
    assert stored() == counted_from_scratch()


@pytest.fixture
def products():
    return [
        ProductFactory(regular_price=Decimal(price)) for price in ("2500.00", "4999.90", "1200.50")
    ]


def test_summaries_follow_placements_and_every_kind_of_status_change(products):
    silk, lawn, shawl = products
    # Either side of a month's end, in Karachi's days.
    first = place(line(silk, 2), line(lawn), at=karachi(10, 31, 23))
    second = place(line(silk), line(shawl, 3), at=karachi(11, 1, 9))
    third = place(line(silk, 4), at=karachi(11, 1, 18))
    batch = place_orders(
        requests=[
            request(line(lawn, 2), line(shawl), at=karachi(11, 1, 20)),
            request(line(silk), at=karachi(11, 2, 10)),
            request(line(silk), line(lawn), line(shawl), at=karachi(10, 15)),
        ]
    )
    assert first.order_date == datetime.date(2026, 10, 31)
    assert_summaries_match_the_orders()

    change_order_status(order=first, payment_status=PaymentStatus.PAID)
    change_order_status(order=first, payment_status=PaymentStatus.VERIFIED)
    assert_summaries_match_the_orders()

    # Cancelling the day's latest silk line makes the earlier one the latest counted.
    owner = StaffFactory(username="owner", is_superuser=True)
    change_order_status(order=third, order_status=OrderStatus.CANCELLED)
    assert_summaries_match_the_orders()
    change_order_status(
        order=third, order_status=OrderStatus.RECEIVED, changed_by=owner, note="Reinstated"
    )
    assert_summaries_match_the_orders()

    change_orders_status(
        orders=[second, third, *batch], order_status=OrderStatus.CANCELLED, tracking_notes="Gone"
    )
    assert_summaries_match_the_orders()
    for reopened in (second, batch[0]):
        change_order_status(
            order=reopened, order_status=OrderStatus.RECEIVED, changed_by=owner, note="Back"
        )
    change_orders_status(orders=[second, batch[0]], payment_status=PaymentStatus.PAID)
    change_orders_status(orders=[second, batch[0]], order_status=OrderStatus.READY)
    assert_summaries_match_the_orders()

    hour = datetime.timedelta(hours=1)
    apply_status_updates(
        updates=[
            StatusUpdate(first, {"order_status": OrderStatus.CANCELLED}, karachi(11, 3)),
            StatusUpdate(second, {"payment_status": PaymentStatus.VERIFIED}, karachi(11, 3)),
            StatusUpdate(first, {"order_status": OrderStatus.READY}, karachi(11, 3) + hour),
            # Cancelled and back within the batch: no move of its lines at all.
            StatusUpdate(batch[0], {"order_status": OrderStatus.CANCELLED}, karachi(11, 3)),
            StatusUpdate(batch[0], {"order_status": OrderStatus.READY}, karachi(11, 3) + hour),
            StatusUpdate(batch[1], {"order_status": OrderStatus.RECEIVED}, karachi(11, 3)),
            StatusUpdate(
                second,
                {"delivery_status": DeliveryStatus.DELIVERED, "payment_status": "Verified"},
                karachi(11, 4),
            ),
        ],
        changed_by=owner,
        note="Corrections",
    )
    assert_summaries_match_the_orders()


def test_a_status_change_that_changes_no_status_moves_nothing(products, django_assert_num_queries):
    order = place(line(products[0]), at=karachi(11, 20))
    with django_assert_num_queries(4) as captured:
        change_order_status(order=order, tracking_notes="Packed")
    assert not [query for query in captured.captured_queries if 'summary"' in query["sql"]]
    assert_summaries_match_the_orders()


def test_placing_an_order_writes_two_summary_statements_whatever_its_lines(
    products, django_assert_num_queries
):
    def summary_statements(*lines):
        # PostgreSQL also claims the order's summary shard (shard_for_new_orders): one
        # query more.
        with django_assert_num_queries(9 if connection.vendor == "postgresql" else 8) as captured:
            place(*lines, at=karachi(11, 20))
        return [
            query["sql"].split()[2]
            for query in captured.captured_queries
            if 'summary"' in query["sql"]
        ]

    assert summary_statements(line(products[0])) == [
        '"orders_orderdaysummary"',
        '"orders_productsalessummary"',
    ]
    assert summary_statements(*(line(product) for product in products)) == [
        '"orders_orderdaysummary"',
        '"orders_productsalessummary"',
    ]


def test_seeded_demo_orders_are_summarised(products, time_machine):
    """seed_demo_orders: batched placements and status walks, cancellations included."""
    time_machine.move_to(karachi(11, 21), tick=False)
    call_command("seed_demo_orders", "--count", "300", "--days", "40", stdout=io.StringIO())

    assert Order.objects.filter(order_status=OrderStatus.CANCELLED).exists()
    assert_summaries_match_the_orders()


def test_the_top_products_name_follows_the_latest_line_still_counted(products):
    silk = products[0]
    first_name = silk.name
    place(line(silk), at=karachi(11, 10))
    silk.name = "Silk Maxi Dress Deluxe"
    silk.save()
    renamed = place(line(silk), at=karachi(11, 10, 15))

    def top_name():
        (top,) = analytics.top_products()
        return top.name

    assert top_name() == "Silk Maxi Dress Deluxe"
    change_order_status(order=renamed, order_status=OrderStatus.CANCELLED)
    assert top_name() == first_name
    change_order_status(
        order=renamed,
        order_status=OrderStatus.RECEIVED,
        changed_by=StaffFactory(is_superuser=True),
        note="Reinstated",
    )
    assert top_name() == "Silk Maxi Dress Deluxe"


# Ranges around October and November 2026 and the months next to them.
RANGES = [
    (None, None),
    (datetime.date(2026, 11, 1), None),
    (datetime.date(2026, 11, 2), None),
    (None, datetime.date(2026, 10, 31)),
    (None, datetime.date(2026, 10, 30)),
    (datetime.date(2026, 10, 1), datetime.date(2026, 11, 30)),
    (datetime.date(2026, 10, 2), datetime.date(2026, 11, 29)),
    (datetime.date(2026, 10, 15), datetime.date(2026, 10, 15)),
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
    (datetime.date(2026, 10, 31), datetime.date(2026, 11, 1)),
    (datetime.date(2026, 9, 30), datetime.date(2026, 12, 1)),
    (datetime.date(2026, 11, 5), datetime.date(2026, 11, 25)),
    (datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
    (datetime.date(9999, 12, 2), None),
]


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_a_range_adds_up_whole_months_and_the_days_around_them(products, start, end):
    silk, lawn, shawl = products
    days = [
        (9, 30),
        (10, 1),
        (10, 2),
        (10, 15),
        (10, 30),
        (10, 31),
        (11, 1),
        (11, 2),
        (11, 29),
        (11, 30),
        (12, 1),
    ]
    place_orders(
        requests=[
            request(line(silk, 1 + n % 3), line(lawn), line(shawl, n % 2 + 1), at=karachi(*day))
            for n, day in enumerate(days)
        ]
    )
    expected = defaultdict(int)
    for item in OrderItem.objects.select_related("order"):
        if (start is None or item.order.order_date >= start) and (
            end is None or item.order.order_date <= end
        ):
            expected[item.product_uuid] += item.quantity

    rows = ProductSalesSummary.objects.filter(summaries.product_sales_between(start, end))
    summed = defaultdict(int)
    for row in rows:
        summed[row.product_uuid] += row.quantity

    assert summed == expected


def test_the_migration_counts_the_orders_placed_before_it():
    silk, lawn = ProductFactory(), ProductFactory()
    kept = OrderFactory(
        order_date=datetime.date(2026, 10, 31),
        payment_status=PaymentStatus.VERIFIED,
        total_amount=Decimal("7500.50"),
    )
    cancelled = OrderFactory(
        order_date=datetime.date(2026, 10, 31),
        order_status=OrderStatus.CANCELLED,
        total_amount=Decimal("1000.00"),
    )
    november = OrderFactory(order_date=datetime.date(2026, 11, 1), total_amount=Decimal("300"))
    first = OrderItemFactory(order=kept, product=silk, quantity=2, line_total=Decimal("5000.50"))
    second = OrderItemFactory(order=kept, product=lawn, quantity=1, line_total=Decimal("2500"))
    OrderItemFactory(order=cancelled, product=silk, quantity=4, line_total=Decimal("1000"))
    third = OrderItemFactory(order=november, product=silk, quantity=3, line_total=Decimal("300"))
    OrderDaySummary.objects.all().delete()
    ProductSalesSummary.objects.all().delete()

    build_migration.build_summaries(apps, SimpleNamespace(connection=connection))

    october, last_of_october = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    first_of_november = datetime.date(2026, 11, 1)
    assert stored() == (
        {
            (last_of_october, "Verified", "Received", "Not Started"): (1, Decimal("7500.50")),
            (last_of_october, "Pending", "Cancelled", "Not Started"): (1, Decimal("1000.00")),
            (first_of_november, "Pending", "Received", "Not Started"): (1, Decimal("300.00")),
        },
        {
            ("day", last_of_october, last_of_october, silk.pk): (2, Decimal("5000.50"), first.pk),
            ("day", last_of_october, last_of_october, lawn.pk): (1, Decimal("2500.00"), second.pk),
            ("day", first_of_november, first_of_november, silk.pk): (
                3,
                Decimal("300.00"),
                third.pk,
            ),
            ("month", october, last_of_october, silk.pk): (2, Decimal("5000.50"), first.pk),
            ("month", october, last_of_october, lawn.pk): (1, Decimal("2500.00"), second.pk),
            ("month", first_of_november, datetime.date(2026, 11, 30), silk.pk): (
                3,
                Decimal("300.00"),
                third.pk,
            ),
        },
    )
    assert_summaries_match_the_orders()

    build_migration.remove_summaries(apps, SimpleNamespace(connection=connection))
    assert not OrderDaySummary.objects.exists()
    assert not ProductSalesSummary.objects.exists()


def test_the_dashboard_reads_a_fixed_number_of_queries_however_many_orders(
    products, django_assert_num_queries
):
    def place_many(count):
        place_orders(
            requests=[
                request(
                    line(products[n % 3], 1 + n % 4),
                    line(products[(n + 1) % 3]),
                    at=karachi(9 + n % 3, 1 + n % 28, 8 + n % 12),
                )
                for n in range(count)
            ]
        )

    place_many(3)
    for bounds in ({}, {"start_date": datetime.date(2026, 10, 5)}):
        with django_assert_num_queries(5):
            analytics.dashboard(**bounds)
    place_many(90)
    for bounds in ({}, {"start_date": datetime.date(2026, 10, 5)}):
        with django_assert_num_queries(5):
            analytics.dashboard(**bounds)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_placements_and_cancellations_lose_no_count(products):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    silk, lawn, shawl = products
    at, day = karachi(11, 21, 10), datetime.date(2026, 11, 21)
    earlier = [place(line(silk), line(lawn, 2), at=at) for _ in range(10)]

    def work(index):
        if index < 20:
            place(line(silk, 1 + index % 3), line(shawl), line(lawn), at=at)
        else:
            change_order_status(order=earlier[index - 20], order_status=OrderStatus.CANCELLED)

    _, errors = in_threads(30, work)
    assert errors == []

    assert Order.objects.count() == 30
    assert_summaries_match_the_orders()
    received = OrderDaySummary.objects.filter(order_date=day, order_status=OrderStatus.RECEIVED)
    assert received.aggregate(orders=Sum("orders")) == {"orders": 20}
    # Each connection counts its orders in its own shard's rows: they did not all queue
    # on one row.
    assert received.values("shard").distinct().count() > 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transactions_open_at_once_claim_different_shards_until_they_end():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    all_claimed = threading.Barrier(summaries.SHARDS)

    def claim(index):
        with transaction.atomic():
            shard = summaries.shard_for_new_orders()
            all_claimed.wait(timeout=10)
            return shard

    shards, errors = in_threads(summaries.SHARDS, claim)

    assert errors == []
    assert sorted(shards) == list(range(summaries.SHARDS))
    with transaction.atomic():
        assert summaries.shard_for_new_orders() == 0  # released at their ends
