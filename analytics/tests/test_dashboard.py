"""GET /api/admin/analytics/dashboard (docs/api.md, "Staff", "Analytics")."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from django.utils import timezone

from analytics import services
from conftest import bearer_client
from orders.models import DeliveryStatus, Order, OrderStatus, PaymentStatus
from orders.tests.factories import OrderFactory, OrderItemFactory

URL = "/api/admin/analytics/dashboard"
# 10:00 UTC is 15:00 in Karachi: "today" is 2026-11-21 in the store.
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 21)

SILK = UUID(int=2)
LAWN = UUID(int=3)
CHIFFON = UUID(int=1)
GHARARA = UUID(int=4)
KURTA = UUID(int=5)
SHAWL = UUID(int=6)
DUPATTA = UUID(int=7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def store_today(settings, time_machine):
    """The store is in Karachi and it is 2026-11-21 15:00 there (autouse: before any token)."""
    settings.TIME_ZONE = "Asia/Karachi"
    time_machine.move_to(NOW, tick=False)


def make_order(order_id, created_at, *, payment, status, delivery, lines):
    """An order placed at `created_at` (UTC), on the store-local day of that instant.

    `lines` are (product id, name, quantity, unit price).
    """
    line_totals = [quantity * Decimal(price) for _, _, quantity, price in lines]
    order = OrderFactory(
        order_id=order_id,
        order_date=timezone.localtime(created_at).date(),
        payment_status=payment,
        order_status=status,
        delivery_status=delivery,
        total_amount=sum(line_totals),
    )
    for (product_id, name, quantity, price), line_total in zip(lines, line_totals, strict=True):
        OrderItemFactory(
            order=order,
            product=None,
            product_uuid=product_id,
            name=name,
            quantity=quantity,
            unit_price=Decimal(price),
            line_total=line_total,
        )
    Order.objects.filter(pk=order.pk).update(created_at=created_at, updated_at=created_at)
    order.refresh_from_db()
    return order


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def orders():
    """Eight orders over seven weeks, in every status, created oldest first."""
    return {
        "october": make_order(
            "BQ-20261001-001",
            utc(2026, 10, 1, 6, 0),
            payment=PaymentStatus.VERIFIED,
            status=OrderStatus.DELIVERED,
            delivery=DeliveryStatus.DELIVERED,
            lines=[(SHAWL, "Pashmina Shawl", 4, "1500")],
        ),
        "nov1": make_order(
            "BQ-20261101-001",
            utc(2026, 11, 1, 5, 0),
            payment=PaymentStatus.VERIFIED,
            status=OrderStatus.DELIVERED,
            delivery=DeliveryStatus.DELIVERED,
            lines=[(SILK, "Silk Maxi Dress", 2, "5000"), (LAWN, "Lawn Suit", 1, "3000")],
        ),
        # 20:30 UTC on Nov 1 is 01:30 on Nov 2 in Karachi.
        "late_night": make_order(
            "BQ-20261102-001",
            utc(2026, 11, 1, 20, 30),
            payment=PaymentStatus.VERIFIED,
            status=OrderStatus.PROCESSING,
            delivery=DeliveryStatus.IN_PROGRESS,
            lines=[(SILK, "Silk Maxi Dress Deluxe", 1, "5000.10")],
        ),
        "paid_ready": make_order(
            "BQ-20261110-001",
            utc(2026, 11, 10, 9, 0),
            payment=PaymentStatus.PAID,
            status=OrderStatus.READY,
            delivery=DeliveryStatus.NOT_STARTED,
            lines=[(CHIFFON, "Chiffon Suit", 3, "2000")],
        ),
        "cancelled_pending": make_order(
            "BQ-20261110-002",
            utc(2026, 11, 10, 12, 0),
            payment=PaymentStatus.PENDING,
            status=OrderStatus.CANCELLED,
            delivery=DeliveryStatus.NOT_STARTED,
            lines=[(GHARARA, "Gharara", 10, "1000")],
        ),
        "cancelled_verified": make_order(
            "BQ-20261115-001",
            utc(2026, 11, 15, 6, 0),
            payment=PaymentStatus.VERIFIED,
            status=OrderStatus.CANCELLED,
            delivery=DeliveryStatus.NOT_STARTED,
            lines=[(SILK, "Silk Maxi Dress Deluxe", 5, "5000")],
        ),
        "pending": make_order(
            "BQ-20261120-001",
            utc(2026, 11, 20, 8, 0),
            payment=PaymentStatus.PENDING,
            status=OrderStatus.RECEIVED,
            delivery=DeliveryStatus.NOT_STARTED,
            lines=[
                (KURTA, "Kurta", 1, "4000"),
                (SHAWL, "Pashmina Shawl", 1, "1500"),
                (DUPATTA, "Dupatta", 2, "4000"),
            ],
        ),
        "today": make_order(
            "BQ-20261121-001",
            utc(2026, 11, 21, 4, 0),
            payment=PaymentStatus.VERIFIED,
            status=OrderStatus.READY,
            delivery=DeliveryStatus.OUT_FOR_DELIVERY,
            lines=[(LAWN, "Lawn Suit", 2, "3000"), (KURTA, "Kurta", 1, "4000")],
        ),
    }


def series(first, last, figures):
    """Every day from `first` to `last`, zeros except `figures` ({date: (orders, revenue)})."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        {
            "date": day.isoformat(),
            "orders": figures.get(day, (0, 0))[0],
            "revenue": figures.get(day, (0, 0))[1],
        }
        for day in days
    ]


def list_item(order):
    return {
        "id": str(order.pk),
        "order_id": order.order_id,
        "customer_name": "Ayesha Khan",
        "phone": "0300-1234567",
        "city": "Karachi",
        "total_amount": float(order.total_amount),
        "payment_method": "Easypaisa",
        "payment_status": order.payment_status,
        "order_status": order.order_status,
        "delivery_status": order.delivery_status,
        "order_date": order.order_date.isoformat(),
        "created_at": timezone.localtime(order.created_at).isoformat(),
    }


def test_dashboard_for_all_time(staff_client, orders):
    response = staff_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "total_orders": 8,
        # Verified and not cancelled: october, nov1, late_night, today.
        "total_revenue": 34000.1,
        # Revenue per order, as in the contract's example: 34000.10 / 8 = 4250.0125.
        "average_order_value": 4250.01,
        # The cancelled order's pending payment is not waiting for anything.
        "pending_payments": 1,
        "orders_ready": 2,
        "orders_by_status": {
            "received": 1,
            "processing": 1,
            "ready": 2,
            "delivered": 2,
            "cancelled": 2,
        },
        "orders_by_payment_status": {"pending": 2, "paid": 1, "verified": 5},
        "orders_by_delivery_status": {
            "not_started": 4,
            "in_progress": 1,
            "out_for_delivery": 1,
            "delivered": 2,
        },
        "recent_orders": [
            list_item(orders[key])
            for key in ["today", "pending", "cancelled_verified", "cancelled_pending", "paid_ready"]
        ],
        # The last 30 store-local days; the October order is older.
        "revenue_by_day": series(
            date(2026, 10, 23),
            TODAY,
            {
                date(2026, 11, 1): (1, 13000.0),
                date(2026, 11, 2): (1, 5000.1),
                date(2026, 11, 10): (2, 0),
                date(2026, 11, 15): (1, 0),
                date(2026, 11, 20): (1, 0),
                date(2026, 11, 21): (1, 10000.0),
            },
        ),
        # The cancelled Gharara (10 units) and the cancelled 5 Silk dresses do not count.
        # Silk, Lawn and Chiffon tie on 3 units: higher revenue first. Kurta and
        # Dupatta tie on units and revenue: lower product id first; Dupatta is 6th.
        "top_products": [
            {"product_id": str(SHAWL), "name": "Pashmina Shawl", "quantity": 5, "revenue": 7500.0},
            {
                "product_id": str(SILK),
                "name": "Silk Maxi Dress Deluxe",
                "quantity": 3,
                "revenue": 15000.1,
            },
            {"product_id": str(LAWN), "name": "Lawn Suit", "quantity": 3, "revenue": 9000.0},
            {"product_id": str(CHIFFON), "name": "Chiffon Suit", "quantity": 3, "revenue": 6000.0},
            {"product_id": str(KURTA), "name": "Kurta", "quantity": 2, "revenue": 8000.0},
        ],
    }


def test_recent_order_items_have_the_staff_list_shape(staff_client, orders):
    item = staff_client.get(URL).json()["recent_orders"][0]

    assert item == {
        "id": str(orders["today"].pk),
        "order_id": "BQ-20261121-001",
        "customer_name": "Ayesha Khan",
        "phone": "0300-1234567",
        "city": "Karachi",
        "total_amount": 10000.0,
        "payment_method": "Easypaisa",
        "payment_status": "Verified",
        "order_status": "Ready",
        "delivery_status": "Out for Delivery",
        "order_date": "2026-11-21",
        "created_at": "2026-11-21T09:00:00+05:00",
    }


def test_date_range_filters_every_figure(staff_client, orders):
    response = staff_client.get(URL, {"start_date": "2026-11-02", "end_date": "2026-11-15"})

    assert response.status_code == 200
    assert response.json() == {
        "total_orders": 4,
        "total_revenue": 5000.1,
        "average_order_value": 1250.03,
        "pending_payments": 0,
        "orders_ready": 1,
        "orders_by_status": {
            "received": 0,
            "processing": 1,
            "ready": 1,
            "delivered": 0,
            "cancelled": 2,
        },
        "orders_by_payment_status": {"pending": 1, "paid": 1, "verified": 2},
        "orders_by_delivery_status": {
            "not_started": 3,
            "in_progress": 1,
            "out_for_delivery": 0,
            "delivered": 0,
        },
        "recent_orders": [
            list_item(orders[key])
            for key in ["cancelled_verified", "cancelled_pending", "paid_ready", "late_night"]
        ],
        "revenue_by_day": series(
            date(2026, 11, 2),
            date(2026, 11, 15),
            {
                date(2026, 11, 2): (1, 5000.1),
                date(2026, 11, 10): (2, 0),
                date(2026, 11, 15): (1, 0),
            },
        ),
        "top_products": [
            {"product_id": str(CHIFFON), "name": "Chiffon Suit", "quantity": 3, "revenue": 6000.0},
            {
                "product_id": str(SILK),
                "name": "Silk Maxi Dress Deluxe",
                "quantity": 1,
                "revenue": 5000.1,
            },
        ],
    }


def test_an_order_belongs_to_its_store_local_day(staff_client, orders):
    """The order created at 20:30 UTC on Nov 1 was placed on Nov 2 in Karachi."""
    body = staff_client.get(URL, {"start_date": "2026-11-01", "end_date": "2026-11-01"}).json()

    assert body["total_orders"] == 1
    assert body["total_revenue"] == 13000.0
    assert [order["order_id"] for order in body["recent_orders"]] == ["BQ-20261101-001"]
    assert body["revenue_by_day"] == [{"date": "2026-11-01", "orders": 1, "revenue": 13000.0}]


def test_start_date_alone_runs_the_series_to_today(staff_client, orders):
    body = staff_client.get(URL, {"start_date": "2026-11-15"}).json()

    assert body["total_orders"] == 3
    assert body["revenue_by_day"] == series(
        date(2026, 11, 15),
        TODAY,
        {
            date(2026, 11, 15): (1, 0),
            date(2026, 11, 20): (1, 0),
            date(2026, 11, 21): (1, 10000.0),
        },
    )


def test_a_future_start_date_alone_gives_that_one_day(staff_client, orders):
    body = staff_client.get(URL, {"start_date": "2026-11-25"}).json()

    assert (body["total_orders"], body["recent_orders"]) == (0, [])
    assert body["revenue_by_day"] == [{"date": "2026-11-25", "orders": 0, "revenue": 0.0}]


def test_end_date_alone_gives_the_30_days_ending_then(staff_client, orders):
    body = staff_client.get(URL, {"end_date": "2026-11-10"}).json()

    # october, nov1, late_night, paid_ready, cancelled_pending.
    assert body["total_orders"] == 5
    assert body["total_revenue"] == 24000.1
    assert body["revenue_by_day"] == series(
        date(2026, 10, 12),
        date(2026, 11, 10),
        {
            date(2026, 11, 1): (1, 13000.0),
            date(2026, 11, 2): (1, 5000.1),
            date(2026, 11, 10): (2, 0),
        },
    )


def test_blank_dates_are_no_filter(staff_client, orders):
    body = staff_client.get(URL, {"start_date": "", "end_date": ""}).json()

    assert body["total_orders"] == 8
    assert len(body["revenue_by_day"]) == 30


def test_empty_database_gives_zeros_and_30_zero_days(staff_client):
    response = staff_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "total_orders": 0,
        "total_revenue": 0.0,
        "average_order_value": 0.0,
        "pending_payments": 0,
        "orders_ready": 0,
        "orders_by_status": {
            "received": 0,
            "processing": 0,
            "ready": 0,
            "delivered": 0,
            "cancelled": 0,
        },
        "orders_by_payment_status": {"pending": 0, "paid": 0, "verified": 0},
        "orders_by_delivery_status": {
            "not_started": 0,
            "in_progress": 0,
            "out_for_delivery": 0,
            "delivered": 0,
        },
        "recent_orders": [],
        "revenue_by_day": series(date(2026, 10, 23), TODAY, {}),
        "top_products": [],
    }


def test_route_answers_with_a_trailing_slash(staff_client):
    assert staff_client.get(f"{URL}/").status_code == 200


def test_start_after_end_is_a_422(staff_client):
    response = staff_client.get(URL, {"start_date": "2026-11-15", "end_date": "2026-11-01"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "start_date: start_date must not be after end_date.",
        "errors": {"start_date": ["start_date must not be after end_date."]},
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "21-11-2026"}, "start_date"),
        ({"end_date": "yesterday"}, "end_date"),
        ({"start_date": "2026-11-01", "end_date": "2026-11-01T10:00"}, "end_date"),
    ],
)
def test_a_date_that_is_not_yyyy_mm_dd_is_a_422(staff_client, params, field):
    response = staff_client.get(URL, params)

    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"].startswith(f"{field}: Date has wrong format.")


def test_a_range_of_ten_years_is_allowed(staff_client):
    response = staff_client.get(URL, {"start_date": "2016-11-14", "end_date": "2026-11-21"})

    assert response.status_code == 200
    days = response.json()["revenue_by_day"]
    assert (len(days), days[0]["date"], days[-1]["date"]) == (3660, "2016-11-14", "2026-11-21")


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2016-11-13", "end_date": "2026-11-21"},
        # Without end_date the series runs to today.
        {"start_date": "2016-11-13"},
    ],
)
def test_a_range_longer_than_ten_years_is_a_422(staff_client, params):
    response = staff_client.get(URL, params)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "start_date: The date range may span at most 3660 days.",
        "errors": {"start_date": ["The date range may span at most 3660 days."]},
    }


def test_an_end_date_at_the_start_of_the_calendar_is_a_422_not_a_crash(staff_client):
    response = staff_client.get(URL, {"end_date": "0001-01-05"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"end_date": ["end_date is too far in the past."]}


def test_without_a_token_is_a_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert isinstance(response.json()["detail"], str)


def test_a_user_who_is_not_staff_gets_a_403(django_user_model):
    customer = django_user_model.objects.create_user(
        username="shopper", password="Sturdy-pass-2026"
    )

    response = bearer_client(customer).get(URL)

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def make_orders(prefix, count):
    """`count` orders of two lines each over the last weeks, in every status in turn."""
    for n in range(count):
        make_order(
            f"BQ-{prefix}-{n:03d}",
            NOW - timedelta(hours=13 * n),
            payment=list(PaymentStatus)[n % 3],
            status=list(OrderStatus)[n % 5],
            delivery=list(DeliveryStatus)[n % 4],
            lines=[(UUID(int=100 + n % 9), "Kurta", 1 + n % 3, "1800"), (SILK, "Silk", 1, "5000")],
        )


def test_query_count_does_not_grow_with_the_number_of_orders(
    staff_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    make_orders("A", 3)
    # One to authenticate the staff user, five for the figures.
    with django_assert_num_queries(6):
        assert staff_client.get(URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        make_orders("B", 27)
    assert Order.objects.count() == 30

    with django_assert_num_queries(6):
        assert staff_client.get(URL).status_code == 200


def test_dashboard_service_uses_five_queries(orders, django_assert_num_queries):
    with django_assert_num_queries(5):
        services.dashboard()


def test_figures_for_the_admin_index_page(orders):
    """The admin index reuses the pieces: today's orders, this month, payments to verify."""
    make_order(
        "BQ-20261121-002",
        utc(2026, 11, 21, 5, 0),
        payment=PaymentStatus.PAID,
        status=OrderStatus.CANCELLED,
        delivery=DeliveryStatus.NOT_STARTED,
        lines=[(LAWN, "Lawn Suit", 1, "3000")],
    )

    today = services.order_totals(start_date=TODAY, end_date=TODAY)
    this_month = services.order_totals(start_date=date(2026, 11, 1), end_date=TODAY)
    all_time = services.order_totals()

    assert today.total_orders == 2
    assert this_month.total_revenue == Decimal("28000.10")
    # Paid and not cancelled: only the order that is ready.
    assert all_time.payments_awaiting_verification == 1
    assert all_time.orders_ready == 2
    assert [order.order_id for order in services.recent_orders(limit=10)] == [
        "BQ-20261121-002",
        "BQ-20261121-001",
        "BQ-20261120-001",
        "BQ-20261115-001",
        "BQ-20261110-002",
        "BQ-20261110-001",
        "BQ-20261102-001",
        "BQ-20261101-001",
        "BQ-20261001-001",
    ]
    chart = services.daily_series()
    assert (len(chart), chart[0].date, chart[-1].date) == (30, date(2026, 10, 23), TODAY)
    assert chart[-1] == services.DayFigures(date=TODAY, orders=2, revenue=Decimal("10000.00"))
