"""CORS for the storefront (docs/api.md, "Operations"): every browser call is
preflighted because it sends `Content-Type: application/json`."""

import json

import pytest

pytestmark = pytest.mark.django_db

STOREFRONT = "https://beautique.example"
ELSEWHERE = "https://evil.example"


@pytest.fixture(autouse=True)
def _storefront_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [STOREFRONT, "http://localhost:3000"]


def preflight(client, path, origin, method="PATCH"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def listed(header: str) -> set[str]:
    return {item.strip().lower() for item in header.split(",")}


@pytest.mark.parametrize(
    "path", ["/api/admin/products/2f1c9a4e-9d57-4a8e-8d8c-1f0b6f0b9a10", "/api/products", "/health"]
)
def test_preflight_from_the_storefront_allows_its_methods_and_headers(api_client, path):
    response = preflight(api_client, path, STOREFRONT)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == STOREFRONT
    assert {"get", "post", "put", "patch", "delete"} <= listed(
        response["Access-Control-Allow-Methods"]
    )
    assert {"authorization", "content-type"} <= listed(response["Access-Control-Allow-Headers"])
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_from_another_origin_is_not_allowed(api_client):
    response = preflight(api_client, "/api/products", ELSEWHERE)

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


def test_real_responses_carry_the_origin_for_the_storefront_only(api_client):
    allowed = api_client.get(
        "/api/products", headers={"Origin": STOREFRONT, "Content-Type": "application/json"}
    )
    other = api_client.get("/api/products", headers={"Origin": ELSEWHERE})

    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == STOREFRONT
    assert "Access-Control-Allow-Credentials" not in allowed
    assert other.status_code == 200
    assert "Access-Control-Allow-Origin" not in other


def test_error_responses_are_readable_by_the_storefront(api_client):
    response = api_client.post(
        "/api/orders",
        json.dumps({}),
        content_type="application/json",
        headers={"Origin": STOREFRONT},
    )

    assert response.status_code == 422
    assert response["Access-Control-Allow-Origin"] == STOREFRONT


def test_admin_site_is_not_cross_origin(api_client):
    response = preflight(api_client, "/admin/login/", STOREFRONT, method="POST")

    assert "Access-Control-Allow-Origin" not in response


def test_preflight_allows_the_idempotency_key_header_on_orders(api_client):
    response = api_client.options(
        "/api/orders",
        headers={
            "Origin": STOREFRONT,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )

    assert response.status_code == 200
    assert {"content-type", "idempotency-key"} <= listed(response["Access-Control-Allow-Headers"])


def test_the_storefront_can_read_retry_after_and_the_export_file_name(api_client):
    response = api_client.get("/api/products", headers={"Origin": STOREFRONT})

    assert listed(response["Access-Control-Expose-Headers"]) == {
        "retry-after",
        "content-disposition",
    }
