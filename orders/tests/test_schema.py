"""The OpenAPI document describes the public order routes as the storefront uses them."""

import pytest
from drf_spectacular.generators import SchemaGenerator


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
