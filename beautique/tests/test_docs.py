"""API reference: the OpenAPI document, Swagger UI and ReDoc, working with no internet."""

import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def schema_document(client) -> dict:
    response = client.get("/api/schema", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_document(api_client):
    document = schema_document(api_client)

    validate_schema(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Beautique Store API"


def test_schema_is_served_as_yaml_by_default(api_client):
    response = api_client.get("/api/schema")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["paths"] == schema_document(api_client)["paths"]


def test_schema_lists_each_route_once_as_the_contract_spells_it(api_client):
    paths = schema_document(api_client)["paths"]

    assert "/api/health" in paths
    assert "/api/products" in paths
    assert "/api/products/{pk}" in paths or "/api/products/{id}" in paths
    assert "/api/orders" in paths
    assert all(path.startswith("/api/") and not path.endswith("/") for path in paths)


def test_every_operation_documents_the_error_envelope(api_client):
    document = schema_document(api_client)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            not_found = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert not_found == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_schema_generation_has_no_warnings(tmp_path):
    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml")
    )


def local_assets(html: str) -> list[str]:
    return [src or url for src, url in ASSET.findall(html)]


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_reference_pages_use_only_assets_served_by_the_backend(settings, path):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not re.search(r"""["'(]\s*(https?:)?//""", html), "page links an outside asset"
    assets = [url for url in local_assets(html) if url.startswith(settings.STATIC_URL)]
    assert assets
    for url in assets:
        relative = url.removeprefix(settings.STATIC_URL)
        assert finders.find(relative), url
        assert client.get(url).status_code == 200, url


def test_static_url_is_site_absolute():
    assert settings.STATIC_URL == "/static/"


@pytest.mark.parametrize("path", ["/api/schema", "/api/docs", "/api/redoc"])
def test_docs_ignore_a_stale_token_left_in_swagger(api_client, path):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(path).status_code == 200


def test_the_written_api_reference_names_every_route_and_method(api_client):
    """docs/api.md is the contract in words: every route of the schema is in it, with
    each of its methods."""
    reference = (settings.BASE_DIR / "docs" / "api.md").read_text()
    routes = [
        (method.upper(), path.rstrip("/"))
        for path, operations in schema_document(api_client)["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    missing = [
        f"{method} {path}"
        for method, path in routes
        if not re.search(rf"{method}[^\n]*{re.escape(path)}", reference)
    ]

    assert len(routes) > 20
    assert missing == []
