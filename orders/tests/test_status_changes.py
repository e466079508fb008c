"""change_order_status: the one way statuses change, each change recorded once."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from orders.models import Order, OrderStatusEvent
from orders.selectors import orders_with_details
from orders.serializers import OrderDetailWithHistorySerializer
from orders.services import change_order_status
from orders.tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def events(order):
    return list(
        OrderStatusEvent.objects.filter(order=order).values_list(
            "field", "from_status", "to_status", "changed_by__username"
        )
    )


def test_each_changed_status_is_recorded_once_with_who_changed_it():
    order = OrderFactory()
    hina = StaffFactory(username="hina")

    saved = change_order_status(
        order=order,
        changed_by=hina,
        delivery_status="Not Started",
        payment_status="Paid",
        order_status="Processing",
    )

    assert (saved.payment_status, saved.order_status, saved.delivery_status) == (
        "Paid",
        "Processing",
        "Not Started",
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.payment_status, stored.order_status) == ("Paid", "Processing")
    assert events(order) == [
        ("payment_status", "Pending", "Paid", "hina"),
        ("order_status", "Received", "Processing", "hina"),
    ]


def test_repeating_the_same_values_records_nothing():
    order = OrderFactory()
    change_order_status(order=order, payment_status="Paid")
    updated_at = Order.objects.get(pk=order.pk).updated_at

    change_order_status(order=order, payment_status="Paid", order_status="Received")

    assert events(order) == [("payment_status", "Pending", "Paid", None)]
    assert Order.objects.get(pk=order.pk).updated_at == updated_at


def test_the_from_value_is_the_stored_one_even_if_the_instance_was_edited():
    order = OrderFactory(payment_status="Paid")
    order.order_status = "Ready"  # as a Django admin form does before saving

    change_order_status(order=order, order_status="Ready")

    assert events(order) == [("order_status", "Received", "Ready", None)]


def test_fields_without_history_change_without_events():
    order = OrderFactory()

    change_order_status(
        order=order,
        estimated_delivery=datetime.date(2026, 11, 25),
        tracking_notes="Stitching in progress",
    )

    stored = Order.objects.get(pk=order.pk)
    assert stored.estimated_delivery == datetime.date(2026, 11, 25)
    assert stored.tracking_notes == "Stitching in progress"
    assert events(order) == []

    change_order_status(order=order, estimated_delivery=None, tracking_notes="")
    stored = Order.objects.get(pk=order.pk)
    assert (stored.estimated_delivery, stored.tracking_notes) == (None, None)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"payment_status": "Refunded"},
            {"payment_status": ["Value 'Refunded' is not a valid choice."]},
        ),
        (
            {"delivery_status": "delivered", "order_status": "Shipped"},
            {
                "delivery_status": ["Value 'delivered' is not a valid choice."],
                "order_status": ["Value 'Shipped' is not a valid choice."],
            },
        ),
        (
            {"estimated_delivery": "25/11/2026"},
            {"estimated_delivery": ["Estimated delivery must be a date (YYYY-MM-DD) or null"]},
        ),
        (
            {"tracking_notes": "x" * 2001},
            {"tracking_notes": ["Tracking notes must be at most 2000 characters"]},
        ),
        ({"total_amount": 1}, {"total_amount": ["This field cannot be changed here"]}),
    ],
)
def test_invalid_values_are_refused_naming_the_field(changes, errors):
    order = OrderFactory()

    with pytest.raises(ValidationError) as raised:
        change_order_status(order=order, **{"payment_status": "Paid", **changes})

    assert raised.value.message_dict == errors
    stored = Order.objects.get(pk=order.pk)
    assert (stored.payment_status, stored.total_amount) == ("Pending", order.total_amount)
    assert events(order) == []


def test_history_for_staff_lists_changes_oldest_first_with_usernames():
    order = OrderFactory(payment_status="Paid")
    hina = StaffFactory(username="hina")
    change_order_status(order=order, changed_by=hina, order_status="Processing")
    change_order_status(order=order, order_status="Cancelled")

    data = OrderDetailWithHistorySerializer(orders_with_details().get(pk=order.pk)).data

    assert [
        {key: value for key, value in change.items() if key != "at"} for change in data["history"]
    ] == [
        {
            "field": "order_status",
            "from": "Received",
            "to": "Processing",
            "changed_by": "hina",
            "note": "",
        },
        {
            "field": "order_status",
            "from": "Processing",
            "to": "Cancelled",
            "changed_by": None,
            "note": "",
        },
    ]
    assert list(data["history"][0]) == ["field", "from", "to", "changed_by", "at", "note"]
    assert list(data)[-1] == "history"
