"""POST /api/orders: the order detail answer, server-side prices, and every rejection."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from catalog.models import ProductImage
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from orders.models import DailyOrderSequence, Order, OrderItem
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db

URL = "/api/orders"
BAD_CHARACTERS = (
    "Phone may contain only digits, spaces, hyphens, dots, parentheses and one leading +"
)
NOON_IN_KARACHI = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=datetime.UTC)


def counts():
    return (Order.objects.count(), OrderItem.objects.count(), DailyOrderSequence.objects.count())


def test_placing_an_order_answers_201_with_the_order_detail(api_client):
    product = ProductFactory(name="Silk Maxi Dress", regular_price=Decimal("12500.00"))
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/a.jpg", position=0)
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/b.jpg", position=1)

    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        response = api_client.post(
            URL, order_payload({"product_id": str(product.pk), "quantity": 2}), format="json"
        )

    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json() == {
        "id": str(order.pk),
        "order_id": "BQ-20261121-001",
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
                "price": 12500.0,
                "line_total": 25000.0,
                "image": "https://res.cloudinary.com/demo/a.jpg",
            }
        ],
        "total_amount": 25000.0,
        "payment_method": "Easypaisa",
        "payment_status": "Pending",
        "order_status": "Received",
        "delivery_status": "Not Started",
        "estimated_delivery": None,
        "tracking_notes": None,
        "order_date": "2026-11-21",
        "created_at": "2026-11-21T12:00:00+05:00",
        "updated_at": "2026-11-21T12:00:00+05:00",
    }
    assert order.phone == "0300-1234567"
    assert order.phone_digits == "923001234567"
    assert order.total_amount == Decimal("25000.00")
    assert order.order_date == datetime.date(2026, 11, 21)
    assert DailyOrderSequence.objects.get().last_number == 1


def test_the_route_answers_with_a_trailing_slash_too(api_client):
    product = ProductFactory()
    response = api_client.post(f"{URL}/", order_payload({"product_id": str(product.pk)}))
    assert response.status_code == 201
    assert Order.objects.count() == 1


def test_the_client_can_never_set_what_it_pays(api_client):
    on_sale = ProductFactory(
        name="Lawn Suit", regular_price=Decimal("4000.00"), sale_price=Decimal("3333.33")
    )
    regular = ProductFactory(name="Chiffon Gharara", regular_price=Decimal("1250.50"))
    body = order_payload(
        {"product_id": str(on_sale.pk), "quantity": 3, "price": 1, "name": "Free", "image": "x"},
        {"product_id": str(regular.pk), "quantity": 2, "price": 0.01},
    )
    body["total_amount"] = 1

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 201
    data = response.json()
    assert [(i["name"], i["price"], i["line_total"], i["image"]) for i in data["items"]] == [
        ("Lawn Suit", 3333.33, 9999.99, None),
        ("Chiffon Gharara", 1250.5, 2501.0, None),
    ]
    assert data["total_amount"] == 12500.99
    order = Order.objects.get()
    assert order.total_amount == Decimal("12500.99")
    assert [(i.unit_price, i.line_total) for i in order.items.all()] == [
        (Decimal("3333.33"), Decimal("9999.99")),
        (Decimal("1250.50"), Decimal("2501.00")),
    ]


def test_the_snapshot_keeps_the_catalog_spelling_of_a_color_matched_in_any_case(api_client):
    product = ProductFactory(colors=["Sky Blue"])
    response = api_client.post(
        URL, order_payload({"product_id": str(product.pk), "color": "sKY bLUE"}), format="json"
    )
    assert response.status_code == 201
    assert response.json()["items"][0]["color"] == "Sky Blue"
    assert OrderItem.objects.get().color == "Sky Blue"


def test_an_uploaded_product_image_is_given_as_an_absolute_url(api_client):
    product = ProductFactory()
    ProductImage.objects.create(product=product, image="products/2026/11/front.jpg")
    response = api_client.post(URL, order_payload({"product_id": str(product.pk)}), format="json")
    assert response.status_code == 201
    assert (
        response.json()["items"][0]["image"] == "http://testserver/media/products/2026/11/front.jpg"
    )
    assert OrderItem.objects.get().image == "/media/products/2026/11/front.jpg"


def test_optional_fields_may_be_left_out_or_null(api_client):
    product = ProductFactory()
    body = order_payload({"product_id": str(product.pk)}, email=None, notes=None)
    del body["country"]
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["email"], data["notes"], data["country"]) == ("", "", "Pakistan")
    order = Order.objects.get()
    assert (order.email, order.notes, order.country) == ("", "", "Pakistan")


def test_an_order_can_hold_50_lines_of_99(api_client):
    sizes, colors = ["S", "M", "L", "XL", "XXL"], [f"Shade {n}" for n in range(10)]
    product = ProductFactory(regular_price=Decimal("1000000.00"), sizes=sizes, colors=colors)
    lines = [
        {"product_id": str(product.pk), "size": size, "color": color, "quantity": 99}
        for size in sizes
        for color in colors
    ]
    response = api_client.post(URL, order_payload(*lines), format="json")
    assert response.status_code == 201
    assert response.json()["total_amount"] == 4950000000.0
    assert OrderItem.objects.count() == 50


def test_lines_of_one_product_size_and_color_are_merged_into_one(api_client):
    dress = ProductFactory(name="Silk Maxi Dress", regular_price=Decimal("2500.00"))
    shirt = ProductFactory(name="Long Shirt", regular_price=Decimal("1000.00"))
    lines = [
        {"product_id": str(dress.pk), "size": "M", "color": "Maroon", "quantity": 2},
        {"product_id": str(shirt.pk), "size": "M", "color": "Maroon", "quantity": 1},
        {"product_id": str(dress.pk), "size": "m", "color": "MAROON", "quantity": 3},
        {"product_id": str(dress.pk), "size": "L", "color": "Maroon", "quantity": 1},
        {"product_id": str(dress.pk), "size": "M", "color": "sky blue", "quantity": 4},
    ]

    response = api_client.post(URL, order_payload(*lines), format="json")

    assert response.status_code == 201
    expected = [
        ("Silk Maxi Dress", "M", "Maroon", 5, 12500.0),
        ("Long Shirt", "M", "Maroon", 1, 1000.0),
        ("Silk Maxi Dress", "L", "Maroon", 1, 2500.0),
        ("Silk Maxi Dress", "M", "Sky Blue", 4, 10000.0),
    ]
    body = response.json()
    assert [
        (item["name"], item["size"], item["color"], item["quantity"], item["line_total"])
        for item in body["items"]
    ] == expected
    assert body["total_amount"] == 26000.0
    stored = OrderItem.objects.order_by("id").values_list(
        "name", "size", "color", "quantity", "line_total"
    )
    assert [(*line[:4], float(line[4])) for line in stored] == expected


def test_the_quantity_cap_counts_merged_lines_together(api_client):
    product = ProductFactory()
    line = {"product_id": str(product.pk), "size": "M", "color": "Maroon", "quantity": 99}

    response = api_client.post(URL, order_payload(*[line] * 20), format="json")

    assert response.status_code == 422
    message = (
        "Quantity must be between 1 and 99 for one product in one size and color: "
        f"items {', '.join(str(n) for n in range(19))} and 19 order 1980 of it together"
    )
    assert response.json() == {
        "detail": f"items.0.quantity: {message}",
        "errors": {"items.0.quantity": [message]},
    }
    assert counts() == (0, 0, 0)


def test_two_lines_of_one_item_may_add_up_to_99_but_not_100(api_client):
    product = ProductFactory()

    def line(quantity, color):
        return {"product_id": str(product.pk), "color": color, "quantity": quantity}

    refused = api_client.post(
        URL,
        order_payload(line(50, "Sky Blue"), line(1, "Maroon"), line(50, "sky blue")),
        format="json",
    )
    placed = api_client.post(
        URL, order_payload(line(50, "Sky Blue"), line(49, "sky blue")), format="json"
    )

    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "items.0.quantity": [
            "Quantity must be between 1 and 99 for one product in one size and color: "
            "items 0 and 2 order 100 of it together"
        ]
    }
    assert placed.status_code == 201
    assert [(item["color"], item["quantity"]) for item in placed.json()["items"]] == [
        ("Sky Blue", 99)
    ]
    assert list(OrderItem.objects.values_list("quantity", flat=True)) == [99]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"customer_name": "Al"}, "customer_name", "Ensure this field has at least 3 characters."),
        (
            {"customer_name": "A" * 256},
            "customer_name",
            "Ensure this field has no more than 255 characters.",
        ),
        ({"address": "Street 4"}, "address", "Ensure this field has at least 10 characters."),
        ({"city": "K"}, "city", "Ensure this field has at least 2 characters."),
        ({"notes": "n" * 501}, "notes", "Ensure this field has no more than 500 characters."),
        ({"country": "c" * 101}, "country", "Ensure this field has no more than 100 characters."),
        ({"phone": "0300-12345"}, "phone", "Phone must be 10-15 digits"),
        ({"phone": "+92 300 123456789012"}, "phone", "Phone must be 10-15 digits"),
        ({"phone": "0300 1234567 ext 2"}, "phone", BAD_CHARACTERS),
        ({"whatsapp": "++923001234567"}, "whatsapp", BAD_CHARACTERS),
        ({"whatsapp": None}, "whatsapp", "This field may not be null."),
        ({"email": "ayesha@"}, "email", "Enter a valid email address."),
        ({"payment_method": "Cash"}, "payment_method", '"Cash" is not a valid choice.'),
        ({"items": []}, "items", "Ensure this field has at least 1 elements."),
        ({"customer_name": 12345}, "customer_name", "Not a valid string."),
        ({"phone": 3001234567}, "phone", "Not a valid string."),
        ({"email": 0}, "email", "Enter a valid email address."),
        ({"notes": 7}, "notes", "Not a valid string."),
    ],
)
def test_invalid_fields_are_a_422_naming_the_field_and_nothing_is_written(
    api_client, change, field, message
):
    product = ProductFactory()
    before = counts()
    response = api_client.post(
        URL, order_payload({"product_id": str(product.pk)}, **change), format="json"
    )
    assert response.status_code == 422
    assert response.json() == {"detail": f"{field}: {message}", "errors": {field: [message]}}
    assert counts() == before == (0, 0, 0)


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"quantity": 0}, "items.1.quantity", "Ensure this value is greater than or equal to 1."),
        ({"quantity": 100}, "items.1.quantity", "Ensure this value is less than or equal to 99."),
        ({"product_id": "not-a-uuid"}, "items.1.product_id", "Must be a valid UUID."),
        ({"size": None}, "items.1.size", "This field may not be null."),
    ],
)
def test_invalid_item_fields_are_named_with_a_dotted_path(api_client, line, field, message):
    product = ProductFactory()
    body = order_payload({"product_id": str(product.pk)}, {"product_id": str(product.pk), **line})
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 422
    assert response.json() == {"detail": f"{field}: {message}", "errors": {field: [message]}}
    assert counts() == (0, 0, 0)


def test_more_than_50_lines_is_a_422(api_client):
    product = ProductFactory()
    response = api_client.post(
        URL, order_payload(*[{"product_id": str(product.pk)}] * 51), format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "items": ["Ensure this field has no more than 50 elements."]
    }
    assert counts() == (0, 0, 0)


def test_a_missing_field_is_named(api_client):
    product = ProductFactory()
    body = order_payload({"product_id": str(product.pk)})
    del body["customer_name"]
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"customer_name": ["This field is required."]}


def test_lines_the_catalog_cannot_fill_are_a_422_naming_each_item_and_field(api_client):
    good = ProductFactory(sizes=["S", "M"], colors=["Maroon"])
    inactive = ProductFactory(is_active=False)
    unknown = "3f6c1d2e-0000-4000-8000-000000000000"
    DailyOrderSequence.objects.create(date=timezone.localdate(), last_number=4)
    body = order_payload(
        {"product_id": str(good.pk)},
        {"product_id": str(inactive.pk)},
        {"product_id": unknown},
        {"product_id": str(good.pk), "size": "XXL"},
        {"product_id": str(good.pk), "color": "Black"},
    )

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "items.1.product_id: This product is not available",
        "errors": {
            "items.1.product_id": ["This product is not available"],
            "items.2.product_id": ["This product is not available"],
            "items.3.size": ["Size XXL is not available for this product"],
            "items.4.color": ["Color Black is not available for this product"],
        },
    }
    assert (Order.objects.count(), OrderItem.objects.count()) == (0, 0)
    assert DailyOrderSequence.objects.get().last_number == 4


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"product_id": "inactive"}, "items.0.product_id"),
        ({"product_id": "3f6c1d2e-0000-4000-8000-000000000000"}, "items.0.product_id"),
        ({"size": "XL"}, "items.0.size"),
        ({"color": "Mustard"}, "items.0.color"),
    ],
)
def test_each_catalog_rule_alone_rejects_the_order(api_client, line, field):
    product = ProductFactory(sizes=["M"], colors=["Maroon"])
    if line.get("product_id") == "inactive":
        line = {"product_id": str(ProductFactory(is_active=False).pk)}
    response = api_client.post(
        URL, order_payload({"product_id": str(product.pk), **line}), format="json"
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert counts() == (0, 0, 0)


def test_a_body_that_is_not_json_is_a_400(api_client):
    response = api_client.post(URL, data='{"customer_name": ', content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert counts() == (0, 0, 0)


def test_a_json_array_body_is_a_400(api_client):
    product = ProductFactory()
    response = api_client.post(URL, [order_payload({"product_id": str(product.pk)})], format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON body must be an object."}
    assert counts() == (0, 0, 0)


def test_a_form_encoded_body_is_a_415(api_client):
    product = ProductFactory()
    response = api_client.post(
        URL, {"customer_name": "Ayesha Khan", "product_id": str(product.pk)}, format="multipart"
    )
    assert response.status_code == 415
    assert set(response.json()) == {"detail"}
    assert counts() == (0, 0, 0)


def test_the_query_count_does_not_grow_with_the_number_of_lines(
    api_client, django_assert_num_queries
):
    products = ProductFactory.create_batch(20)
    for product in products:
        ProductImageFactory.create_batch(2, product=product)

    def place(lines):
        # PostgreSQL also claims the order's summary shard: one query more (see
        # test_placing_an_order_takes_a_fixed_number_of_queries).
        with django_assert_num_queries(9 if connection.vendor == "postgresql" else 8):
            response = api_client.post(URL, order_payload(*lines), format="json")
        assert response.status_code == 201

    place([{"product_id": str(products[0].pk)}])
    place([{"product_id": str(product.pk)} for product in products])
    assert OrderItem.objects.count() == 21


def test_the_answer_is_the_order_as_stored(api_client, staff_client):
    sale = ProductFactory(regular_price=Decimal("12500.00"), sale_price=Decimal("9999.50"))
    ProductImageFactory(product=sale, url="https://res.cloudinary.com/demo/a.jpg", position=0)
    uploaded = ProductFactory(regular_price=Decimal("1234.05"))
    ProductImage.objects.create(product=uploaded, image="products/2026/11/front.jpg")
    plain = ProductFactory()
    body = order_payload(
        {"product_id": str(sale.pk), "quantity": 3},
        {"product_id": str(uploaded.pk), "size": "l", "color": "sky blue"},
        {"product_id": str(sale.pk), "color": "maroon", "quantity": 2},
        {"product_id": str(plain.pk), "quantity": 99},
        email=None,
        country="",
        notes=None,
    )

    placed = api_client.post(URL, body, format="json")

    assert placed.status_code == 201
    stored = staff_client.get(f"/api/admin/orders/{placed.json()['id']}").json()
    del stored["history"]
    assert list(placed.json().items()) == list(stored.items())


def test_placing_an_order_takes_a_fixed_number_of_queries(api_client, django_assert_num_queries):
    product = ProductFactory()
    ProductImageFactory(product=product)
    # The transaction's start and end, the products with their first images (locked on
    # PostgreSQL), the order's lines, the two summaries, the order number, the order; on
    # PostgreSQL also its summary shard. The answer is made from what was written:
    # nothing is read back.
    with django_assert_num_queries(9 if connection.vendor == "postgresql" else 8):
        response = api_client.post(URL, order_payload({"product_id": str(product.pk)}))
    assert response.status_code == 201


def test_a_product_in_a_deactivated_category_cannot_be_ordered(api_client):
    retired = CategoryFactory(name="Retired", slug="retired", is_active=False)
    product = ProductFactory(category=retired, sizes=["M"], colors=["Maroon"])

    response = api_client.post(URL, order_payload({"product_id": str(product.pk)}), format="json")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["items.0.product_id"]
    assert counts() == (0, 0, 0)


def test_the_21st_order_in_a_minute_from_one_client_is_throttled(api_client, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "order_create", "20/minute")
    product = ProductFactory(sizes=["M"], colors=["Maroon"])
    body = order_payload({"product_id": str(product.pk)})
    start = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=datetime.UTC)

    with time_machine.travel(start, tick=False):
        placed = [api_client.post(URL, body, format="json") for _ in range(20)]
        throttled = api_client.post(URL, body, format="json")
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        later = api_client.post(URL, body, format="json")

    assert [response.status_code for response in placed] == [201] * 20
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "60"
    assert set(throttled.json()) == {"detail"}
    assert later.status_code == 201
    assert Order.objects.count() == 21


def test_size_is_matched_in_any_case_and_stored_as_the_catalog_spells_it(api_client):
    product = ProductFactory(sizes=["M", "XL"], colors=["Maroon"])

    response = api_client.post(
        URL, order_payload({"product_id": str(product.pk), "size": "xl"}), format="json"
    )

    assert response.status_code == 201
    assert response.json()["items"][0]["size"] == "XL"
    assert OrderItem.objects.get().size == "XL"
