"""Staff order management: GET /api/admin/orders, GET /api/admin/orders/{id},
PATCH /api/admin/orders/{id}/status (docs/api.md, "Staff", "Orders")."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine

from catalog.tests.factories import ProductFactory
from conftest import bearer_client
from orders.models import Order, OrderStatusEvent
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/admin/orders"
KARACHI = datetime.timezone(datetime.timedelta(hours=5))


def at(day: int, hour: int = 12) -> datetime.datetime:
    """A store-local moment in November 2026."""
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=KARACHI)


def make_order(created_at: datetime.datetime | None = None, **fields) -> Order:
    """An order placed at `created_at` (store-local `order_date` to match)."""
    created_at = created_at or at(21)
    fields.setdefault("order_date", created_at.date())
    order = OrderFactory(**fields)
    Order.objects.filter(pk=order.pk).update(created_at=created_at, updated_at=created_at)
    order.refresh_from_db()
    return order


def listed(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["order_id"] for item in response.json()["items"]]


def list_orders(client, **params):
    return client.get(LIST_URL, params)


def invalid_choice(field: str, value: str) -> dict:
    message = f"Select a valid choice. {value} is not one of the available choices."
    return {"detail": f"{field}: {message}", "errors": {field: [message]}}


# --- GET /api/admin/orders ----------------------------------------------------------


def test_list_answers_list_items_newest_first(staff_client):
    older = make_order(
        at(20, 9),
        order_id="BQ-20261120-001",
        customer_name="Sana Malik",
        phone="+92 321 7654321",
        city="Lahore",
        total_amount=Decimal("9999.50"),
        payment_method="Meezan Bank",
    )
    newer = make_order(at(21, 10), order_id="BQ-20261121-001", total_amount=Decimal("12500.00"))

    response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": str(newer.pk),
                "order_id": "BQ-20261121-001",
                "customer_name": "Ayesha Khan",
                "phone": "0300-1234567",
                "city": "Karachi",
                "total_amount": 12500.0,
                "payment_method": "Easypaisa",
                "payment_status": "Pending",
                "order_status": "Received",
                "delivery_status": "Not Started",
                "order_date": "2026-11-21",
                "created_at": "2026-11-21T10:00:00+05:00",
            },
            {
                "id": str(older.pk),
                "order_id": "BQ-20261120-001",
                "customer_name": "Sana Malik",
                "phone": "+92 321 7654321",
                "city": "Lahore",
                "total_amount": 9999.5,
                "payment_method": "Meezan Bank",
                "payment_status": "Pending",
                "order_status": "Received",
                "delivery_status": "Not Started",
                "order_date": "2026-11-20",
                "created_at": "2026-11-20T09:00:00+05:00",
            },
        ],
        "total": 2,
        "page": 1,
        "limit": 20,
        "total_pages": 1,
    }


def test_list_is_paginated(staff_client):
    for day in range(1, 6):
        make_order(at(day), order_id=f"BQ-202611{day:02d}-001")

    response = staff_client.get(LIST_URL, {"page": 2, "limit": 2})

    assert listed(response) == ["BQ-20261103-001", "BQ-20261102-001"]
    assert {key: response.json()[key] for key in ("total", "page", "limit", "total_pages")} == {
        "total": 5,
        "page": 2,
        "limit": 2,
        "total_pages": 3,
    }


def test_list_needs_a_staff_token(api_client, django_user_model):
    shopper = django_user_model.objects.create_user(username="shopper", password="Sturdy-pass-2026")

    anonymous = api_client.get(LIST_URL)
    customer = bearer_client(shopper).get(LIST_URL)

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert customer.status_code == 403
    assert customer.json() == {"detail": "Staff access only."}


@pytest.mark.parametrize(
    ("param", "wanted", "other"),
    [
        ("payment_status", "Verified", "Pending"),
        ("order_status", "Cancelled", "Received"),
        ("delivery_status", "Out for Delivery", "Not Started"),
        ("payment_method", "International Bank", "Easypaisa"),
    ],
)
def test_each_choice_filter_keeps_only_matching_orders(staff_client, param, wanted, other):
    make_order(at(20), order_id="BQ-20261120-001", **{param: wanted})
    make_order(at(21), order_id="BQ-20261121-001", **{param: other})
    make_order(at(22), order_id="BQ-20261122-001", **{param: wanted})

    assert listed(list_orders(staff_client, **{param: wanted})) == [
        "BQ-20261122-001",
        "BQ-20261120-001",
    ]
    assert listed(list_orders(staff_client, **{param: other})) == ["BQ-20261121-001"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("payment_status", "paid"),
        ("order_status", "Shipped"),
        ("delivery_status", "Not started"),
        ("payment_method", "Cash"),
        ("ordering", "price"),
    ],
)
def test_a_value_outside_the_contract_spellings_is_a_422(staff_client, param, value):
    response = list_orders(staff_client, **{param: value})

    assert response.status_code == 422
    assert response.json() == invalid_choice(param, value)


def test_filters_combine(staff_client):
    make_order(at(20), order_id="BQ-20261120-001", payment_status="Verified", order_status="Ready")
    make_order(
        at(21), order_id="BQ-20261121-001", payment_status="Verified", order_status="Received"
    )
    make_order(at(22), order_id="BQ-20261122-001", payment_status="Pending", order_status="Ready")
    make_order(
        at(23),
        order_id="BQ-20261123-001",
        payment_status="Verified",
        order_status="Ready",
        customer_name="Sana Malik",
        email="sana@example.com",
    )
    make_order(at(24), order_id="BQ-20261124-001", payment_status="Verified", order_status="Ready")

    response = list_orders(
        staff_client,
        payment_status="Verified",
        order_status="Ready",
        search="ayesha",
        start_date="2026-11-19",
        end_date="2026-11-23",
    )

    assert listed(response) == ["BQ-20261120-001"]


def test_search_finds_order_id_name_and_email_case_insensitively(staff_client):
    make_order(
        at(20),
        order_id="BQ-20261120-007",
        customer_name="Sana Malik",
        email="sana@example.com",
        phone="03217654321",
    )
    make_order(
        at(21),
        order_id="BQ-20261121-001",
        customer_name="Ayesha Khan",
        email="ayesha.k@mail.pk",
        phone="03001234567",
    )

    assert listed(list_orders(staff_client, search="bq-20261120-00")) == ["BQ-20261120-007"]
    assert listed(list_orders(staff_client, search="  MALIK ")) == ["BQ-20261120-007"]
    assert listed(list_orders(staff_client, search="@MAIL.pk")) == ["BQ-20261121-001"]
    assert listed(list_orders(staff_client, search="nobody")) == []
    assert listed(list_orders(staff_client, search="   ")) == [
        "BQ-20261121-001",
        "BQ-20261120-007",
    ]


@pytest.mark.parametrize(
    "term",
    ["03001234567", "+92 300 1234567", "0300-1234567", "00923001234567", "(0300) 123-4567"],
)
def test_search_finds_a_phone_in_any_notation(staff_client, term):
    make_order(at(20), order_id="BQ-20261120-001", phone="+92 300 1234567")
    make_order(at(21), order_id="BQ-20261121-001", phone="0300-1234567")
    make_order(at(22), order_id="BQ-20261122-001", phone="+923001234568")

    assert listed(list_orders(staff_client, search=term)) == [
        "BQ-20261121-001",
        "BQ-20261120-001",
    ]


def test_search_finds_part_of_a_phone_number(staff_client):
    make_order(at(20), order_id="BQ-20261120-001", phone="+44 7911 123456")
    make_order(at(21), order_id="BQ-20261121-001", phone="0300-1234567")

    assert listed(list_orders(staff_client, search="7911 123")) == ["BQ-20261120-001"]
    assert listed(list_orders(staff_client, search="0300-123")) == ["BQ-20261121-001"]
    assert listed(list_orders(staff_client, search="4567")) == ["BQ-20261121-001"]


def test_search_with_fewer_than_four_digits_ignores_phone_numbers(staff_client):
    make_order(at(20), order_id="BQ-20261120-001", phone="0300-1234567")

    assert listed(list_orders(staff_client, search="123")) == []


def test_date_range_is_inclusive_on_order_date(staff_client):
    for day in (19, 20, 21, 22):
        make_order(at(day, 23), order_id=f"BQ-202611{day}-001")

    assert listed(list_orders(staff_client, start_date="2026-11-20", end_date="2026-11-21")) == [
        "BQ-20261121-001",
        "BQ-20261120-001",
    ]
    assert listed(list_orders(staff_client, start_date="2026-11-21")) == [
        "BQ-20261122-001",
        "BQ-20261121-001",
    ]
    assert listed(list_orders(staff_client, end_date="2026-11-19")) == ["BQ-20261119-001"]
    assert listed(list_orders(staff_client, start_date="2026-11-20", end_date="2026-11-20")) == [
        "BQ-20261120-001"
    ]


def test_start_date_after_end_date_is_a_422(staff_client):
    response = list_orders(staff_client, start_date="2026-11-22", end_date="2026-11-21")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "start_date: start_date must not be after end_date.",
        "errors": {"start_date": ["start_date must not be after end_date."]},
    }


@pytest.mark.parametrize("param", ["start_date", "end_date"])
@pytest.mark.parametrize("value", ["2026-02-30", "yesterday"])
def test_a_malformed_date_is_a_422(staff_client, param, value):
    response = list_orders(staff_client, **{param: value})

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"{param}: Enter a valid date.",
        "errors": {param: ["Enter a valid date."]},
    }


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["BQ-20261122-001", "BQ-20261121-001", "BQ-20261120-001"]),
        ("-created_at", ["BQ-20261122-001", "BQ-20261121-001", "BQ-20261120-001"]),
        ("created_at", ["BQ-20261120-001", "BQ-20261121-001", "BQ-20261122-001"]),
        ("total_amount", ["BQ-20261121-001", "BQ-20261122-001", "BQ-20261120-001"]),
        ("-total_amount", ["BQ-20261120-001", "BQ-20261122-001", "BQ-20261121-001"]),
    ],
)
def test_ordering(staff_client, ordering, expected):
    make_order(at(20), order_id="BQ-20261120-001", total_amount=Decimal("30000.00"))
    make_order(at(21), order_id="BQ-20261121-001", total_amount=Decimal("500.00"))
    make_order(at(22), order_id="BQ-20261122-001", total_amount=Decimal("7000.00"))

    params = {"ordering": ordering} if ordering else {}
    assert listed(list_orders(staff_client, **params)) == expected


def test_list_query_count_does_not_grow_with_page_size(staff_client, django_assert_num_queries):
    for number in range(1, 51):
        order = make_order(at(21), order_id=f"BQ-20261121-{number:03d}")
        OrderItemFactory(order=order)

    for limit in (1, 50):
        with django_assert_num_queries(3):
            response = staff_client.get(LIST_URL, {"limit": limit, "search": "ayesha"})
        assert len(response.json()["items"]) == limit


# --- GET /api/admin/orders/{id} -----------------------------------------------------


def detail_url(reference) -> str:
    return f"/api/admin/orders/{reference}"


def test_detail_by_uuid_answers_the_order_with_items_and_history(staff_client, staff_user):
    product = ProductFactory(name="Silk Maxi Dress")
    order = make_order(
        at(21, 10),
        order_id="BQ-20261121-007",
        total_amount=Decimal("19998.00"),
        notes="Please call before delivery",
    )
    OrderItemFactory(
        order=order,
        product=product,
        quantity=2,
        unit_price=Decimal("9999.00"),
        image="https://res.cloudinary.com/demo/a.jpg",
    )
    with time_machine.travel(at(21, 12), tick=False):
        OrderStatusEvent.objects.create(
            order=order, field="payment_status", from_status="Pending", to_status="Paid"
        )
    with time_machine.travel(at(21, 13), tick=False):
        OrderStatusEvent.objects.create(
            order=order,
            field="order_status",
            from_status="Received",
            to_status="Processing",
            changed_by=staff_user,
        )

    response = staff_client.get(detail_url(order.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["updated_at"]
    del body["updated_at"]
    assert body == {
        "id": str(order.pk),
        "order_id": "BQ-20261121-007",
        "customer_name": "Ayesha Khan",
        "phone": "0300-1234567",
        "whatsapp": "+92 300 1234567",
        "email": "ayesha@example.com",
        "address": "House 12, Street 4, Gulshan-e-Iqbal",
        "city": "Karachi",
        "country": "Pakistan",
        "notes": "Please call before delivery",
        "items": [
            {
                "product_id": str(product.pk),
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
        "payment_status": "Pending",
        "order_status": "Received",
        "delivery_status": "Not Started",
        "estimated_delivery": None,
        "tracking_notes": None,
        "order_date": "2026-11-21",
        "created_at": "2026-11-21T10:00:00+05:00",
        "history": [
            {
                "field": "payment_status",
                "from": "Pending",
                "to": "Paid",
                "changed_by": None,
                "at": "2026-11-21T12:00:00+05:00",
                "note": "",
            },
            {
                "field": "order_status",
                "from": "Received",
                "to": "Processing",
                "changed_by": "staffer",
                "at": "2026-11-21T13:00:00+05:00",
                "note": "",
            },
        ],
    }


@pytest.mark.parametrize("reference", ["BQ-20261121-007", "bq-20261121-007"])
def test_detail_by_order_id(staff_client, reference):
    order = make_order(order_id="BQ-20261121-007")
    make_order(order_id="BQ-20261121-008")

    response = staff_client.get(detail_url(reference))

    assert response.status_code == 200
    assert response.json()["id"] == str(order.pk)
    assert response.json()["history"] == []


@pytest.mark.parametrize("reference", [uuid.uuid4(), "BQ-20261121-999", "not-an-order"])
def test_detail_of_an_unknown_order_is_a_404(staff_client, reference):
    make_order(order_id="BQ-20261121-007")

    response = staff_client.get(detail_url(reference))

    assert response.status_code == 404
    assert response.json() == {"detail": "Order not found"}


def test_detail_needs_a_staff_token(api_client):
    order = make_order()

    assert api_client.get(detail_url(order.pk)).status_code == 401


def test_detail_query_count_does_not_grow_with_items_or_history(
    staff_client, staff_user, django_assert_num_queries
):
    small = make_order(order_id="BQ-20261121-001")
    large = make_order(order_id="BQ-20261121-002")
    OrderItemFactory(order=small)
    for _ in range(5):
        OrderItemFactory(order=large)
        OrderStatusEvent.objects.create(
            order=large,
            field="order_status",
            from_status="Received",
            to_status="Processing",
            changed_by=staff_user,
        )

    for order in (small, large):
        with django_assert_num_queries(4):
            assert staff_client.get(detail_url(order.order_id)).status_code == 200


# --- PATCH /api/admin/orders/{id}/status --------------------------------------------


ORDER_STATE = [
    "payment_status",
    "order_status",
    "delivery_status",
    "estimated_delivery",
    "tracking_notes",
]


def status_url(reference) -> str:
    return f"/api/admin/orders/{reference}/status"


def history_rows(order) -> list[tuple]:
    return list(
        OrderStatusEvent.objects.filter(order=order)
        .order_by("created_at", "id")
        .values_list("field", "from_status", "to_status", "changed_by__username")
    )


def test_patch_changes_statuses_and_records_each_with_the_staff_user(staff_user):
    order = make_order(order_id="BQ-20261121-007")

    with time_machine.travel(at(22, 9), tick=False):
        response = bearer_client(staff_user).patch(
            status_url(order.pk),
            {
                "payment_status": "Paid",
                "order_status": "Processing",
                "estimated_delivery": "2026-11-25",
                "tracking_notes": "Stitching in progress",
            },
            format="json",
        )

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ORDER_STATE} == {
        "payment_status": "Paid",
        "order_status": "Processing",
        "delivery_status": "Not Started",
        "estimated_delivery": "2026-11-25",
        "tracking_notes": "Stitching in progress",
    }
    assert body["updated_at"] == "2026-11-22T09:00:00+05:00"
    assert body["history"] == [
        {
            "field": "payment_status",
            "from": "Pending",
            "to": "Paid",
            "changed_by": "staffer",
            "at": "2026-11-22T09:00:00+05:00",
            "note": "",
        },
        {
            "field": "order_status",
            "from": "Received",
            "to": "Processing",
            "changed_by": "staffer",
            "at": "2026-11-22T09:00:00+05:00",
            "note": "",
        },
    ]
    order.refresh_from_db()
    assert (order.payment_status, order.order_status, order.delivery_status) == (
        "Paid",
        "Processing",
        "Not Started",
    )
    assert order.estimated_delivery == datetime.date(2026, 11, 25)
    assert order.tracking_notes == "Stitching in progress"
    assert history_rows(order) == [
        ("payment_status", "Pending", "Paid", "staffer"),
        ("order_status", "Received", "Processing", "staffer"),
    ]


def test_patch_by_order_id_records_who_made_each_change(staff_user, django_user_model):
    order = make_order(order_id="BQ-20261121-007", payment_status="Verified", order_status="Ready")
    manager = django_user_model.objects.create_user(
        username="manager", password="Sturdy-pass-2026", is_staff=True
    )

    with time_machine.travel(at(22, 9), tick=False):
        first = bearer_client(staff_user).patch(
            status_url("BQ-20261121-007"), {"delivery_status": "In Progress"}, format="json"
        )
    with time_machine.travel(at(23, 9), tick=False):
        second = bearer_client(manager).patch(
            status_url("bq-20261121-007"),
            {"delivery_status": "Delivered", "order_status": "Delivered"},
            format="json",
        )

    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json()["history"] == [
        {
            "field": "delivery_status",
            "from": "Not Started",
            "to": "In Progress",
            "changed_by": "staffer",
            "at": "2026-11-22T09:00:00+05:00",
            "note": "",
        },
        {
            "field": "order_status",
            "from": "Ready",
            "to": "Delivered",
            "changed_by": "manager",
            "at": "2026-11-23T09:00:00+05:00",
            "note": "",
        },
        {
            "field": "delivery_status",
            "from": "In Progress",
            "to": "Delivered",
            "changed_by": "manager",
            "at": "2026-11-23T09:00:00+05:00",
            "note": "",
        },
    ]
    assert history_rows(order) == [
        ("delivery_status", "Not Started", "In Progress", "staffer"),
        ("order_status", "Ready", "Delivered", "manager"),
        ("delivery_status", "In Progress", "Delivered", "manager"),
    ]


def test_customer_tracking_timeline_shows_the_staff_changes_without_the_staff(
    staff_user, api_client
):
    order = make_order(order_id="BQ-20261121-007", phone="0300-1234567")
    for moment, change in (
        (at(22, 9), {"payment_status": "Paid"}),
        (at(23, 9), {"order_status": "Ready"}),
    ):
        with time_machine.travel(moment, tick=False):
            response = bearer_client(staff_user).patch(status_url(order.pk), change, format="json")
        assert response.status_code == 200

    response = api_client.get(
        "/api/orders/track", {"order_id": "BQ-20261121-007", "phone": "+92 300 1234567"}
    )

    assert response.status_code == 200
    assert response.json()["timeline"] == [
        {"field": "payment_status", "status": "Paid", "at": "2026-11-22T09:00:00+05:00"},
        {"field": "order_status", "status": "Ready", "at": "2026-11-23T09:00:00+05:00"},
    ]


def test_patch_with_unchanged_status_writes_no_history(staff_client):
    order = make_order(payment_status="Paid")

    response = staff_client.patch(
        status_url(order.pk),
        {"payment_status": "Paid", "order_status": "Received", "tracking_notes": "Packed"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["history"] == []
    assert response.json()["tracking_notes"] == "Packed"
    assert history_rows(order) == []


def test_patch_clears_estimated_delivery_and_tracking_notes_with_null(staff_client):
    order = make_order(
        estimated_delivery=datetime.date(2026, 11, 25), tracking_notes="Stitching in progress"
    )

    response = staff_client.patch(
        status_url(order.pk), {"estimated_delivery": None, "tracking_notes": None}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["estimated_delivery"], response.json()["tracking_notes"]) == (
        None,
        None,
    )
    order.refresh_from_db()
    assert (order.estimated_delivery, order.tracking_notes) == (None, None)
    assert history_rows(order) == []


@pytest.mark.parametrize("body", [{}, {"status": "Paid", "customer_name": "Mallory"}])
def test_patch_without_any_known_field_is_a_422(staff_client, body):
    order = make_order()
    message = (
        "Send at least one of: payment_status, order_status, delivery_status, "
        "estimated_delivery, tracking_notes."
    )

    response = staff_client.patch(status_url(order.pk), body, format="json")

    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": {"non_field_errors": [message]}}
    order.refresh_from_db()
    assert order.customer_name == "Ayesha Khan"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"payment_status": "paid"}, "payment_status", '"paid" is not a valid choice.'),
        ({"order_status": "Shipped"}, "order_status", '"Shipped" is not a valid choice.'),
        (
            {"delivery_status": "Out For Delivery"},
            "delivery_status",
            '"Out For Delivery" is not a valid choice.',
        ),
        (
            {"estimated_delivery": "25/11/2026"},
            "estimated_delivery",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        (
            {"tracking_notes": "x" * 2001},
            "tracking_notes",
            "Ensure this field has no more than 2000 characters.",
        ),
        ({"tracking_notes": 0}, "tracking_notes", "Not a valid string."),
        ({"tracking_notes": ["Stitching"]}, "tracking_notes", "Not a valid string."),
    ],
)
def test_patch_with_an_invalid_value_is_a_422_naming_the_field(staff_client, body, field, message):
    order = make_order()

    response = staff_client.patch(
        status_url(order.pk), {"order_status": "Processing", **body}, format="json"
    )

    assert response.status_code == 422
    assert response.json() == {"detail": f"{field}: {message}", "errors": {field: [message]}}
    order.refresh_from_db()
    assert order.order_status == "Received"
    assert history_rows(order) == []


def test_patch_accepts_tracking_notes_of_2000_characters(staff_client):
    order = make_order()

    response = staff_client.patch(
        status_url(order.pk), {"tracking_notes": "x" * 2000}, format="json"
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.tracking_notes == "x" * 2000


@pytest.mark.parametrize("reference", [uuid.uuid4(), "BQ-20261121-999"])
def test_patch_of_an_unknown_order_is_a_404(staff_client, reference):
    response = staff_client.patch(status_url(reference), {"payment_status": "Paid"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Order not found"}


def test_patch_needs_a_staff_token(api_client):
    order = make_order()

    response = api_client.patch(status_url(order.pk), {"payment_status": "Paid"}, format="json")

    assert response.status_code == 401
    order.refresh_from_db()
    assert order.payment_status == "Pending"


def test_status_route_answers_with_and_without_trailing_slash(staff_client):
    order = make_order()

    response = staff_client.patch(
        status_url(order.pk) + "/", {"payment_status": "Paid"}, format="json"
    )

    assert response.status_code == 200
    assert staff_client.get(detail_url(order.pk) + "/").status_code == 200
    assert staff_client.get(LIST_URL + "/").status_code == 200
