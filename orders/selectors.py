"""Reads of orders: the detail query, customer tracking and the staff list."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from orders.models import Order, OrderStatusEvent
from orders.phone import canonical_phone_or_none

STAFF_ORDER_ORDERINGS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "total_amount": ("total_amount", "-created_at", "-id"),
    "-total_amount": ("-total_amount", "-created_at", "-id"),
}
"""`ordering` values and the columns behind them; `id` last so pages never overlap."""

DEFAULT_STAFF_ORDER_ORDERING = STAFF_ORDER_ORDERINGS["-created_at"]


def orders_with_details() -> QuerySet[Order]:
    """Orders with their items and status history loaded in two more queries, however many."""
    return Order.objects.prefetch_related(
        "items",
        Prefetch("history", queryset=OrderStatusEvent.objects.select_related("changed_by")),
    )


def track_order(order_id: str, phone: str) -> Order | None:
    """The order `order_id` if it was placed with `phone` (in any notation), else None.

    An unknown id and a wrong phone are the same None, so tracking cannot be used to
    find out which order ids exist.
    """
    phone_digits = canonical_phone_or_none(phone)
    if phone_digits is None:
        return None
    return (
        orders_with_details()
        .filter(order_id=order_id.strip().upper(), phone_digits=phone_digits)
        .first()
    )


def order_by_reference(reference: str, queryset: QuerySet[Order] | None = None) -> Order | None:
    """The order whose UUID `id` or customer-facing `order_id` (any case) is `reference`.

    Staff address an order either way; None when there is no such order. `queryset`
    (default `orders_with_details()`) decides what is loaded with it.
    """
    queryset = orders_with_details() if queryset is None else queryset
    try:
        lookup = {"pk": uuid.UUID(reference)}
    except ValueError:
        lookup = {"order_id": reference.strip().upper()}
    return queryset.filter(**lookup).first()


def staff_orders() -> QuerySet[Order]:
    """Every order, newest first: the staff list and export before their filters."""
    return Order.objects.order_by(*DEFAULT_STAFF_ORDER_ORDERING)


def check_date_range(start_date, end_date) -> None:
    """A range of order dates (either end may be open): a start after the end is a
    `ValidationError` naming `start_date`. The staff list, the export and the dashboard
    share it."""
    if start_date and end_date and start_date > end_date:
        raise ValidationError({"start_date": ["start_date must not be after end_date."]})
