"""Requests racing each other on PostgreSQL: never a 500, always a consistent result."""

import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beautique.tests.threads import in_threads
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from conftest import bearer_client
from orders.models import Order, OrderItem, OrderStatusEvent
from orders.tests.factories import OrderFactory, order_payload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")


def test_orders_racing_a_permanent_delete_either_keep_their_snapshot_or_name_the_item(
    owner_client,
):
    rounds, customers = 12, 5
    placed, refused = [], []
    for round_ in range(rounds):
        kept, doomed = ProductFactory(), ProductFactory(name=f"Doomed dress {round_}")
        body = order_payload({"product_id": str(kept.pk)}, {"product_id": str(doomed.pk)})

        def work(index, doomed=doomed, body=body, round_=round_):
            if index == customers:
                # Later and later each round: from before the orders to among their commits.
                time.sleep(round_ * 0.003)
                return owner_client.delete(f"/api/admin/products/{doomed.pk}/permanent")
            # Each customer from their own address (one address is throttled).
            client = APIClient(REMOTE_ADDR=f"203.0.113.{round_ * customers + index + 1}")
            return client.post("/api/orders", body, format="json")

        responses, errors = in_threads(customers + 1, work)

        assert errors == []
        *orders, deleted = responses
        assert deleted.status_code == 204, deleted.content
        assert not Product.objects.filter(pk=doomed.pk).exists()
        for response in orders:
            assert response.status_code in (201, 422), response.content
            if response.status_code == 201:
                placed.append((response.json(), doomed))
            else:
                assert response.json()["errors"] == {
                    "items.1.product_id": ["This product is not available"]
                }
                refused.append(response)

    assert Order.objects.count() == len(placed)
    for body, doomed in placed:
        assert body["items"][1]["product_id"] == str(doomed.pk)
        item = OrderItem.objects.get(order__order_id=body["order_id"], product_uuid=doomed.pk)
        assert (item.name, item.product_id) == (doomed.name, None)
    assert len(placed) + len(refused) == rounds * customers


def test_concurrent_status_changes_leave_a_history_that_is_a_chain_in_time_order(staff_user):
    order = OrderFactory(payment_status="Paid", order_status="Processing")
    # Moves the lifecycle allows in any order: one step either way.
    payment = ["Verified", "Paid"]
    delivery = ["In Progress", "Not Started", "In Progress"]
    url = f"/api/admin/orders/{order.pk}/status"

    def work(index):
        body = {"payment_status": payment[index % 2], "delivery_status": delivery[index % 3]}
        return bearer_client(staff_user).patch(url, body, format="json")

    responses, errors = in_threads(20, work)

    assert errors == []
    assert [response.status_code for response in responses] == [200] * 20
    order.refresh_from_db()
    stored = {"payment_status": order.payment_status, "delivery_status": order.delivery_status}
    for field, start in [("payment_status", "Paid"), ("delivery_status", "Not Started")]:
        steps = list(
            OrderStatusEvent.objects.filter(order=order, field=field)
            .order_by("created_at", "id")
            .values_list("from_status", "to_status")
        )
        assert steps, field
        assert [from_ for from_, _to in steps] == [start] + [to for _from, to in steps[:-1]]
        assert steps[-1][1] == stored[field]
