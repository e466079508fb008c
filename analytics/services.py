"""Dashboard figures for the staff API and the Django admin index page.

Each function answers with a fixed number of aggregate queries (noted on each), however
many orders there are. Date bounds are inclusive and apply to `Order.order_date`, the
store-local day the order was placed on, so "which day" never depends on the database
session's time zone.

Counts, revenue and product sales come from the summaries the order services keep
(`OrderDaySummary`, `ProductSalesSummary`, see `orders.summaries`): a few rows per day and a
row per product and month, not every order and line, so a cache miss stays cheap as
orders pile up. Only the recent orders are read from the orders themselves.

Revenue counts orders whose payment is Verified and that are not Cancelled.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Sum
from django.utils import timezone

from orders.models import (
    DeliveryStatus,
    Order,
    OrderDaySummary,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ProductSalesSummary,
)
from orders.selectors import check_date_range
from orders.summaries import product_sales_between

DEFAULT_SERIES_DAYS = 30
# Ten years of days: room for any report the store asks for, while one request cannot
# ask for an unbounded response.
MAX_SERIES_DAYS = 3660
DASHBOARD_TOP_PRODUCTS = 5
DASHBOARD_RECENT_ORDERS = 5

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

REVENUE_ORDERS = Q(payment_status=PaymentStatus.VERIFIED) & ~Q(order_status=OrderStatus.CANCELLED)


def status_key(status) -> str:
    """The snake_case key a status has in the dashboard (`Out for Delivery` -> `out_for_delivery`)."""
    return status.name.lower()


@dataclass(frozen=True)
class OrderTotals:
    total_orders: int
    total_revenue: Decimal
    revenue_orders: int
    average_order_value: Decimal
    pending_payments: int
    payments_awaiting_verification: int
    orders_ready: int
    orders_by_status: dict[str, int]
    orders_by_payment_status: dict[str, int]
    orders_by_delivery_status: dict[str, int]


@dataclass(frozen=True)
class DayFigures:
    date: date
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class ProductSales:
    product_id: UUID
    name: str
    quantity: int
    revenue: Decimal


@dataclass(frozen=True)
class Dashboard:
    totals: OrderTotals
    recent_orders: list[Order]
    revenue_by_day: list[DayFigures]
    top_products: list[ProductSales]


def order_date_range(start_date: date | None, end_date: date | None) -> Q:
    """A filter keeping orders (or order day summaries) from `start_date` to `end_date`
    (either may be open)."""
    condition = Q()
    if start_date is not None:
        condition &= Q(order_date__gte=start_date)
    if end_date is not None:
        condition &= Q(order_date__lte=end_date)
    return condition


def _orders(condition: Q | None = None) -> Sum:
    """The number of orders of the summary rows meeting `condition`."""
    return Sum("orders", filter=condition, default=0)


def _status_counts(field: str, statuses) -> dict[str, Sum]:
    return {f"{field}__{status_key(status)}": _orders(Q(**{field: status})) for status in statuses}


def _breakdown(row: dict, field: str, statuses) -> dict[str, int]:
    return {status_key(status): row[f"{field}__{status_key(status)}"] for status in statuses}


def order_totals(*, start_date: date | None = None, end_date: date | None = None) -> OrderTotals:
    """Counts, revenue and the three status breakdowns of the orders in range: one query."""
    not_cancelled = ~Q(order_status=OrderStatus.CANCELLED)
    row = OrderDaySummary.objects.filter(order_date_range(start_date, end_date)).aggregate(
        total_orders=_orders(),
        total_revenue=Sum("total_amount", filter=REVENUE_ORDERS, default=ZERO),
        revenue_orders=_orders(REVENUE_ORDERS),
        pending_payments=_orders(Q(payment_status=PaymentStatus.PENDING) & not_cancelled),
        payments_awaiting_verification=_orders(
            Q(payment_status=PaymentStatus.PAID) & not_cancelled
        ),
        **_status_counts("order_status", OrderStatus),
        **_status_counts("payment_status", PaymentStatus),
        **_status_counts("delivery_status", DeliveryStatus),
    )
    revenue = row["total_revenue"].quantize(CENT)
    revenue_orders = row["revenue_orders"]
    # As the contract's example has it (1543000.0 over 120 orders = 12858.33): revenue per
    # order placed in the range.
    total_orders = row["total_orders"]
    average = (revenue / total_orders).quantize(CENT, ROUND_HALF_UP) if total_orders else ZERO
    by_status = _breakdown(row, "order_status", OrderStatus)
    return OrderTotals(
        total_orders=total_orders,
        total_revenue=revenue,
        revenue_orders=revenue_orders,
        average_order_value=average,
        pending_payments=row["pending_payments"],
        payments_awaiting_verification=row["payments_awaiting_verification"],
        orders_ready=by_status[status_key(OrderStatus.READY)],
        orders_by_status=by_status,
        orders_by_payment_status=_breakdown(row, "payment_status", PaymentStatus),
        orders_by_delivery_status=_breakdown(row, "delivery_status", DeliveryStatus),
    )


def series_range(
    *, start_date: date | None = None, end_date: date | None = None
) -> tuple[date, date]:
    """The days a daily series covers: the requested range, by default the last 30 days.

    A missing `end_date` is today in the store's time zone (or `start_date`, if that is
    later); a missing `start_date` is 30 days before the end. The range may span at most
    `MAX_SERIES_DAYS` days.
    """
    check_date_range(start_date, end_date)
    last = end_date or max(timezone.localdate(), start_date or date.min)
    try:
        first = start_date or last - timedelta(days=DEFAULT_SERIES_DAYS - 1)
    except OverflowError:
        raise ValidationError({"end_date": ["end_date is too far in the past."]}) from None
    if (last - first).days + 1 > MAX_SERIES_DAYS:
        raise ValidationError(
            {"start_date": [f"The date range may span at most {MAX_SERIES_DAYS} days."]}
        )
    return first, last


def daily_series(
    *, start_date: date | None = None, end_date: date | None = None
) -> list[DayFigures]:
    """Orders (any status) and revenue for every day in `series_range`, zeros included: one query."""
    first, last = series_range(start_date=start_date, end_date=end_date)
    rows = (
        OrderDaySummary.objects.filter(order_date_range(first, last))
        .values("order_date")
        .annotate(
            orders=_orders(),
            revenue=Sum("total_amount", filter=REVENUE_ORDERS, default=ZERO),
        )
        .order_by("order_date")
    )
    by_day = {row["order_date"]: row for row in rows}
    series = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = by_day.get(day)
        series.append(
            DayFigures(
                date=day,
                orders=row["orders"] if row else 0,
                revenue=row["revenue"].quantize(CENT) if row else ZERO,
            )
        )
    return series


def top_products(
    *,
    start_date: date | None = None,
    end_date: date | None = None,
    limit: int = DASHBOARD_TOP_PRODUCTS,
) -> list[ProductSales]:
    """The products with the most units sold on orders that are not cancelled: two queries.

    Sales are grouped by the product id their lines recorded, so a product deleted since
    still counts. Its name is the one on its latest counted line (the highest line id: a
    renamed product shows its newest name), read by primary key in the second query.
    Ties go to the higher revenue, then to the lower product id.
    """
    rows = list(
        ProductSalesSummary.objects.filter(
            product_sales_between(start_date, end_date), quantity__gt=0
        )
        .values("product_uuid")
        .annotate(
            quantity=Sum("quantity"), revenue=Sum("revenue"), latest_line=Max("latest_line_id")
        )
        .order_by("-quantity", "-revenue", "product_uuid")[:limit]
    )
    names = dict(
        OrderItem.objects.filter(pk__in=[row["latest_line"] for row in rows]).values_list(
            "pk", "name"
        )
    )
    return [
        ProductSales(
            product_id=row["product_uuid"],
            name=names[row["latest_line"]],
            quantity=row["quantity"],
            revenue=row["revenue"].quantize(CENT),
        )
        for row in rows
    ]


def recent_orders(
    *,
    start_date: date | None = None,
    end_date: date | None = None,
    limit: int = DASHBOARD_RECENT_ORDERS,
) -> list[Order]:
    """The newest orders in range, newest first: one query."""
    return list(
        Order.objects.filter(order_date_range(start_date, end_date)).order_by("-created_at", "-pk")[
            :limit
        ]
    )


def dashboard(*, start_date: date | None = None, end_date: date | None = None) -> Dashboard:
    """Everything the staff dashboard shows, for orders placed in the range: five queries.

    Totals, breakdowns, recent orders and top products cover all time when no bound is
    given; the daily series covers `series_range`.
    """
    first_day, last_day = series_range(start_date=start_date, end_date=end_date)
    return Dashboard(
        totals=order_totals(start_date=start_date, end_date=end_date),
        recent_orders=recent_orders(start_date=start_date, end_date=end_date),
        revenue_by_day=daily_series(start_date=first_day, end_date=last_day),
        top_products=top_products(start_date=start_date, end_date=end_date),
    )
