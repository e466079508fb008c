"""GET /api/orders/track: an order id plus the phone it was placed with, in any notation."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from rest_framework.throttling import ScopedRateThrottle

from catalog.tests.factories import ProductFactory, ProductImageFactory
from orders.models import Order
from orders.services import change_order_status
from orders.tests.factories import OrderFactory, OrderItemFactory, StaffFactory, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return StaffFactory(username="hina")


URL = "/api/orders/track"
UTC = datetime.UTC
NOT_FOUND = b'{"detail":"Order not found"}'


@pytest.fixture
def order(api_client, clerk):
    """An order placed through the API at noon in Karachi, then moved along by staff."""
    product = ProductFactory(
        name="Silk Maxi Dress", regular_price=Decimal("12500.00"), sale_price=Decimal("9999.00")
    )
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/a.jpg")
    with time_machine.travel(datetime.datetime(2026, 11, 21, 7, 0, tzinfo=UTC), tick=False):
        response = api_client.post(
            "/api/orders",
            order_payload({"product_id": str(product.pk), "quantity": 2}),
            format="json",
        )
    assert response.status_code == 201
    placed = Order.objects.get()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 8, 0, tzinfo=UTC), tick=False):
        change_order_status(order=placed, changed_by=clerk, payment_status="Paid")
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, 30, tzinfo=UTC), tick=False):
        change_order_status(
            order=placed,
            changed_by=clerk,
            payment_status="Paid",
            order_status="Processing",
            estimated_delivery=datetime.date(2026, 11, 25),
            tracking_notes="Stitching in progress",
        )
    return Order.objects.get(pk=placed.pk)


def track(client, order_id, phone, **extra):
    return client.get(URL, {"order_id": order_id, "phone": phone}, **extra)


def test_tracking_shows_the_order_without_contact_details(api_client, order):
    response = track(api_client, order.order_id, "03001234567")

    assert response.status_code == 200
    assert response.json() == {
        "order_id": "BQ-20261121-001",
        "order_date": "2026-11-21",
        "customer_name": "Ayesha Khan",
        "items": [
            {
                "product_id": str(order.items.get().product_uuid),
                "name": "Silk Maxi Dress",
                "size": "M",
                "color": "Maroon",
                "quantity": 2,
                "price": 9999.0,
                "line_total": 19998.0,
                "image": "https://res.cloudinary.com/demo/a.jpg",
            }
        ],
        "total_amount": 19998.0,
        "payment_method": "Easypaisa",
        "payment_status": "Paid",
        "order_status": "Processing",
        "delivery_status": "Not Started",
        "estimated_delivery": "2026-11-25",
        "tracking_notes": "Stitching in progress",
        "timeline": [
            {"field": "payment_status", "status": "Paid", "at": "2026-11-21T13:00:00+05:00"},
            {"field": "order_status", "status": "Processing", "at": "2026-11-21T14:30:00+05:00"},
        ],
    }


@pytest.mark.parametrize(
    "phone",
    [
        "03001234567",
        "0300-1234567",
        "+92 300 1234567",
        "+923001234567",
        "923001234567",
        "00923001234567",
        "(0300) 123.4567",
    ],
)
def test_every_notation_of_the_phone_finds_the_order(api_client, order, phone):
    response = track(api_client, order.order_id, phone)
    assert response.status_code == 200
    assert response.json()["order_id"] == order.order_id


def test_the_order_id_may_be_typed_in_lower_case(api_client, order):
    assert track(api_client, " bq-20261121-001 ", "03001234567").status_code == 200


@pytest.mark.parametrize(
    ("order_id", "phone"),
    [
        ("BQ-20261121-001", "03001234568"),  # another number
        ("BQ-20261121-001", "03001234560"),  # one digit off
        ("BQ-20261121-001", "+1 300 123 4567"),  # same national digits, another country
        ("BQ-20261121-001", "not a phone"),
        ("BQ-20261121-002", "03001234567"),  # unknown id
        ("BQ-20261121-00", "03001234567"),
    ],
)
def test_a_wrong_phone_and_an_unknown_id_get_the_same_404(api_client, order, order_id, phone):
    response = track(api_client, order_id, phone)
    assert response.status_code == 404
    assert response.content == NOT_FOUND


def test_unknown_id_and_wrong_phone_answers_are_byte_identical(api_client, order):
    unknown_id = track(api_client, "BQ-20991231-001", "03001234567")
    wrong_phone = track(api_client, order.order_id, "03211234567")
    assert unknown_id.status_code == wrong_phone.status_code == 404
    assert unknown_id.content == wrong_phone.content == NOT_FOUND
    assert unknown_id.headers["Content-Type"] == wrong_phone.headers["Content-Type"]


@pytest.mark.parametrize(
    ("params", "missing"),
    [
        ({"phone": "03001234567"}, "order_id"),
        ({"order_id": "BQ-20261121-001"}, "phone"),
        ({"order_id": "", "phone": "03001234567"}, "order_id"),
    ],
)
def test_both_parameters_are_required(api_client, params, missing):
    response = api_client.get(URL, params)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == [missing]


def test_with_no_parameters_both_are_named(api_client):
    response = api_client.get(URL)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "order_id: This field is required.",
        "errors": {"order_id": ["This field is required."], "phone": ["This field is required."]},
    }


def test_the_timeline_follows_status_changes_oldest_first(api_client, order, clerk):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 6, 0, tzinfo=UTC), tick=False):
        change_order_status(
            order=order, changed_by=clerk, order_status="Ready", delivery_status="In Progress"
        )
    with time_machine.travel(datetime.datetime(2026, 11, 24, 6, 0, tzinfo=UTC), tick=False):
        change_order_status(order=order, payment_status="Verified")
        change_order_status(order=order, delivery_status="Delivered")

    timeline = track(api_client, order.order_id, "+923001234567").json()["timeline"]

    assert timeline == [
        {"field": "payment_status", "status": "Paid", "at": "2026-11-21T13:00:00+05:00"},
        {"field": "order_status", "status": "Processing", "at": "2026-11-21T14:30:00+05:00"},
        {"field": "order_status", "status": "Ready", "at": "2026-11-23T11:00:00+05:00"},
        {"field": "delivery_status", "status": "In Progress", "at": "2026-11-23T11:00:00+05:00"},
        {"field": "payment_status", "status": "Verified", "at": "2026-11-24T11:00:00+05:00"},
        {"field": "order_status", "status": "Delivered", "at": "2026-11-24T11:00:00+05:00"},
        {"field": "delivery_status", "status": "Delivered", "at": "2026-11-24T11:00:00+05:00"},
    ]


def test_a_new_order_has_an_empty_timeline(api_client):
    new = OrderFactory(phone="+44 7911 123456")
    response = track(api_client, new.order_id, "0044 7911 123456")
    assert response.status_code == 200
    assert response.json()["timeline"] == []


def test_the_query_count_does_not_grow_with_items_or_history(
    api_client, clerk, django_assert_num_queries
):
    small = OrderFactory(phone="03001111111")
    OrderItemFactory(order=small)
    large = OrderFactory(phone="03002222222", payment_status="Verified")
    for _ in range(20):
        OrderItemFactory(order=large)
    for status in ["Processing", "Ready", "Cancelled"]:
        change_order_status(order=large, changed_by=clerk, order_status=status)

    with django_assert_num_queries(3):
        assert track(api_client, small.order_id, "03001111111").status_code == 200
    with django_assert_num_queries(3):
        response = track(api_client, large.order_id, "03002222222")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 20
    assert len(response.json()["timeline"]) == 3


def test_the_31st_request_in_a_minute_is_throttled(api_client, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "order_tracking", "30/minute")
    start = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        # Other orders and phones each time: the misses per order id and per phone
        # (orders.tracking) do not add up.
        answers = [track(api_client, f"BQ-20261121-{n:03d}", f"0300{n:07d}") for n in range(30)]
        throttled = track(api_client, "BQ-20261121-101", "03001234567")
        other_client = track(
            api_client, "BQ-20261121-102", "03001234567", REMOTE_ADDR="203.0.113.9"
        )
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        later = track(api_client, "BQ-20261121-103", "03001234567")

    assert [answer.status_code for answer in answers] == [404] * 30
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "60"
    assert throttled.json() == {
        "detail": "Request was throttled. Expected available in 60 seconds."
    }
    assert other_client.status_code == 404
    assert later.status_code == 404


def test_a_json_content_type_on_the_get_is_harmless(api_client, order):
    response = api_client.get(
        URL, {"order_id": order.order_id, "phone": "03001234567"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["order_id"] == order.order_id
