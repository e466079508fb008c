"""The store keeps taking orders when a side system fails, and says 503 (never 500)
when the database cannot be reached. Issue: "An order is never lost or refused
because something else failed"."""

import logging
import socket
import subprocess
import sys
import threading
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.backends import ModelBackend
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from beautique import cache as failover
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db

PASSWORD = "Sturdy-pass-2026"


class SilentServer:
    """A TCP port that accepts connections and never answers: a hung Redis or database."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def redis_at(settings, port: int) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "beautique.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    failover._outages.clear()


@pytest.fixture
def redis_down(settings):
    redis_at(settings, closed_port())
    yield
    failover._outages.clear()


@pytest.fixture
def redis_hung(settings):
    server = SilentServer()
    redis_at(settings, server.port)
    yield server
    server.close()
    failover._outages.clear()


def place(client, product, **extra):
    return client.post(
        "/api/orders", order_payload({"product_id": str(product.pk)}), format="json", **extra
    )


def login(client, password=PASSWORD):
    return client.post("/api/admin/login", {"username": "staffer", "password": password})


@pytest.mark.parametrize("fault", ["redis_down", "redis_hung"])
def test_with_the_cache_unreachable_orders_are_placed_tracked_and_staff_sign_in(
    request, fault, api_client, staff_user
):
    request.getfixturevalue(fault)
    product = ProductFactory()

    placed = place(api_client, product)
    tracked = api_client.get(
        "/api/orders/track", {"order_id": placed.json()["order_id"], "phone": "03001234567"}
    )
    signed_in = login(api_client)

    assert placed.status_code == 201, placed.json()
    assert Order.objects.count() == 1
    assert tracked.status_code == 200
    assert signed_in.status_code == 200


def test_health_stays_200_and_names_the_cache_when_it_is_unreachable(api_client, redis_down):
    response = api_client.get("/health")

    assert response.status_code == 200
    assert response.json()["status"] == "healthy"
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "unreachable"


def test_a_hung_cache_is_waited_for_once_then_left_alone_for_a_while(api_client, redis_hung):
    product = ProductFactory()

    for _ in range(5):
        assert place(api_client, product).status_code == 201

    # One connection attempt timed out; the next requests went straight to the
    # process's own cache instead of waiting on the hung server again.
    assert len(redis_hung.accepted) == 1


def test_the_outage_is_logged_once_not_per_request(api_client, redis_down, caplog):
    product = ProductFactory()

    with caplog.at_level(logging.WARNING, logger="beautique.cache"):
        for _ in range(3):
            assert place(api_client, product).status_code == 201
        with mock.patch.object(failover, "RETRY_SECONDS", 0):
            for _ in range(3):
                assert place(api_client, product).status_code == 201

    warnings = [r for r in caplog.records if r.name == "beautique.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_sign_in_stays_limited_per_process_while_the_cache_is_down(
    api_client, redis_down, staff_user, settings
):
    settings.LOGIN_USERNAME_CLIENT_FAILURE_LIMIT = 3

    answers = [login(api_client, password="wrong").status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]
    assert login(api_client).status_code == 429


def test_throttles_go_on_counting_in_the_process_while_the_cache_is_down(
    api_client, redis_down, monkeypatch
):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "order_create", "2/minute")
    product = ProductFactory()

    answers = [place(api_client, product).status_code for _ in range(3)]

    assert answers == [201, 201, 429]


def test_the_default_cache_is_shared_by_every_process_of_the_server(tmp_path):
    """Two processes (as two workers of the server) count into one counter."""
    script = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "cache.add('hits', 0, 60)\n"
        "print(cache.incr('hits'))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "beautique.settings",
        "DEBUG": "1",
        "CACHE_DIR": str(tmp_path),
    }
    counts = [
        subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=django_settings.BASE_DIR,
        ).stdout.strip()
        for _ in range(2)
    ]

    assert counts == ["1", "2"]


UNREACHABLE = OperationalError('connection to server at "db.internal" failed: timeout expired')


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/products"),
        ("get", "/api/categories"),
        ("post", "/api/orders"),
        ("get", "/api/orders/track?order_id=BQ-20261121-001&phone=03001234567"),
        ("post", "/api/admin/login"),
        ("get", "/api/admin/orders"),
    ],
)
def test_every_route_answers_503_with_retry_after_when_the_database_is_unreachable(
    api_client, staff_client, method, path
):
    client = staff_client if "/admin/orders" in path else api_client
    body = {"username": "staffer", "password": PASSWORD} if path.endswith("login") else {}
    if path == "/api/orders":
        body = order_payload({"product_id": str(ProductFactory().pk)})

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=UNREACHABLE):
        response = getattr(client, method)(path, body, format="json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The store is briefly unavailable. Please try again in a moment."
    }
    assert "db.internal" not in response.content.decode()


def test_the_django_admin_answers_503_too_when_the_database_is_unreachable(
    store_staff_client,
):
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=UNREACHABLE):
        store_staff_client.raise_request_exception = False
        response = store_staff_client.get("/admin/orders/order/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "db.internal" not in response.content.decode()


def test_health_does_not_wait_on_a_hung_cache_again_while_the_outage_is_recent(
    api_client, redis_hung
):
    answers = [api_client.get("/health").json()["cache"] for _ in range(3)]

    assert answers == ["unreachable"] * 3
    assert len(redis_hung.accepted) == 1


def test_sign_in_attempts_during_a_database_outage_do_not_lock_the_staff_out(
    api_client, staff_user, settings
):
    settings.LOGIN_USERNAME_CLIENT_FAILURE_LIMIT = 2
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 2
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 2
    # The lockout backend counts each attempt; the password check after it fails.
    with mock.patch.object(ModelBackend, "authenticate", side_effect=UNREACHABLE):
        outage = [login(api_client).status_code for _ in range(4)]

    assert outage == [503] * 4
    assert login(api_client).status_code == 200


def test_the_redis_cache_keeps_one_client_for_its_connections():
    shared = failover.RedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})

    assert shared._cache.get_client() is shared._cache.get_client(write=True)
    with pytest.raises(failover.UNREACHABLE_ERRORS):
        shared.get("anything")
