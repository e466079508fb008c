"""The OpenAPI schema documents the staff authentication API."""

import pytest

from beautique.tests.openapi import assert_matches_schema
from conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_staff_routes_require_the_bearer_scheme(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    me = schema["paths"]["/api/admin/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert set(me["responses"]) >= {"200", "401", "403"}


@pytest.mark.parametrize(
    ("path", "request_fields", "response_fields"),
    [
        (
            "/api/admin/login",
            {"username", "password"},
            {"access_token", "refresh_token", "token_type", "expires_in", "admin"},
        ),
        (
            "/api/admin/token/refresh",
            {"refresh_token"},
            {"access_token", "refresh_token", "token_type", "expires_in"},
        ),
        ("/api/admin/logout", {"refresh_token"}, None),
    ],
)
def test_token_routes_need_no_authorization_and_document_their_bodies(
    schema, path, request_fields, response_fields
):
    operation = schema["paths"][path]["post"]
    assert operation["security"] == [{}]
    components = schema["components"]["schemas"]

    def fields(body):
        ref = body["content"]["application/json"]["schema"]["$ref"]
        return set(components[ref.rsplit("/", 1)[1]]["properties"])

    assert fields(operation["requestBody"]) == request_fields
    assert "401" in operation["responses"]
    if response_fields is None:
        assert "content" not in operation["responses"]["204"]
    else:
        assert fields(operation["responses"]["200"]) == response_fields


@pytest.mark.parametrize("email", ["", "hina@beautique.pk"])
def test_the_admin_object_is_what_the_schema_says_with_or_without_an_email(
    schema, django_user_model, email
):
    user = django_user_model.objects.create_user(username="hina", email=email, is_staff=True)

    response = bearer_client(user).get("/api/admin/me")

    assert response.json()["email"] == email
    assert_matches_schema(schema, "Admin", response.json())
