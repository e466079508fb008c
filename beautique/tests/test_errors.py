"""The error envelope (docs/api.md, "Errors"), seen from a client."""

import json
import uuid

import pytest
from django.test import Client

from beautique.tests.crashing_urls import SECRET_TEXT
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db


def post_json(client, path, body, **extra):
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def test_validation_failure_is_422_naming_the_nested_field_with_a_dotted_path(api_client):
    product = ProductFactory()
    body = order_payload(
        {"product_id": str(product.id)}, {"product_id": str(product.id), "quantity": 0}
    )

    response = post_json(api_client, "/api/orders", body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == {"detail", "errors"}
    assert list(payload["errors"]) == ["items.1.quantity"]
    [message] = payload["errors"]["items.1.quantity"]
    assert isinstance(message, str) and message
    assert payload["detail"] == f"items.1.quantity: {message}"
    assert Order.objects.count() == 0


def test_detail_names_the_first_of_several_problems(api_client):
    product = ProductFactory()
    body = order_payload({"product_id": str(product.id), "quantity": 100}, phone="12")

    payload = post_json(api_client, "/api/orders", body).json()

    assert {"phone", "items.0.quantity"} <= set(payload["errors"])
    first_field, first_messages = next(iter(payload["errors"].items()))
    assert payload["detail"] == f"{first_field}: {first_messages[0]}"
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in payload["errors"].values()
    )


def test_invalid_query_parameter_is_422_in_the_same_envelope(api_client):
    response = api_client.get("/api/products", {"page": "0"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "page: page must be a positive integer.",
        "errors": {"page": ["page must be a positive integer."]},
    }


def test_body_that_is_not_json_is_400(api_client):
    response = api_client.post("/api/orders", "{not json", content_type="application/json")

    assert response.status_code == 400
    payload = response.json()
    assert list(payload) == ["detail"]
    assert payload["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("body", [[], ["a", "list"], "a string", 42, None])
def test_json_body_that_is_not_an_object_is_400(api_client, body):
    response = post_json(api_client, "/api/orders", body)

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON body must be an object."}
    assert Order.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/orders", "/api/admin/login"])
def test_json_nested_too_deeply_to_decode_is_400_not_a_crash(api_client, path):
    body = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"

    response = api_client.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}


def test_json_body_over_the_size_limit_is_413_before_it_is_read(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"customer_name": "x" * (1024 * 1024)})

    response = api_client.post("/api/orders", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1 MB."}
    assert Order.objects.count() == 0


def test_a_form_body_is_415_where_the_api_takes_json(api_client):
    response = api_client.post(
        "/api/admin/login", {"username": "a", "password": "b"}, format="multipart"
    )

    assert response.status_code == 415


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/nothing/here/", "/nothing-here"])
def test_unknown_path_is_a_json_404(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found"}


@pytest.mark.parametrize("path", ["/api/products/not-a-uuid", "/api/products/123/"])
def test_malformed_uuid_in_path_is_a_json_404_like_an_unknown_id(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert list(payload) == ["detail"]
    assert isinstance(payload["detail"], str) and payload["detail"]
    assert payload == api_client.get(f"/api/products/{uuid.uuid4()}").json()


@pytest.mark.parametrize(
    ("method", "path"),
    [("delete", "/api/products"), ("put", "/api/health"), ("patch", "/api/categories/")],
)
def test_wrong_method_is_a_json_405(api_client, method, path):
    response = getattr(api_client, method)(path)

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_unsupported_content_type_is_415(api_client):
    product = ProductFactory()
    body = order_payload({"product_id": str(product.id)})

    response = api_client.post("/api/orders", json.dumps(body), content_type="text/plain")

    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert Order.objects.count() == 0


@pytest.mark.urls("beautique.tests.crashing_urls")
@pytest.mark.parametrize("path", ["/api/crash/plain", "/api/crash/drf"])
def test_crash_is_a_bare_json_500_without_traceback(settings, path):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Internal server error"}
    body = response.content.decode()
    assert SECRET_TEXT not in body
    assert "Traceback" not in body
    assert settings.SECRET_KEY not in body


@pytest.mark.urls("beautique.tests.crashing_urls")
def test_crash_during_a_json_post_is_a_json_500(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.post("/api/crash/drf", {"a": 1}, content_type="application/json")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
