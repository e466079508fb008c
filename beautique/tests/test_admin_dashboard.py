"""The admin index page: the store's dashboard, from the same analytics service as the API."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from orders.models import Order
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

NOON_IN_KARACHI = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _at_noon_in_karachi():
    """Every step (the staff login, the orders, each page) happens on the same day, so
    neither the figures nor the login session depend on today's date."""
    with time_machine.travel(NOON_IN_KARACHI, tick=False):
        yield


def order(order_id: str, day: str, hour: int, **fields) -> Order:
    placed = OrderFactory(order_id=order_id, order_date=datetime.date.fromisoformat(day), **fields)
    created = timezone.make_aware(datetime.datetime.combine(placed.order_date, datetime.time(hour)))
    Order.objects.filter(pk=placed.pk).update(created_at=created, updated_at=created)
    return placed


@pytest.fixture
def shop_history():
    order("BQ-20261121-001", "2026-11-21", 9, total_amount=Decimal("5000"))
    order("BQ-20261121-002", "2026-11-21", 10, total_amount=Decimal("7000"), payment_status="Paid")
    order(
        "BQ-20261110-001",
        "2026-11-10",
        15,
        total_amount=Decimal("20000"),
        payment_status="Verified",
        order_status="Delivered",
        delivery_status="Delivered",
    )
    order(
        "BQ-20261112-001",
        "2026-11-12",
        11,
        total_amount=Decimal("9000"),
        payment_status="Verified",
        order_status="Cancelled",
    )
    order(
        "BQ-20261030-001",
        "2026-10-30",
        18,
        total_amount=Decimal("3000"),
        payment_status="Verified",
        order_status="Ready",
    )
    order(
        "BQ-20261115-001",
        "2026-11-15",
        12,
        total_amount=Decimal("4000"),
        payment_status="Paid",
        order_status="Cancelled",
    )
    order("BQ-20261001-001", "2026-10-01", 12, total_amount=Decimal("1000"))
    yield


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response


def test_the_cards_show_todays_work_and_this_months_revenue(store_staff_client, shop_history):
    response = dashboard(store_staff_client)

    cards = [(card.label, card.value, card.hint) for card in response.context["dashboard"]["cards"]]
    assert cards == [
        ("Orders today", "2", "Saturday, 21 November"),
        ("Payments to verify", "1", "Marked paid, not yet verified"),
        ("Revenue this month", "PKR 20,000", "1 verified order in November"),
        ("Ready to dispatch", "1", "Orders with status Ready"),
    ]
    html = response.content.decode()
    assert "<title>Dashboard | Beautique Store admin</title>" in html
    assert '<div id="site-name"><a href="/admin/">Beautique Store</a></div>' in html


@pytest.mark.parametrize(
    ("card", "listed"),
    [
        ("orders-today", ["BQ-20261121-002", "BQ-20261121-001"]),
        ("payments-to-verify", ["BQ-20261121-002"]),
        ("revenue-this-month", ["BQ-20261110-001"]),
        ("ready-to-dispatch", ["BQ-20261030-001"]),
    ],
)
def test_each_card_links_to_the_orders_it_counts(store_staff_client, shop_history, card, listed):
    url = next(
        c.url for c in dashboard(store_staff_client).context["dashboard"]["cards"] if c.key == card
    )

    response = store_staff_client.get(url)

    assert response.status_code == 200
    assert [o.order_id for o in response.context["cl"].result_list] == listed


def test_the_chart_covers_the_last_30_days_as_inline_svg(store_staff_client, shop_history):
    response = dashboard(store_staff_client)

    chart = response.context["dashboard"]["chart"]
    assert len(chart["bars"]) == 30
    assert chart["bars"][0].title == "Fri 23 Oct: 0 orders, PKR 0 revenue"
    assert chart["bars"][7].title == "Fri 30 Oct: 1 order, PKR 3,000 revenue"
    assert chart["bars"][-1].title == "Sat 21 Nov: 2 orders, PKR 0 revenue"
    assert (chart["total_orders"], chart["total_revenue"]) == (6, Decimal("23000.00"))
    assert [label.text for label in chart["labels"]] == [
        "23 Oct", "28 Oct", "2 Nov", "7 Nov", "12 Nov", "17 Nov", "21 Nov",
    ]  # fmt: skip
    html = response.content.decode()
    assert "Last 30 days: 6 orders, PKR 23,000 revenue" in html
    assert html.count('<rect class="bar"') == 30
    assert '<polyline class="revenue-line" points="' in html
    assert "<script" not in html.split('id="dashboard-chart"')[1].split("</svg>")[0]
    # Axes end on round numbers above the busiest day: 2 orders on a 0-4 scale, the
    # best revenue day (20,000) on a 0-20k one.
    assert [(tick.orders, tick.revenue) for tick in chart["ticks"]] == [
        ("0", "0"), ("1", "5k"), ("2", "10k"), ("3", "15k"), ("4", "20k"),
    ]  # fmt: skip
    assert chart["bars"][-1].height == 104.0
    assert chart["bars"][-1].y == chart["ticks"][2].y
    assert chart["bars"][0].height == 0


def test_the_most_recent_orders_link_to_their_pages(store_staff_client, shop_history):
    response = dashboard(store_staff_client)

    recent = response.context["dashboard"]["recent_orders"]
    assert [o.order_id for o in recent] == [
        "BQ-20261121-002",
        "BQ-20261121-001",
        "BQ-20261115-001",
        "BQ-20261112-001",
        "BQ-20261110-001",
        "BQ-20261030-001",
        "BQ-20261001-001",
    ]
    html = response.content.decode()
    for o in recent:
        assert f'<a href="/admin/orders/order/{o.pk}/change/">{o.order_id}</a>' in html


def test_only_the_ten_most_recent_orders_are_listed(store_staff_client):
    OrderFactory.create_batch(12)

    response = store_staff_client.get("/admin/")

    assert len(response.context["dashboard"]["recent_orders"]) == 10


def test_the_dashboard_query_count_does_not_grow_with_the_orders(
    store_staff_client, django_assert_num_queries
):
    OrderFactory()
    with django_assert_num_queries(8):
        store_staff_client.get("/admin/")
    OrderFactory.create_batch(25)
    with django_assert_num_queries(8):
        store_staff_client.get("/admin/")


def test_staff_without_order_permissions_get_the_plain_index(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "dashboard" not in response.context
    assert response.context["app_list"] == []
