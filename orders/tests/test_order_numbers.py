"""Order ids: `BQ-<store-local date>-<that day's number>`, never duplicated."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from beautique.tests.threads import in_threads
from catalog.tests.factories import ProductFactory
from orders.models import DailyOrderSequence, Order, OrderItem
from orders.services import next_order_number
from orders.tests.factories import order_payload

URL = "/api/orders"
UTC = datetime.UTC


def place(client, product, **headers):
    return client.post(
        URL, order_payload({"product_id": str(product.pk)}), format="json", headers=headers
    )


@pytest.mark.django_db
def test_the_first_orders_of_a_day_are_numbered_from_001(api_client):
    product = ProductFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC), tick=False):
        ids = [place(api_client, product).json()["order_id"] for _ in range(3)]
    assert ids == ["BQ-20261121-001", "BQ-20261121-002", "BQ-20261121-003"]
    assert list(DailyOrderSequence.objects.values_list("date", "last_number")) == [
        (datetime.date(2026, 11, 21), 3)
    ]


@pytest.mark.django_db
def test_numbering_starts_again_each_day(api_client):
    product = ProductFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC), tick=False):
        place(api_client, product)
        place(api_client, product)
    with time_machine.travel(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=UTC), tick=False):
        response = place(api_client, product)
    assert response.json()["order_id"] == "BQ-20261122-001"


@pytest.mark.django_db
def test_number_1000_follows_999(api_client):
    product = ProductFactory()
    DailyOrderSequence.objects.create(date=datetime.date(2026, 11, 21), last_number=998)
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC), tick=False):
        ids = [place(api_client, product).json()["order_id"] for _ in range(2)]
    assert ids == ["BQ-20261121-999", "BQ-20261121-1000"]
    assert Order.objects.filter(order_id="BQ-20261121-1000").exists()


@pytest.mark.django_db
def test_late_evening_utc_is_already_the_next_day_in_karachi(api_client):
    product = ProductFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 23, 30, tzinfo=UTC), tick=False):
        response = place(api_client, product)
    assert response.status_code == 201
    assert response.json()["order_id"] == "BQ-20261122-001"
    assert response.json()["order_date"] == "2026-11-22"
    assert response.json()["created_at"] == "2026-11-22T04:30:00+05:00"
    assert Order.objects.get().order_date == datetime.date(2026, 11, 22)


@pytest.mark.django_db
def test_next_order_number_counts_each_day_on_its_own():
    monday, tuesday = datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)
    numbers = [next_order_number(monday), next_order_number(monday), next_order_number(tuesday)]
    assert numbers == [1, 2, 1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_orders_get_50_distinct_consecutive_ids():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    product = ProductFactory(regular_price=Decimal("2500.00"))

    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC)):
        # Fifty customers, each from their own address (one address is throttled).
        responses, errors = in_threads(
            50, lambda index: place(APIClient(REMOTE_ADDR=f"203.0.113.{index + 1}"), product)
        )

    assert errors == []
    assert [response.status_code for response in responses] == [201] * 50
    ids = sorted(response.json()["order_id"] for response in responses)
    assert ids == sorted(f"BQ-20261121-{n:03d}" for n in range(1, 51))
    assert Order.objects.count() == 50
    assert OrderItem.objects.count() == 50
    assert DailyOrderSequence.objects.get(date=datetime.date(2026, 11, 21)).last_number == 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_with_one_idempotency_key_create_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    product = ProductFactory()

    responses, errors = in_threads(
        8, lambda _: place(APIClient(), product, **{"Idempotency-Key": "checkout-7f3a"})
    )

    assert errors == []
    assert sorted(response.status_code for response in responses) == [200] * 7 + [201]
    assert len({response.content for response in responses}) == 1
    assert Order.objects.count() == 1
    assert Order.objects.get().idempotency_key == "checkout-7f3a"
