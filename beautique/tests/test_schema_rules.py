"""The OpenAPI document states the rules the API applies: what the schema calls valid is
accepted, what it calls invalid is refused (as far as a JSON Schema can say it)."""

import pytest

from beautique.tests.openapi import request_body_schema, validator
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.tests.factories import OrderFactory, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(api_client):
    return api_client.get("/api/schema", {"format": "json"}).json()


def test_every_optional_query_parameter_may_be_sent_blank(document):
    optional = [
        (path, parameter["name"], parameter.get("allowEmptyValue"))
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not parameter.get("required")
    ]

    assert len(optional) > 40
    assert [entry for entry in optional if entry[2] is not True] == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/admin/orders", "start_date"),
        ("/api/admin/orders", "end_date"),
        ("/api/admin/orders", "limit"),
        ("/api/admin/orders", "page"),
        ("/api/admin/orders", "payment_status"),
        ("/api/admin/orders", "ordering"),
        ("/api/admin/orders", "search"),
        ("/api/admin/analytics/dashboard", "start_date"),
        ("/api/products", "min_price"),
        ("/api/products", "size"),
        ("/api/products", "is_bestseller"),
        ("/api/products", "ordering"),
        ("/api/products/bestsellers", "limit"),
        ("/api/admin/products", "is_active"),
    ],
)
def test_a_blank_optional_query_parameter_counts_as_not_sent(staff_client, path, name):
    OrderFactory()
    ProductFactory(is_bestseller=True)

    blank = staff_client.get(f"{path}?{name}=")

    assert blank.status_code == 200
    assert blank.json() == staff_client.get(path).json()


def schema_accepts(document, path: str, method: str, body) -> bool:
    return validator(document, request_body_schema(document, path, method)).is_valid(body)


def assert_agree(accepted: bool, response, success: int) -> None:
    assert response.status_code in (success, 422), response.content
    assert accepted == (response.status_code == success), response.json()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"note": "Stitching"},
        {"tracking_notes": 0},
        {"tracking_notes": "Stitching in progress"},
        {"tracking_notes": "   "},
        {"tracking_notes": None},
        {"tracking_notes": "x" * 2001},
        {"payment_status": "Paid"},
        {"payment_status": "paid"},
        {"estimated_delivery": None},
    ],
)
def test_the_status_body_schema_says_what_the_route_accepts(document, staff_client, body):
    order = OrderFactory()

    response = staff_client.patch(f"/api/admin/orders/{order.pk}/status", body, format="json")

    assert_agree(
        schema_accepts(document, "/api/admin/orders/{id}/status", "patch", body), response, 200
    )


def product_body(**overrides) -> dict:
    body = {
        "name": "Silk Maxi Dress",
        "category": "Maxi",
        "regular_price": 12500,
        "description": "Flowing pure silk maxi with a hand-embroidered neckline.",
        "sizes": ["S", "M"],
        "colors": ["Maroon"],
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"name": "ab"},
        {"name": "ab "},
        {"name": "  abc  "},
        {"name": "x" * 255},
        {"name": " " + "x" * 255 + " "},
        {"name": "x" * 256},
        {"name": 12345},
        {"category": "   "},
        {"description": "Too short "},
        {"description": " Long enough "},
        {"regular_price": 1000000},
        {"regular_price": 1000000.01},
        {"regular_price": -1},
        {"regular_price": 0, "sale_price": None},
        {"sale_price": -1},
        {"sizes": ["m", " xl "]},
        {"sizes": ["XXXL"]},
        {"sizes": []},
        {"sizes": ["S", "M", "L", "XL", "XXL", "S"]},
        {"colors": [" Maroon ", "Sky Blue"]},
        {"colors": ["  "]},
        {"colors": ["c" * 50]},
        {"colors": ["c" * 51]},
        {"colors": [f"Shade {n}" for n in range(Product.MAX_COLORS + 1)]},
        {"colors": [7]},
        {"images": ["https://cdn.example.com/a.jpg"]},
        {"images": ["ftp://cdn.example.com/a.jpg"]},
        {"images": [f"https://cdn.example.com/{n}.jpg" for n in range(11)]},
        {"is_active": None},
    ],
)
def test_the_product_body_schema_says_what_creating_accepts(document, staff_client, change):
    body = product_body(**change)

    response = staff_client.post("/api/admin/products", body, format="json")

    assert_agree(schema_accepts(document, "/api/admin/products", "post", body), response, 201)


@pytest.mark.parametrize(
    ("phone", "size", "color"),
    [
        ("0300-1234567", "M", "Maroon"),
        ("+92 300 1234567", " m ", " maroon "),
        ("(0300) 123.4567", "l", "Sky Blue"),
        ("0", "M", "Maroon"),
        ("+0300 1234567", "M", "Maroon"),
        ("030012345678901", "M", "Maroon"),
        ("0092300", "M", "Maroon"),
        ("0300 1234567 ext 2", "M", "Maroon"),
        ("0300-1234567", "XXXL", "Maroon"),
        ("0300-1234567", "M", "   "),
    ],
)
def test_the_order_body_schema_says_what_placing_accepts(document, api_client, phone, size, color):
    product = ProductFactory(sizes=["S", "M", "L"], colors=["Maroon", "Sky Blue"])
    body = order_payload({"product_id": str(product.pk), "size": size, "color": color}, phone=phone)

    response = api_client.post("/api/orders", body, format="json")

    assert_agree(schema_accepts(document, "/api/orders", "post", body), response, 201)


def test_the_upload_body_schema_asks_for_images(document):
    schema = request_body_schema(document, "/api/admin/products/{id}/images", "post")
    accepts = validator(document, schema).is_valid

    assert document["paths"]["/api/admin/products/{id}/images"]["post"]["requestBody"]["required"]
    assert not accepts({})
    assert not accepts({"images": []})
    assert accepts({"images": ["<a file>"]})
    assert accepts({"files": ["<a file>"] * 10})
    assert accepts({"images": [], "files": ["<a file>"]})
    assert not accepts({"images": [], "files": []})
    assert not accepts({"files": ["<a file>"] * 11})
