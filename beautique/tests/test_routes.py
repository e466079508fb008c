"""Routing conventions (docs/api.md, "Conventions"): both slash forms, no redirects,
JSON GETs from the browser, and staff-only routes refused without a token."""

import contextlib
import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from conftest import bearer_client

pytestmark = pytest.mark.django_db

# (method, path, expected status) for every public route; `{product}` is an active product.
PUBLIC_ROUTES = [
    ("get", "/health", 200),
    ("get", "/api/health", 200),
    ("get", "/api/schema", 200),
    ("get", "/api/docs", 200),
    ("get", "/api/redoc", 200),
    ("get", "/api/products", 200),
    ("get", "/api/products/bestsellers", 200),
    ("get", "/api/products/{product}", 200),
    ("get", "/api/categories", 200),
    ("get", "/api/orders/track", 422),
    ("post", "/api/orders", 422),
    ("post", "/api/admin/login", 401),
]
LOGIN_BODY = {"username": "nobody", "password": "Not-the-password-1"}
PUBLIC_STAFF_ROUTES = {"/api/admin/login", "/api/admin/token/refresh", "/api/admin/logout"}


@pytest.fixture
def product():
    return ProductFactory()


@pytest.mark.parametrize("slash", ["", "/"], ids=["bare", "slash"])
@pytest.mark.parametrize(("method", "path", "expected"), PUBLIC_ROUTES)
def test_public_route_answers_with_and_without_trailing_slash(
    api_client, product, method, path, expected, slash
):
    url = path.format(product=product.id) + slash
    body = LOGIN_BODY if path == "/api/admin/login" else {}

    response = getattr(api_client, method)(url, body) if method == "post" else api_client.get(url)

    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(
    "path", ["/api/products", "/api/categories", "/api/products/bestsellers", "/api/health"]
)
def test_get_with_json_content_type_and_no_body_is_an_ordinary_get(api_client, path):
    response = api_client.get(path, headers={"Content-Type": "application/json"})

    assert response.status_code == 200


def test_tracking_get_with_json_content_type_is_an_ordinary_get(api_client):
    response = api_client.get(
        "/api/orders/track",
        {"order_id": "BQ-20261121-001", "phone": "03001234567"},
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Order not found"}


def test_docs_shortcut_redirects_to_swagger_ui(api_client):
    for path in ("/docs", "/docs/"):
        response = api_client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/api/docs"


def _routes(patterns, prefix=""):
    """Every leaf route as one regex string, e.g. `api/products/(?P<pk>[^/]+)/?`."""
    for entry in patterns:
        part = str(entry.pattern).removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part


def _example_path(route: str) -> str:
    """A concrete path for a route regex, with a UUID for each path parameter."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(uuid.uuid4()), route)
    return "/" + path.removesuffix("/?")


API_PATHS = sorted({_example_path(r) for r in _routes(get_resolver().url_patterns)})
API_PATHS = [path for path in API_PATHS if path.startswith("/api/")]


def test_every_api_route_resolves_with_and_without_trailing_slash():
    assert "/api/products" in API_PATHS
    for path in API_PATHS:
        assert resolve(path).func is resolve(path + "/").func, path


STAFF_PATHS = [
    path for path in API_PATHS if path.startswith("/api/admin/") and path not in PUBLIC_STAFF_ROUTES
]


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("slash", ["", "/"], ids=["bare", "slash"])
@pytest.mark.parametrize(
    "path",
    [path for path in API_PATHS if path.startswith("/api/admin/")] + ["/api/admin/no-such-route"],
)
def test_every_staff_answer_forbids_storing_it(api_client, staff_client, path, slash):
    """Staff answers carry customer data: successes and errors alike, signed in or not."""
    url = path + slash

    for response in (
        staff_client.get(url),
        staff_client.post(url, {}),
        api_client.get(url),
        api_client.get(url, headers={"Authorization": "Bearer not-a-token"}),
    ):
        assert "no-store" in cache_directives(response), (url, response.status_code)


def test_staff_sign_in_answers_forbid_storing_them(api_client, staff_user):
    login = api_client.post(
        "/api/admin/login", {"username": staff_user.username, "password": "Sturdy-pass-2026"}
    )
    refresh = api_client.post(
        "/api/admin/token/refresh", {"refresh_token": login.json()["refresh_token"]}
    )
    tokens = refresh.json()
    me = bearer_client(staff_user).get("/api/admin/me")
    logout = api_client.post("/api/admin/logout", {"refresh_token": tokens["refresh_token"]})

    for response, expected in ((login, 200), (refresh, 200), (me, 200), (logout, 204)):
        assert response.status_code == expected, response.content
        assert "no-store" in cache_directives(response), response.request["PATH_INFO"]


@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, path, _ in PUBLIC_ROUTES if not path.startswith("/api/admin/")],
)
def test_public_answers_do_not_forbid_caching(api_client, product, method, path):
    url = path.format(product=product.id)

    response = getattr(api_client, method)(url, {}) if method == "post" else api_client.get(url)

    assert "no-store" not in cache_directives(response), url


def test_every_staff_route_refuses_a_request_without_a_valid_token(api_client):
    assert "/api/admin/me" in STAFF_PATHS

    for path in STAFF_PATHS:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = api_client.get(path, headers=headers)
            assert response.status_code == 401, path
            assert response["WWW-Authenticate"].startswith("Bearer"), path
            assert list(response.json()) == ["detail"], path


def test_admin_without_its_slash_leads_to_the_admin(api_client):
    response = api_client.get("/admin")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("refusal", ["expired", "deactivated", "password changed", "not staff"])
def test_every_staff_route_refuses_every_token_that_lost_its_right(django_user_model, refusal):
    user = django_user_model.objects.create_user(
        username="clerk", password="Sturdy-pass-2026", is_staff=refusal != "not staff"
    )
    client = bearer_client(user)
    if refusal == "deactivated":
        user.is_active = False
        user.save()
    if refusal == "password changed":
        user.set_password("Another-sturdy-pass-2026")
        user.save()
    later = timezone.now() + datetime.timedelta(hours=24, seconds=1)
    clock = time_machine.travel(later) if refusal == "expired" else contextlib.nullcontext()
    expected = 403 if refusal == "not staff" else 401

    with clock:
        for path in STAFF_PATHS:
            response = client.get(path)
            assert response.status_code == expected, path
            assert list(response.json()) == ["detail"], path
            if expected == 401:
                assert response["WWW-Authenticate"].startswith("Bearer"), path
