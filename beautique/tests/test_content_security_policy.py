"""Content-Security-Policy: the admin and the API reference run within it; other answers
(JSON, CSV, pictures) allow nothing."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client

from catalog.tests.factories import ProductFactory, UploadedProductImageFactory
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

PAGE_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NOTHING_ALLOWED = {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives}


class PageParts(HTMLParser):
    """What a page asks the browser to run or style: the policy must allow each."""

    def __init__(self, html: str):
        super().__init__()
        self.assets: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.assets.append(attributes["src"])
            elif attributes.get("type") != "application/json":  # data, never run
                self._in_script = True
        if tag == "style":
            self.inline_styles.append("<style>")
        if tag == "link" and attributes.get("rel") in ("stylesheet", "icon"):
            self.assets.append(attributes["href"])
        if "style" in attributes:
            self.inline_styles.append(f"{tag} style=")
        self.inline_scripts += [f"{tag} {name}=" for name in attributes if name.startswith("on")]

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def assert_runs_within_the_policy(client, path: str, *, inline_styles: bool = False):
    """The page has no inline script (nor inline style, unless allowed), and every script,
    stylesheet and icon it names is served by the backend itself."""
    response = client.get(path)
    assert response.status_code == 200, path
    page = PageParts(response.content.decode())

    assert page.inline_scripts == [], path
    assert inline_styles or page.inline_styles == [], path
    assert page.assets, path
    for url in page.assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), (path, url)
        assert client.get(url).status_code == 200, (path, url)


@pytest.fixture
def staff_browser(store_staff_client, settings):
    """The staff member's admin session, with static files answered from the apps."""
    settings.WHITENOISE_USE_FINDERS = True
    return store_staff_client


def test_the_admin_login_page_runs_within_the_page_policy(settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()

    assert policy(client.get("/admin/login/")) == PAGE_POLICY
    assert_runs_within_the_policy(client, "/admin/login/")


def test_the_admin_pages_staff_use_run_within_the_page_policy(staff_browser):
    product = ProductFactory()
    UploadedProductImageFactory(product=product)
    order = OrderFactory()
    OrderItemFactory(order=order)
    pages = [
        "/admin/",
        "/admin/catalog/product/",
        "/admin/catalog/product/add/",
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
    ]

    for path in pages:
        assert policy(staff_browser.get(path)) == PAGE_POLICY, path
        assert_runs_within_the_policy(staff_browser, path)


def test_swagger_ui_runs_within_the_page_policy(settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()

    assert policy(client.get("/api/docs")) == PAGE_POLICY
    assert_runs_within_the_policy(client, "/api/docs")


def test_swagger_ui_start_up_script_is_a_file_of_the_backend(api_client):
    [start_up] = [
        url
        for url in PageParts(api_client.get("/api/docs").content.decode()).assets
        if url.startswith("/api/docs")
    ]

    response = api_client.get(start_up)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content
    assert b'url: "/api/schema"' in response.content


def test_redoc_may_add_styles_and_a_search_worker_but_no_scripts(settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()

    assert policy(client.get("/api/redoc")) == {
        **PAGE_POLICY,
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
    }
    assert_runs_within_the_policy(client, "/api/redoc", inline_styles=True)


def test_json_csv_and_errors_allow_nothing(api_client, staff_client):
    OrderFactory()
    answers = [
        api_client.get("/api/products"),
        api_client.get("/api/schema"),
        api_client.get("/api/no-such-route"),
        api_client.get("/api/admin/orders"),
        staff_client.get("/api/admin/orders"),
        staff_client.get("/api/admin/orders/export"),
        api_client.get("/health"),
    ]

    for response in answers:
        assert policy(response) == NOTHING_ALLOWED, response.request["PATH_INFO"]


def test_a_served_picture_allows_nothing(api_client):
    image = UploadedProductImageFactory()

    response = api_client.get(image.image.url)

    assert response.status_code == 200
    assert policy(response) == NOTHING_ALLOWED
