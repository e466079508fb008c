"""The OpenAPI document describes the public order routes as the storefront uses them."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from beautique.tests.openapi import assert_matches_schema
from catalog.tests.factories import ProductFactory
from orders.tests.factories import order_payload


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_placing_an_order_documents_its_body_header_and_answers(schema):
    operation = schema["paths"]["/api/orders"]["post"]
    assert operation["parameters"] == [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "schema": {"type": "string"},
            "description": operation["parameters"][0]["description"],
        }
    ]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderCreateRequest"
    }
    for code in ("200", "201"):
        assert operation["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/OrderDetail"
        }
    assert {"400", "422", "429"} <= set(operation["responses"])
    assert operation["security"] == [{}]


def test_tracking_documents_its_required_query_and_answers(schema):
    operation = schema["paths"]["/api/orders/track"]["get"]
    assert [(p["in"], p["name"], p["required"]) for p in operation["parameters"]] == [
        ("query", "order_id", True),
        ("query", "phone", True),
    ]
    assert sorted(operation["responses"]) == ["200", "404", "422", "429"]
    tracking = schema["components"]["schemas"]["OrderTracking"]["properties"]
    assert not {"phone", "whatsapp", "email", "address"} & set(tracking)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", None, "ayesha@example.com"])
def test_an_order_with_or_without_an_email_is_what_the_published_schema_says(
    api_client, staff_client, email
):
    published = api_client.get("/api/schema", {"format": "json"}).json()
    body = order_payload({"product_id": str(ProductFactory().pk)}, email=email)

    placed = api_client.post("/api/orders", body, format="json")
    shown = staff_client.get(f"/api/admin/orders/{placed.json()['id']}")

    assert placed.status_code == 201
    assert placed.json()["email"] == shown.json()["email"] == (email or "")
    assert_matches_schema(published, "OrderDetail", placed.json())
    assert_matches_schema(published, "OrderDetailWithHistory", shown.json())
