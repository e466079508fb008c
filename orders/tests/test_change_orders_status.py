"""Status changes for many orders at once, and dated ones: the rules of change_order_status,
in a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from orders.models import Order, OrderStatusEvent
from orders.services import (
    StatusUpdate,
    apply_status_updates,
    change_order_status,
    change_orders_status,
)
from orders.tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
PLACED = datetime.datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
NOW = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=UTC)


def placed_order(**fields) -> Order:
    return OrderFactory(created_at=PLACED, updated_at=PLACED, **fields)


def history(order: Order) -> list[tuple]:
    return list(
        OrderStatusEvent.objects.filter(order=order)
        .order_by("created_at", "id")
        .values_list("field", "from_status", "to_status", "changed_by__username", "created_at")
    )


def statuses(order: Order) -> tuple[str, str, str]:
    order.refresh_from_db()
    return (order.payment_status, order.order_status, order.delivery_status)


def test_only_orders_whose_status_actually_changes_get_an_event():
    pending, paid, verified = placed_order(), placed_order(payment_status="Paid"), placed_order()
    hina = StaffFactory(username="hina")
    change_order_status(order=verified, payment_status="Verified", at=PLACED)

    with time_machine.travel(NOW, tick=False):
        saved, skipped = change_orders_status(
            orders=[pending, paid, verified], changed_by=hina, payment_status="Paid"
        )

    assert skipped == {}
    assert [order.pk for order in saved] == [pending.pk, paid.pk, verified.pk]
    assert [order.payment_status for order in saved] == ["Paid", "Paid", "Paid"]
    assert history(pending) == [("payment_status", "Pending", "Paid", "hina", NOW)]
    assert history(paid) == []
    assert history(verified) == [
        ("payment_status", "Pending", "Verified", None, PLACED),
        ("payment_status", "Verified", "Paid", "hina", NOW),
    ]
    assert [statuses(order)[0] for order in (pending, paid, verified)] == ["Paid"] * 3
    paid.refresh_from_db()
    assert paid.updated_at == PLACED
    pending.refresh_from_db()
    assert pending.updated_at == NOW


def test_the_query_count_does_not_grow_with_the_number_of_orders(django_assert_num_queries):
    def change(count):
        orders = [placed_order(payment_status="Paid") for _ in range(count)]
        with django_assert_num_queries(6):
            change_orders_status(
                orders=orders,
                order_status="Processing",
                delivery_status="In Progress",
                tracking_notes="Stitching in progress",
            )

    change(1)
    change(30)

    assert OrderStatusEvent.objects.count() == 62
    assert set(Order.objects.values_list("order_status", "delivery_status", "tracking_notes")) == {
        ("Processing", "In Progress", "Stitching in progress")
    }


def test_a_dated_change_keeps_its_time_on_the_event_and_the_order():
    order = placed_order(payment_status="Paid")
    at = PLACED + datetime.timedelta(hours=3)

    with time_machine.travel(NOW, tick=False):
        saved = change_order_status(order=order, order_status="Processing", at=at)

    assert saved.updated_at == at
    assert history(order) == [("order_status", "Received", "Processing", None, at)]
    order.refresh_from_db()
    assert order.updated_at == at


def test_a_change_dated_before_the_last_update_leaves_updated_at_alone():
    order = placed_order()
    change_order_status(order=order, payment_status="Paid", at=NOW)

    change_order_status(order=order, order_status="Processing", at=PLACED)

    order.refresh_from_db()
    assert order.updated_at == NOW
    assert [event[:3] for event in history(order)] == [
        ("order_status", "Received", "Processing"),
        ("payment_status", "Pending", "Paid"),
    ]


def test_invalid_values_are_refused_for_every_order_and_nothing_is_written():
    orders = [placed_order(), placed_order()]

    with pytest.raises(ValidationError) as raised:
        change_orders_status(orders=orders, payment_status="Paid", order_status="Shipped")

    assert raised.value.message_dict == {"order_status": ["Value 'Shipped' is not a valid choice."]}
    assert [statuses(order) for order in orders] == [("Pending", "Received", "Not Started")] * 2
    assert not OrderStatusEvent.objects.exists()


def test_an_order_that_no_longer_exists_fails_the_whole_change():
    kept, gone = placed_order(), placed_order()
    Order.objects.filter(pk=gone.pk).delete()

    with pytest.raises(Order.DoesNotExist):
        change_orders_status(orders=[kept, gone], payment_status="Paid")

    assert statuses(kept) == ("Pending", "Received", "Not Started")
    assert not OrderStatusEvent.objects.exists()


def test_no_orders_change_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert change_orders_status(orders=[], payment_status="Paid") == ([], {})


def test_updates_walk_each_order_through_its_own_steps_at_their_own_times():
    first, second = placed_order(), placed_order()
    hour = datetime.timedelta(hours=1)

    saved = apply_status_updates(
        updates=[
            StatusUpdate(first, {"payment_status": "Paid"}, PLACED + hour),
            StatusUpdate(second, {"order_status": "Cancelled"}, PLACED + 5 * hour),
            StatusUpdate(first, {"payment_status": "Verified"}, PLACED + 2 * hour),
            StatusUpdate(
                first,
                {
                    "order_status": "Processing",
                    "estimated_delivery": datetime.date(2026, 11, 25),
                    "tracking_notes": "Stitching in progress",
                },
                PLACED + 3 * hour,
            ),
            StatusUpdate(first, {"payment_status": "Verified"}, PLACED + 4 * hour),
        ]
    )

    assert [order.pk for order in saved] == [first.pk, second.pk, first.pk, first.pk, first.pk]
    assert history(first) == [
        ("payment_status", "Pending", "Paid", None, PLACED + hour),
        ("payment_status", "Paid", "Verified", None, PLACED + 2 * hour),
        ("order_status", "Received", "Processing", None, PLACED + 3 * hour),
    ]
    assert history(second) == [("order_status", "Received", "Cancelled", None, PLACED + 5 * hour)]
    first.refresh_from_db()
    assert (first.payment_status, first.order_status, first.delivery_status) == (
        "Verified",
        "Processing",
        "Not Started",
    )
    assert (first.estimated_delivery, first.tracking_notes) == (
        datetime.date(2026, 11, 25),
        "Stitching in progress",
    )
    assert first.updated_at == PLACED + 3 * hour
    assert statuses(second) == ("Pending", "Cancelled", "Not Started")


def test_invalid_updates_are_named_by_position_and_nothing_is_written():
    first, second = placed_order(), placed_order()

    with pytest.raises(ValidationError) as raised:
        apply_status_updates(
            updates=[
                StatusUpdate(first, {"payment_status": "Paid"}),
                StatusUpdate(second, {"delivery_status": "Shipped", "total_amount": 1}),
                StatusUpdate(first, {"estimated_delivery": "25/11/2026"}),
            ]
        )

    assert raised.value.message_dict == {
        "updates.1.delivery_status": ["Value 'Shipped' is not a valid choice."],
        "updates.1.total_amount": ["This field cannot be changed here"],
        "updates.2.estimated_delivery": ["Estimated delivery must be a date (YYYY-MM-DD) or null"],
    }
    assert statuses(first) == statuses(second) == ("Pending", "Received", "Not Started")
    assert not OrderStatusEvent.objects.exists()
