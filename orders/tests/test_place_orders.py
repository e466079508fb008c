"""place_orders (many orders in one go) and place_order's `placed_at`: the same rules,
each order numbered on its own store-local day."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from orders.models import DailyOrderSequence, Order, OrderItem
from orders.services import next_order_numbers, place_order, place_orders

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOON_IN_KARACHI = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
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


def karachi(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A November 2026 moment given in Karachi time (UTC+5)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=UTC) - datetime.timedelta(hours=5)


def line(product, **overrides) -> dict:
    return {"product_id": product.pk, "size": "M", "color": "Maroon", "quantity": 1, **overrides}


def request(*lines, placed_at=None, **customer) -> dict:
    body = {
        "customer": {**CUSTOMER, **customer},
        "items": list(lines),
        "payment_method": "Easypaisa",
    }
    if placed_at is not None:
        body["placed_at"] = placed_at
    return body


def counts():
    return (Order.objects.count(), OrderItem.objects.count(), DailyOrderSequence.objects.count())


def snapshot(order: Order):
    return (
        order.total_amount,
        order.phone_digits,
        [
            (
                i.product_uuid,
                i.name,
                i.size,
                i.color,
                i.quantity,
                i.unit_price,
                i.line_total,
                i.image,
            )
            for i in order.items.order_by("id")
        ],
    )


def test_each_order_gets_its_days_next_number_in_the_order_they_were_placed():
    product = ProductFactory()
    DailyOrderSequence.objects.create(date=datetime.date(2026, 11, 20), last_number=4)
    placed = [karachi(21, 15), karachi(20, 10), karachi(21, 9), karachi(20, 23, 59), karachi(22, 0)]

    orders = place_orders(requests=[request(line(product), placed_at=at) for at in placed])

    assert [order.order_id for order in orders] == [
        "BQ-20261121-002",
        "BQ-20261120-005",
        "BQ-20261121-001",
        "BQ-20261120-006",
        "BQ-20261122-001",
    ]
    assert [
        (o.order_id, o.order_date.day, o.created_at, o.updated_at)
        for o in Order.objects.order_by("created_at")
    ] == [
        ("BQ-20261120-005", 20, placed[1], placed[1]),
        ("BQ-20261120-006", 20, placed[3], placed[3]),
        ("BQ-20261121-001", 21, placed[2], placed[2]),
        ("BQ-20261121-002", 21, placed[0], placed[0]),
        ("BQ-20261122-001", 22, placed[4], placed[4]),
    ]
    assert dict(DailyOrderSequence.objects.values_list("date", "last_number")) == {
        datetime.date(2026, 11, 20): 6,
        datetime.date(2026, 11, 21): 2,
        datetime.date(2026, 11, 22): 1,
    }


def test_without_placed_at_an_order_is_placed_now():
    product = ProductFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 23, 30, tzinfo=UTC), tick=False):
        (order,) = place_orders(requests=[request(line(product))])

    stored = Order.objects.get()
    assert (stored.order_id, stored.order_date) == ("BQ-20261122-001", datetime.date(2026, 11, 22))
    assert (
        stored.created_at
        == stored.updated_at
        == datetime.datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    )
    assert order.pk == stored.pk


def test_a_later_real_order_continues_the_days_sequence(api_client):
    product = ProductFactory()
    place_orders(requests=[request(line(product), placed_at=karachi(21, h)) for h in (9, 10, 11)])

    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        order, created = place_order(
            customer=CUSTOMER, items=[line(product)], payment_method="Easypaisa"
        )

    assert created
    assert order.order_id == "BQ-20261121-004"


def test_one_sequence_upsert_per_day_whatever_the_number_of_orders(django_assert_num_queries):
    products = ProductFactory.create_batch(3)
    for product in products:
        ProductImageFactory(product=product)
    days = (karachi(19, 10), karachi(20, 10), karachi(21, 10))

    def place(per_day):
        requests = [
            request(
                *(line(product) for product in products),
                placed_at=at + datetime.timedelta(minutes=n),
            )
            for at in days
            for n in range(per_day)
        ]
        # PostgreSQL also claims the batch's summary shard (orders.summaries): one query more.
        with django_assert_num_queries(11 if connection.vendor == "postgresql" else 10) as captured:
            place_orders(requests=requests)
        upserts = [
            q["sql"] for q in captured.captured_queries if "orders_dailyordersequence" in q["sql"]
        ]
        assert len(upserts) == 3

    place(1)
    place(10)

    assert Order.objects.count() == 33
    assert OrderItem.objects.count() == 99
    assert dict(DailyOrderSequence.objects.values_list("date", "last_number")) == {
        datetime.date(2026, 11, 19): 11,
        datetime.date(2026, 11, 20): 11,
        datetime.date(2026, 11, 21): 11,
    }


def test_an_invalid_request_is_named_and_nothing_is_written():
    good = ProductFactory(sizes=["S", "M"], colors=["Maroon"])
    hidden = ProductFactory(
        category=CategoryFactory(name="Retired", slug="retired", is_active=False)
    )
    DailyOrderSequence.objects.create(date=datetime.date(2026, 11, 21), last_number=4)
    requests = [
        request(line(good), placed_at=karachi(21, 9)),
        request(line(good), placed_at=karachi(21, 10), phone="0300-12345"),
        request(line(good), line(good, size="XXL"), line(hidden), placed_at=karachi(21, 11)),
        request(line(good), placed_at=karachi(21, 12)),
        request(placed_at=karachi(21, 13)),
    ]
    requests[3]["payment_method"] = "Cash"

    with pytest.raises(ValidationError) as raised:
        place_orders(requests=requests)

    assert raised.value.message_dict == {
        "requests.1.phone": ["Phone must be 10-15 digits"],
        "requests.2.items.1.size": ["Size XXL is not available for this product"],
        "requests.2.items.2.product_id": ["This product is not available"],
        "requests.3.payment_method": [
            "Payment method must be one of: Easypaisa, Meezan Bank, International Bank"
        ],
        "requests.4.items": ["An order has 1 to 50 items"],
    }
    assert (Order.objects.count(), OrderItem.objects.count()) == (0, 0)
    assert DailyOrderSequence.objects.get().last_number == 4


def test_the_snapshot_and_prices_follow_the_rules_of_place_order():
    on_sale = ProductFactory(
        name="Lawn Suit",
        regular_price=Decimal("4000.00"),
        sale_price=Decimal("3333.33"),
        colors=["Sky Blue"],
    )
    ProductImageFactory(product=on_sale, url="https://res.cloudinary.com/demo/a.jpg", position=0)
    ProductImageFactory(product=on_sale, url="https://res.cloudinary.com/demo/b.jpg", position=1)
    regular = ProductFactory(name="Chiffon Gharara", regular_price=Decimal("1250.50"))
    lines = [
        line(on_sale, color="sKY bLUE", quantity=3, price=1, name="Free"),
        line(regular, quantity=2),
    ]

    single, _created = place_order(customer=CUSTOMER, items=lines, payment_method="Easypaisa")
    (batched,) = place_orders(requests=[request(*lines)])

    assert snapshot(Order.objects.get(pk=batched.pk)) == snapshot(single) == (
        Decimal("12500.99"),
        "923001234567",
        [
            (on_sale.pk, "Lawn Suit", "M", "Sky Blue", 3, Decimal("3333.33"), Decimal("9999.99"), "https://res.cloudinary.com/demo/a.jpg"),
            (regular.pk, "Chiffon Gharara", "M", "Maroon", 2, Decimal("1250.50"), Decimal("2501.00"), ""),
        ],
    )  # fmt: skip
    assert batched.request_fingerprint == single.request_fingerprint
    assert (batched.payment_status, batched.order_status, batched.delivery_status) == (
        "Pending",
        "Received",
        "Not Started",
    )


def test_a_request_with_a_key_place_orders_does_not_know_is_a_programming_error():
    product = ProductFactory()
    with pytest.raises(TypeError, match=r"Unexpected keys in requests\.0: \['idempotency_key'\]"):
        place_orders(requests=[{**request(line(product)), "idempotency_key": "cart-1"}])
    assert counts() == (0, 0, 0)


def test_no_requests_write_nothing():
    assert place_orders(requests=[]) == []
    assert counts() == (0, 0, 0)


def test_place_order_at_a_given_moment_takes_that_days_number():
    product = ProductFactory()
    moment = karachi(18, 20, 15)

    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        order, _created = place_order(
            customer=CUSTOMER, items=[line(product)], payment_method="Easypaisa", placed_at=moment
        )

    stored = Order.objects.get()
    assert (stored.order_id, stored.order_date) == ("BQ-20261118-001", datetime.date(2026, 11, 18))
    assert stored.created_at == stored.updated_at == moment
    assert order.pk == stored.pk


def test_next_order_numbers_takes_a_block_and_returns_its_last_number():
    day = datetime.date(2026, 11, 21)
    assert next_order_numbers(day, 5) == 5
    assert next_order_numbers(day, 1) == 6
    assert next_order_numbers(day, 3) == 9
    assert DailyOrderSequence.objects.get(date=day).last_number == 9
    with pytest.raises(ValueError, match="count must be at least 1, not 0"):
        next_order_numbers(day, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batches_and_single_orders_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    product = ProductFactory()
    barrier = threading.Barrier(8)
    errors = []

    def run(index):
        try:
            barrier.wait()
            if index % 2:
                place_orders(requests=[request(line(product)) for _ in range(10)])
            else:
                place_order(customer=CUSTOMER, items=[line(product)], payment_method="Easypaisa")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(NOON_IN_KARACHI):
        threads = [threading.Thread(target=run, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sorted(Order.objects.values_list("order_id", flat=True)) == [
        f"BQ-20261121-{n:03d}" for n in range(1, 45)
    ]
    assert DailyOrderSequence.objects.get().last_number == 44
