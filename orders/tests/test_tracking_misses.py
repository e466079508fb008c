"""Tracking cannot be walked (orders.tracking): 10 lookups that find nothing for a phone
number, or for an order id, within an hour refuse that phone number or order id until
the hour is over, from every client; the 404 itself stays identical."""

import time

import pytest

from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/api/orders/track"
NOT_FOUND = {"detail": "Order not found"}


def track(client, order_id, phone, attempt=0):
    # A client address per attempt: only the miss counts decide, not the per-client rate.
    address = f"10.{attempt // 250}.{attempt % 250}.1"
    return client.get(URL, {"order_id": order_id, "phone": phone}, REMOTE_ADDR=address)


@pytest.fixture
def orders():
    return (
        OrderFactory(order_id="BQ-20261121-001", phone="0300-1234567"),
        OrderFactory(order_id="BQ-20261121-002", phone="0321-7654321"),
    )


def test_misses_for_one_phone_lock_that_phone_but_not_another(api_client, orders):
    mine, theirs = orders
    for attempt in range(10):
        guess = track(api_client, f"BQ-20261121-{attempt + 3:03d}", "+92 300 1234567", attempt)
        assert guess.status_code == 404
        assert guess.json() == NOT_FOUND

    locked = track(api_client, mine.order_id, "03001234567", 50)
    assert locked.status_code == 429
    assert 3590 <= int(locked.headers["Retry-After"]) <= 3600
    assert track(api_client, theirs.order_id, "03217654321", 51).status_code == 200


def test_misses_for_one_order_id_lock_that_order_id_but_not_another(api_client, orders):
    mine, theirs = orders
    for attempt in range(10):
        assert track(api_client, mine.order_id, f"0333-{attempt:07d}", attempt).status_code == 404

    assert track(api_client, mine.order_id, "03001234567", 50).status_code == 429
    assert track(api_client, theirs.order_id, "03217654321", 51).status_code == 200


def test_nine_misses_lock_nothing_and_hits_are_not_counted(api_client, orders):
    mine, _ = orders
    for attempt in range(9):
        assert track(api_client, "BQ-20261121-099", "03001234567", attempt).status_code == 404
    for attempt in range(20):
        assert track(api_client, mine.order_id, "03001234567", 100 + attempt).status_code == 200


def test_a_kept_answer_is_not_replayed_to_a_locked_phone(api_client, orders):
    mine, _ = orders
    assert track(api_client, mine.order_id, "03001234567").status_code == 200
    for attempt in range(10):
        assert track(api_client, "BQ-20261121-099", "03001234567", attempt).status_code == 404

    assert track(api_client, mine.order_id, "03001234567").status_code == 429


def test_the_limit_and_window_come_from_settings(api_client, orders, settings):
    settings.TRACKING_MISS_LIMIT = 2
    settings.TRACKING_MISS_WINDOW_SECONDS = 1
    mine, _ = orders
    for attempt in range(2):
        assert track(api_client, "BQ-20261121-099", "03001234567", attempt).status_code == 404
    assert track(api_client, mine.order_id, "03001234567", 9).status_code == 429

    time.sleep(1.2)

    assert track(api_client, mine.order_id, "03001234567", 10).status_code == 200
