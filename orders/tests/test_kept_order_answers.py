"""Answers that show orders (tracking, the staff order list, the dashboard) are kept
until an order changes: a repeated read costs no query beyond the checks in front of
it (throttle, staff authentication), and every change shows on the next read."""

import datetime

import pytest
import time_machine
from rest_framework.throttling import ScopedRateThrottle

from catalog.tests.factories import ProductFactory
from conftest import bearer_client
from orders.models import Order
from orders.services import change_order_status, place_orders
from orders.tests.factories import order_payload
from orders.tests.test_admin import run_action

pytestmark = pytest.mark.django_db

LIST = "/api/admin/orders"
DASHBOARD = "/api/admin/analytics/dashboard"


@pytest.fixture
def placed(api_client, committed):
    product = ProductFactory()
    response = committed(
        lambda: api_client.post("/api/orders", order_payload({"product_id": str(product.pk)}))
    )
    assert response.status_code == 201
    return Order.objects.get(order_id=response.json()["order_id"])


def track(client, order):
    return client.get("/api/orders/track", {"order_id": order.order_id, "phone": "03001234567"})


@pytest.mark.parametrize(
    ("url", "first_queries"),
    [
        # The staff user behind the token, then the answer's own queries.
        (LIST, 3),
        (DASHBOARD, 6),
    ],
)
def test_a_repeated_staff_read_costs_only_the_staff_check(
    staff_client, placed, url, first_queries, django_assert_num_queries
):
    with django_assert_num_queries(first_queries):
        first = staff_client.get(url)
    assert first.status_code == 200, first.content

    with django_assert_num_queries(1):  # the staff user behind the token
        second = staff_client.get(url)
    assert second.status_code == 200, second.content

    assert second.content == first.content
    assert "no-store" in second["Cache-Control"]


def test_a_repeated_tracking_read_costs_no_query(api_client, placed, django_assert_num_queries):
    first = track(api_client, placed)

    with django_assert_num_queries(0):
        second = track(api_client, placed)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content


def test_a_miss_is_never_kept(api_client, placed, django_assert_num_queries):
    other_phone = {"order_id": placed.order_id, "phone": "0311-7654321"}
    wrong = api_client.get("/api/orders/track", other_phone)

    with django_assert_num_queries(1):  # looked up again, not answered from what was kept
        again = api_client.get("/api/orders/track", other_phone)

    assert wrong.status_code == again.status_code == 404


def test_staff_are_checked_before_a_kept_answer_is_served(api_client, staff_client, placed):
    staff_client.get(LIST)

    assert api_client.get(LIST).status_code == 401


def test_the_server_never_replays_an_answer_that_needs_its_checks(staff_client, placed):
    """Only Django may serve these: the staff check and the throttle come first."""
    for _ in range(2):  # computed, then kept
        answers = [staff_client.get(LIST), staff_client.get(DASHBOARD), track(staff_client, placed)]
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        assert [getattr(answer, "replay", None) for answer in answers] == [None, None, None]


def test_the_tracking_throttle_still_counts_kept_answers(api_client, placed, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "order_tracking", "2/minute")

    answers = [track(api_client, placed).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_a_status_change_through_the_api_shows_on_the_next_read(
    api_client, staff_client, placed, committed
):
    assert track(api_client, placed).json()["payment_status"] == "Pending"
    staff_client.get(LIST)

    committed(
        lambda: staff_client.patch(
            f"/api/admin/orders/{placed.pk}/status", {"payment_status": "Paid"}
        )
    )

    assert track(api_client, placed).json()["payment_status"] == "Paid"
    assert staff_client.get(LIST).json()["items"][0]["payment_status"] == "Paid"


def test_an_admin_action_shows_on_the_next_read(
    api_client, store_staff_client, staff_client, placed, committed
):
    staff_client.get(LIST)

    committed(lambda: run_action(store_staff_client, "mark_payment_paid", [placed]))

    assert staff_client.get(LIST).json()["items"][0]["payment_status"] == "Paid"
    assert track(api_client, placed).json()["payment_status"] == "Paid"


def test_a_new_order_shows_on_the_next_read(api_client, staff_client, placed, committed):
    assert staff_client.get(LIST).json()["total"] == 1

    committed(
        lambda: api_client.post(
            "/api/orders", order_payload({"product_id": str(ProductFactory().pk)})
        )
    )

    assert staff_client.get(LIST).json()["total"] == 2
    assert staff_client.get(DASHBOARD).json()["total_orders"] == 2


def test_batched_writes_show_on_the_next_read(staff_client, placed, committed):
    staff_client.get(DASHBOARD)
    request = {
        "customer": {
            key: value
            for key, value in order_payload().items()
            if key not in {"items", "payment_method"}
        },
        "items": [
            {"product_id": ProductFactory().pk, "size": "M", "color": "Maroon", "quantity": 1}
        ],
        "payment_method": "Easypaisa",
    }

    committed(lambda: place_orders(requests=[request]))
    assert staff_client.get(DASHBOARD).json()["total_orders"] == 2

    committed(
        lambda: change_order_status(order=placed, payment_status="Paid", order_status="Processing")
    )
    assert staff_client.get(DASHBOARD).json()["orders_by_status"]["processing"] == 1


def test_the_dashboard_is_kept_for_one_day_of_its_series(staff_user, placed):
    """Its default series ends today: tomorrow is another answer, with no order changed."""
    with time_machine.travel(datetime.datetime(2026, 11, 21, 20, tzinfo=datetime.UTC)):
        today = bearer_client(staff_user).get(DASHBOARD).json()["revenue_by_day"][-1]["date"]
    with time_machine.travel(datetime.datetime(2026, 11, 22, 20, tzinfo=datetime.UTC)):
        tomorrow = bearer_client(staff_user).get(DASHBOARD).json()["revenue_by_day"][-1]["date"]

    assert (today, tomorrow) == ("2026-11-22", "2026-11-23")
