"""Shapes of the staff dashboard (docs/api.md, "Staff", "Analytics")."""

from rest_framework import serializers

from analytics.services import MAX_SERIES_DAYS, status_key
from orders.models import DeliveryStatus, OrderStatus, PaymentStatus
from orders.serializers import OrderListItemSerializer


def money(**kwargs) -> serializers.DecimalField:
    """PKR with 2 decimals, rendered as a JSON number."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


class DashboardQuerySerializer(serializers.Serializer):
    start_date = serializers.DateField(
        required=False,
        help_text="First day (YYYY-MM-DD, inclusive, on order_date). "
        "Default: all time for the totals; revenue_by_day then covers the 30 days ending "
        "on end_date.",
    )
    end_date = serializers.DateField(
        required=False,
        help_text="Last day (YYYY-MM-DD, inclusive, on order_date). Default: today in the "
        f"store's time zone. Must not be before start_date; revenue_by_day may span at most "
        f"{MAX_SERIES_DAYS} days.",
    )


def status_counts_serializer(name: str, statuses) -> type[serializers.Serializer]:
    """A serializer with one count per status, every status present (zeros included)."""
    fields = {
        status_key(status): serializers.IntegerField(
            read_only=True, help_text=f"Orders whose status is {status.value}."
        )
        for status in statuses
    }
    return type(name, (serializers.Serializer,), fields)


OrdersByStatusSerializer = status_counts_serializer("OrdersByStatus", OrderStatus)
OrdersByPaymentStatusSerializer = status_counts_serializer("OrdersByPaymentStatus", PaymentStatus)
OrdersByDeliveryStatusSerializer = status_counts_serializer(
    "OrdersByDeliveryStatus", DeliveryStatus
)


class DayFiguresSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True, help_text="A store-local day.")
    orders = serializers.IntegerField(
        read_only=True, help_text="Orders placed that day, any status."
    )
    revenue = money(help_text="Verified, not cancelled orders placed that day.")


class ProductSalesSerializer(serializers.Serializer):
    product_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The name on its latest sale.")
    quantity = serializers.IntegerField(read_only=True, help_text="Units sold.")
    revenue = money(help_text="Sum of its line totals.")


class DashboardSerializer(serializers.Serializer):
    """The dashboard, rendered from `analytics.services.Dashboard`."""

    total_orders = serializers.IntegerField(
        source="totals.total_orders", read_only=True, help_text="Orders in range, any status."
    )
    total_revenue = money(
        source="totals.total_revenue",
        help_text="Sum of orders whose payment is Verified and that are not Cancelled.",
    )
    average_order_value = money(
        source="totals.average_order_value",
        help_text="total_revenue divided by the number of orders it counts; 0 when none.",
    )
    pending_payments = serializers.IntegerField(
        source="totals.pending_payments",
        read_only=True,
        help_text="Orders not Cancelled whose payment is Pending.",
    )
    orders_ready = serializers.IntegerField(
        source="totals.orders_ready", read_only=True, help_text="Orders whose status is Ready."
    )
    orders_by_status = OrdersByStatusSerializer(source="totals.orders_by_status", read_only=True)
    orders_by_payment_status = OrdersByPaymentStatusSerializer(
        source="totals.orders_by_payment_status", read_only=True
    )
    orders_by_delivery_status = OrdersByDeliveryStatusSerializer(
        source="totals.orders_by_delivery_status", read_only=True
    )
    recent_orders = OrderListItemSerializer(
        many=True, read_only=True, help_text="The 5 newest orders in range, newest first."
    )
    revenue_by_day = DayFiguresSerializer(
        many=True,
        read_only=True,
        help_text="One entry per store-local day, oldest first, days without orders included: "
        "the requested range, by default the last 30 days ending today.",
    )
    top_products = ProductSalesSerializer(
        many=True,
        read_only=True,
        help_text="The 5 products with the most units sold on orders that are not Cancelled; "
        "ties go to the higher revenue.",
    )
