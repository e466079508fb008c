"""The order lifecycle (orders.lifecycle) through every door: the rules themselves, the
staff API, the Django admin's order form and its list actions."""

import pytest
from django.core.exceptions import ValidationError

from conftest import bearer_client
from orders import lifecycle
from orders.models import Order
from orders.services import change_order_status
from orders.tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

NEW = {"payment_status": "Pending", "order_status": "Received", "delivery_status": "Not Started"}


def accepted(before: dict, changes: dict, *, may_reopen=False) -> bool:
    try:
        lifecycle.judge(before, changes, may_reopen=may_reopen)
    except lifecycle.Refused:
        return False
    return True


ORDER_TABLE = {
    # from: the order statuses it may go to (payment Verified)
    "Received": {"Processing", "Ready", "Cancelled"},  # delivered only once under way
    "Processing": {"Ready", "Delivered", "Cancelled"},
    "Ready": {"Delivered", "Cancelled"},
    "Delivered": set(),
    "Cancelled": set(),
}


@pytest.mark.parametrize("current", list(ORDER_TABLE))
@pytest.mark.parametrize("target", list(ORDER_TABLE))
def test_the_order_status_moves_forward_or_to_cancelled_and_stops_there(current, target):
    if current == target:
        return
    delivery = "Delivered" if current == "Delivered" else "Not Started"
    before = {"payment_status": "Verified", "order_status": current, "delivery_status": delivery}

    assert accepted(before, {"order_status": target}) == (target in ORDER_TABLE[current])


PAYMENT_TABLE = {
    # (order status, from): the payment statuses it may go to
    ("Received", "Pending"): {"Paid", "Verified"},
    ("Received", "Paid"): {"Pending", "Verified"},
    ("Received", "Verified"): {"Paid"},
    ("Processing", "Paid"): {"Verified"},  # back to Pending: not while processing
    ("Processing", "Verified"): {"Paid"},
    ("Delivered", "Verified"): set(),  # no step back once delivered
    ("Cancelled", "Pending"): {"Paid", "Verified"},
}


@pytest.mark.parametrize(("order_status", "current"), list(PAYMENT_TABLE))
@pytest.mark.parametrize("target", ["Pending", "Paid", "Verified"])
def test_the_payment_moves_forward_or_one_step_back_while_it_may(order_status, current, target):
    if current == target:
        return
    delivery = "Delivered" if order_status == "Delivered" else "Not Started"
    before = {"payment_status": current, "order_status": order_status, "delivery_status": delivery}

    assert accepted(before, {"payment_status": target}) == (
        target in PAYMENT_TABLE[(order_status, current)]
    )


DELIVERY_TABLE = {
    # (order status, from): the delivery statuses it may go to (payment Verified)
    ("Ready", "Not Started"): {"In Progress", "Out for Delivery", "Delivered"},
    ("Ready", "In Progress"): {"Not Started", "Out for Delivery", "Delivered"},
    ("Ready", "Out for Delivery"): {"In Progress", "Delivered"},
    ("Processing", "In Progress"): {"Not Started", "Out for Delivery", "Delivered"},
    ("Delivered", "Delivered"): set(),
    ("Received", "Not Started"): set(),  # only once the order is under way
    ("Cancelled", "In Progress"): set(),
}


@pytest.mark.parametrize(("order_status", "current"), list(DELIVERY_TABLE))
@pytest.mark.parametrize("target", ["Not Started", "In Progress", "Out for Delivery", "Delivered"])
def test_the_delivery_moves_forward_or_one_step_back_while_the_order_is_under_way(
    order_status, current, target
):
    if current == target:
        return
    before = {
        "payment_status": "Verified",
        "order_status": order_status,
        "delivery_status": current,
    }

    assert accepted(before, {"delivery_status": target}) == (
        target in DELIVERY_TABLE[(order_status, current)]
    )


def test_the_shop_takes_prepayment():
    assert not accepted(NEW, {"order_status": "Processing"})
    assert accepted(NEW, {"payment_status": "Paid", "order_status": "Processing"})
    ready_and_paid = {**NEW, "payment_status": "Paid", "order_status": "Ready"}
    assert not accepted(ready_and_paid, {"order_status": "Delivered"})
    assert accepted(ready_and_paid, {"payment_status": "Verified", "order_status": "Delivered"})


def test_order_and_delivery_reach_delivered_together():
    ready = {
        "payment_status": "Verified",
        "order_status": "Ready",
        "delivery_status": "In Progress",
    }

    assert lifecycle.judge(ready, {"order_status": "Delivered"}) == {
        "order_status": "Delivered",
        "delivery_status": "Delivered",
    }
    assert lifecycle.judge(ready, {"delivery_status": "Delivered"}) == {
        "delivery_status": "Delivered",
        "order_status": "Delivered",
    }
    # As the storefront sends it: all three, the delivery as it was.
    assert lifecycle.judge(
        ready, {"order_status": "Delivered", "delivery_status": "In Progress"}
    ) == {"order_status": "Delivered", "delivery_status": "Delivered"}
    assert not accepted(ready, {"order_status": "Delivered", "delivery_status": "Out for Delivery"})


def test_only_a_reopening_moves_a_final_order_and_never_to_another_final_status():
    cancelled = {**NEW, "order_status": "Cancelled"}

    assert not accepted(cancelled, {"order_status": "Received"})
    assert accepted(cancelled, {"order_status": "Received"}, may_reopen=True)
    assert not accepted(cancelled, {"order_status": "Delivered"}, may_reopen=True)
    delivered = {"payment_status": "Verified", "order_status": "Delivered"}
    delivered["delivery_status"] = "Delivered"
    assert lifecycle.judge(
        delivered, {"order_status": "Ready", "delivery_status": "Out for Delivery"}, may_reopen=True
    ) == {"order_status": "Ready", "delivery_status": "Out for Delivery"}


def test_a_row_that_breaks_the_rules_may_only_move_into_valid_states():
    broken = {
        "payment_status": "Pending",
        "order_status": "Ready",
        "delivery_status": "Not Started",
    }

    assert not accepted(broken, {"order_status": "Delivered"})
    assert accepted(broken, {"payment_status": "Paid"})
    assert accepted(broken, {"order_status": "Cancelled"})


def test_a_refund_is_due_on_a_cancelled_order_whose_payment_was_verified():
    assert lifecycle.refund_due(Order(order_status="Cancelled", payment_status="Verified"))
    assert not lifecycle.refund_due(Order(order_status="Cancelled", payment_status="Paid"))


# The staff API


def status_url(order: Order) -> str:
    return f"/api/admin/orders/{order.pk}/status"


def test_the_storefronts_three_field_patch_of_a_new_order_is_accepted(staff_user):
    order = OrderFactory()

    response = bearer_client(staff_user).patch(
        status_url(order),
        {
            "payment_status": "Verified",
            "order_status": "Processing",
            "delivery_status": "Not Started",
        },
        format="json",
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.payment_status, order.order_status, order.delivery_status) == (
        "Verified",
        "Processing",
        "Not Started",
    )


def test_a_refused_change_is_a_422_naming_the_field_its_value_and_what_it_may_become(
    staff_user,
):
    order = OrderFactory(order_status="Cancelled")

    response = bearer_client(staff_user).patch(
        status_url(order), {"order_status": "Processing", "tracking_notes": "x"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "order_status": [
            "Order status cannot go from Cancelled to Processing: Cancelled is final: only a "
            "superuser, with a note, reopens an order. From Cancelled it may become: nothing."
        ]
    }
    order.refresh_from_db()
    assert (order.order_status, order.tracking_notes) == ("Cancelled", None)

    paid_too_soon = bearer_client(staff_user).patch(
        status_url(OrderFactory()), {"order_status": "Ready"}, format="json"
    )
    assert paid_too_soon.json()["errors"]["order_status"] == [
        "Order status cannot go from Received to Ready: an order is Ready only once its "
        "payment is in. From Received it may become: Cancelled."
    ]


def test_a_superuser_reopens_a_final_order_with_a_note_and_the_note_is_kept(staff_user):
    owner = StaffFactory(username="owner", is_superuser=True)
    order = OrderFactory(order_status="Cancelled")
    url = status_url(order)

    staff = bearer_client(staff_user).patch(
        url, {"order_status": "Received", "note": "Customer called back"}, format="json"
    )
    without_note = bearer_client(owner).patch(url, {"order_status": "Received"}, format="json")
    reopened = bearer_client(owner).patch(
        url, {"order_status": "Received", "note": "Customer called back"}, format="json"
    )

    assert staff.status_code == without_note.status_code == 422
    assert reopened.status_code == 200
    assert reopened.json()["history"][-1]["note"] == "Customer called back"
    assert reopened.json()["order_status"] == "Received"


def test_the_service_refuses_for_every_caller_and_writes_nothing():
    order = OrderFactory(order_status="Delivered", delivery_status="Delivered")

    with pytest.raises(ValidationError) as raised:
        change_order_status(order=order, order_status="Cancelled", tracking_notes="Gone")

    assert list(raised.value.message_dict) == ["order_status"]
    order.refresh_from_db()
    assert (order.order_status, order.tracking_notes) == ("Delivered", None)


# The Django admin


def offered(page: str, field: str) -> list[str]:
    select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:]]


def test_the_order_page_offers_only_the_values_the_lifecycle_allows(store_staff_client):
    cancelled = OrderFactory(order_status="Cancelled")
    new = OrderFactory()

    cancelled_page = store_staff_client.get(f"/admin/orders/order/{cancelled.pk}/change/").text
    new_page = store_staff_client.get(f"/admin/orders/order/{new.pk}/change/").text

    assert offered(cancelled_page, "order_status") == ["Cancelled"]
    assert offered(new_page, "order_status") == ["Received", "Processing", "Ready", "Cancelled"]
    assert offered(new_page, "payment_status") == ["Pending", "Paid", "Verified"]
    assert offered(new_page, "delivery_status") == [
        "Not Started",
        "In Progress",
        "Out for Delivery",
    ]


def test_the_order_page_refuses_a_change_the_lifecycle_does_not_allow(store_staff_client):
    order = OrderFactory()
    url = f"/admin/orders/order/{order.pk}/change/"
    form = {
        "payment_status": "Pending",
        "order_status": "Processing",
        "delivery_status": "Not Started",
        "tracking_notes": "",
        "note": "",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
    }

    refused = store_staff_client.post(url, form)
    accepted_change = store_staff_client.post(url, {**form, "payment_status": "Paid"})

    assert refused.status_code == 200
    assert "an order is Processing only once its payment is in" in refused.text
    assert accepted_change.status_code == 302
    order.refresh_from_db()
    assert (order.payment_status, order.order_status) == ("Paid", "Processing")


def test_a_list_action_skips_and_reports_the_orders_it_cannot_move(store_staff_client):
    paid = OrderFactory(payment_status="Paid")
    unpaid = OrderFactory()

    response = store_staff_client.post(
        "/admin/orders/order/",
        {"action": "set_status_processing", "_selected_action": [str(paid.pk), str(unpaid.pk)]},
        follow=True,
    )

    assert "Set the order status of 1 order(s) to Processing." in response.text
    assert f"Skipped 1 order(s) the order lifecycle does not let move: {unpaid.order_id}" in (
        response.text
    )
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.order_status, unpaid.order_status) == ("Processing", "Received")


def test_the_order_list_says_when_a_refund_is_due(store_staff_client):
    OrderFactory(order_status="Cancelled", payment_status="Verified")

    assert "Refund due" in store_staff_client.get("/admin/orders/order/").text
