"""The Beautique Store admin site: branded, with a dashboard as its index page.

The figures come from `analytics.services`, the same functions the dashboard API uses;
this module only lays them out, including the 30-day chart drawn as inline SVG on the
server (no JavaScript, no CDN: it works offline).
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.forms import LockoutAdminAuthenticationForm
from analytics import services as analytics
from beautique.money import format_money
from orders.models import OrderStatus, PaymentStatus

DASHBOARD_RECENT_ORDERS = 10

CHART_WIDTH = 720
CHART_HEIGHT = 260
CHART_LEFT = 44
CHART_RIGHT = 76
CHART_TOP = 16
CHART_BOTTOM = 36
CHART_GRID_LINES = 4
CHART_LABEL_EVERY = 5


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class ChartTick:
    y: float
    orders: str
    revenue: str


@dataclass(frozen=True)
class ChartLabel:
    x: float
    text: str


def _nice_ceiling(value: float, steps: int) -> float:
    """The smallest round number (1, 2, 2.5 or 5 times a power of ten) times `steps`
    that is at least `value`, so grid lines fall on readable values."""
    if value <= 0:
        return steps
    raw = value / steps
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude * steps
    return 10 * magnitude * steps


def _short_amount(value: float) -> str:
    """`950`, `12.5k`, `1.2M`: an axis label that fits beside the chart."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if value >= 1_000:
        return f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:.0f}"


def daily_chart(days: list[analytics.DayFigures]) -> dict:
    """Geometry of the orders-and-revenue chart of `days`.

    Orders are bars against the left axis, revenue a line against the right one.
    """
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    slot = plot_width / max(len(days), 1)
    max_orders = _nice_ceiling(max((day.orders for day in days), default=0), CHART_GRID_LINES)
    max_revenue = _nice_ceiling(
        float(max((day.revenue for day in days), default=Decimal(0))), CHART_GRID_LINES
    )

    bars, points, labels = [], [], []
    for index, day in enumerate(days):
        height = day.orders / max_orders * plot_height
        left = CHART_LEFT + index * slot
        bars.append(
            ChartBar(
                x=round(left + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                title=(
                    f"{date_format(day.date, 'D j M')}: {day.orders} order{pluralize(day.orders)}, "
                    f"PKR {format_money(day.revenue, whole=True)} revenue"
                ),
            )
        )
        revenue_y = baseline - float(day.revenue) / max_revenue * plot_height
        points.append(f"{left + slot / 2:.1f},{revenue_y:.1f}")
        if index % CHART_LABEL_EVERY == 0 or index == len(days) - 1:
            labels.append(
                ChartLabel(x=round(left + slot / 2, 1), text=date_format(day.date, "j M"))
            )

    ticks = [
        ChartTick(
            y=round(baseline - step / CHART_GRID_LINES * plot_height, 1),
            orders=f"{max_orders * step / CHART_GRID_LINES:g}",
            revenue=_short_amount(max_revenue * step / CHART_GRID_LINES),
        )
        for step in range(CHART_GRID_LINES + 1)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": baseline,
        "label_y": baseline + 20,
        "bars": bars,
        "revenue_points": " ".join(points),
        "ticks": ticks,
        "labels": labels,
        "total_orders": sum(day.orders for day in days),
        "total_revenue": sum((day.revenue for day in days), Decimal(0)),
    }


@dataclass(frozen=True)
class DashboardCard:
    key: str
    label: str
    value: str
    hint: str
    url: str


def _orders_url(**filters) -> str:
    return f"{reverse('admin:orders_order_changelist')}?{urlencode(filters)}"


def dashboard_context() -> dict:
    """The cards, chart and newest orders of the admin index page: four queries."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    all_time = analytics.order_totals()
    this_month = analytics.order_totals(start_date=month_start, end_date=today)
    days = analytics.daily_series(end_date=today)
    not_cancelled = ",".join(status for status in OrderStatus if status != OrderStatus.CANCELLED)
    today_filter = {
        "order_date__year": today.year,
        "order_date__month": today.month,
        "order_date__day": today.day,
    }
    cards = [
        DashboardCard(
            key="orders-today",
            label="Orders today",
            value=str(days[-1].orders),
            hint=date_format(today, "l, j F"),
            url=_orders_url(**today_filter),
        ),
        DashboardCard(
            key="payments-to-verify",
            label="Payments to verify",
            value=str(all_time.payments_awaiting_verification),
            hint="Marked paid, not yet verified",
            url=_orders_url(
                payment_status__exact=PaymentStatus.PAID, order_status__in=not_cancelled
            ),
        ),
        DashboardCard(
            key="revenue-this-month",
            label="Revenue this month",
            value=f"PKR {format_money(this_month.total_revenue, whole=True)}",
            hint=(
                f"{this_month.revenue_orders} verified order{pluralize(this_month.revenue_orders)}"
                f" in {date_format(today, 'F')}"
            ),
            url=_orders_url(
                order_date__year=today.year,
                order_date__month=today.month,
                payment_status__exact=PaymentStatus.VERIFIED,
                order_status__in=not_cancelled,
            ),
        ),
        DashboardCard(
            key="ready-to-dispatch",
            label="Ready to dispatch",
            value=str(all_time.orders_ready),
            hint="Orders with status Ready",
            url=_orders_url(order_status__exact=OrderStatus.READY),
        ),
    ]
    return {
        "cards": cards,
        "chart": daily_chart(days),
        "recent_orders": analytics.recent_orders(limit=DASHBOARD_RECENT_ORDERS),
    }


class StoreAdminSite(admin.AdminSite):
    site_header = "Beautique Store"
    site_title = "Beautique Store admin"
    index_title = "Dashboard"
    # The storefront is a separate site; the backend has no page to "view".
    site_url = None
    # Staff work with three lists; the tables need the width more than a menu does.
    enable_nav_sidebar = False
    # Signing in here counts into the same lockout as the staff API's login.
    login_form = LockoutAdminAuthenticationForm

    def index(self, request, extra_context=None):
        """The dashboard, for staff who may see orders; the list of models for everyone."""
        context = {}
        if request.user.has_perm("orders.view_order"):
            context["dashboard"] = dashboard_context()
        return super().index(request, {**context, **(extra_context or {})})
