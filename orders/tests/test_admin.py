"""Orders in the Django admin, as a logged-in store staff member (and a superuser) uses them."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderStatusEvent
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/orders/order/"


def change_url(order: Order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def listed(response) -> list[str]:
    return [order.order_id for order in response.context["cl"].result_list]


def history(order: Order) -> list[tuple[str, str, str, str | None]]:
    return [
        (
            event.field,
            event.from_status,
            event.to_status,
            event.changed_by and event.changed_by.username,
        )
        for event in OrderStatusEvent.objects.filter(order=order).order_by("id")
    ]


def run_action(client, action: str, orders: list[Order]):
    return client.post(
        LIST_URL,
        {"action": action, ACTION_CHECKBOX_NAME: [str(order.pk) for order in orders], "index": 0},
    )


def status_form(order: Order, **changes) -> dict:
    """The order page's form as a browser submits it, with `changes` typed in."""
    data = {
        "payment_status": order.payment_status,
        "order_status": order.order_status,
        "delivery_status": order.delivery_status,
        "estimated_delivery": order.estimated_delivery.isoformat()
        if order.estimated_delivery
        else "",
        "tracking_notes": order.tracking_notes or "",
        "history-TOTAL_FORMS": str(order.history.count()),
        "history-INITIAL_FORMS": str(order.history.count()),
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_order_list_shows_the_columns_and_coloured_status_badges(store_staff_client):
    OrderFactory(
        order_id="BQ-20261121-001",
        order_date=datetime.date(2026, 11, 21),
        customer_name="Ayesha Khan",
        phone="0300-1234567",
        city="Lahore",
        total_amount=Decimal("19998.00"),
        payment_method="Meezan Bank",
        payment_status="Paid",
        order_status="Ready",
        delivery_status="Out for Delivery",
    )

    response = store_staff_client.get(LIST_URL)

    assert response.status_code == 200
    headers = [header["text"] for header in response.context["result_headers"]]
    assert headers[1:] == [
        "order id",
        "Date",
        "customer name",
        "phone",
        "city",
        "Total (PKR)",
        "payment method",
        "Payment",
        "Status",
        "Delivery",
    ]
    html = response.content.decode()
    for cell in (
        '<th class="field-order_id"><a href="/admin/orders/order/',
        '<td class="field-date">21 Nov 2026</td>',
        '<td class="field-customer_name">Ayesha Khan</td>',
        '<td class="field-phone">0300-1234567</td>',
        '<td class="field-city">Lahore</td>',
        '<td class="field-total">19,998</td>',
        '<td class="field-payment_method">Meezan Bank</td>',
        '<td class="field-payment_badge"><span class="badge badge-paid">Paid</span></td>',
        '<td class="field-order_badge"><span class="badge badge-ready">Ready</span></td>',
        '<td class="field-delivery_badge"><span class="badge badge-out-for-delivery">'
        "Out for Delivery</span></td>",
    ):
        assert cell in html


def test_order_list_query_count_does_not_grow_with_the_orders(
    store_staff_client, django_assert_num_queries
):
    OrderFactory()
    with django_assert_num_queries(9):
        assert store_staff_client.get(LIST_URL).status_code == 200
    OrderFactory.create_batch(30)
    with django_assert_num_queries(9):
        assert store_staff_client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize(
    "term", ["0300-1234567", "+92 300 1234567", "923001234567", "03001234567", "1234567"]
)
def test_search_finds_a_phone_number_in_any_notation(store_staff_client, term):
    OrderFactory(order_id="BQ-20261121-001", phone="0300-1234567")
    OrderFactory(order_id="BQ-20261121-002", phone="+92 321 7654321")

    response = store_staff_client.get(LIST_URL, {"q": term})

    assert listed(response) == ["BQ-20261121-001"]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("BQ-20261121-002", ["BQ-20261121-002"]),
        ("zainab", ["BQ-20261121-002"]),
        ("ayesha@example.com", ["BQ-20261121-001"]),
        ("nobody", []),
    ],
)
def test_search_by_order_id_name_and_email(store_staff_client, term, found):
    OrderFactory(
        order_id="BQ-20261121-001", customer_name="Ayesha Khan", email="ayesha@example.com"
    )
    OrderFactory(
        order_id="BQ-20261121-002",
        customer_name="Zainab Malik",
        email="zm@example.com",
        phone="0321-7654321",
    )

    assert listed(store_staff_client.get(LIST_URL, {"q": term})) == found


def test_search_keeps_the_chosen_filters(store_staff_client):
    OrderFactory(order_id="BQ-20261121-001", payment_status="Paid")
    OrderFactory(order_id="BQ-20261121-002", payment_status="Pending")

    response = store_staff_client.get(
        LIST_URL, {"q": "0300 1234567", "payment_status__exact": "Pending"}
    )

    assert listed(response) == ["BQ-20261121-002"]


def test_filters_by_status_method_and_order_date(store_staff_client):
    OrderFactory(
        order_id="BQ-20261120-001", order_date=datetime.date(2026, 11, 20), order_status="Ready"
    )
    OrderFactory(
        order_id="BQ-20261121-001",
        order_date=datetime.date(2026, 11, 21),
        delivery_status="In Progress",
        payment_method="International Bank",
    )

    assert listed(store_staff_client.get(LIST_URL, {"order_status__exact": "Ready"})) == [
        "BQ-20261120-001"
    ]
    assert listed(store_staff_client.get(LIST_URL, {"delivery_status__exact": "In Progress"})) == [
        "BQ-20261121-001"
    ]
    assert listed(
        store_staff_client.get(LIST_URL, {"payment_method__exact": "International Bank"})
    ) == ["BQ-20261121-001"]
    assert listed(
        store_staff_client.get(
            LIST_URL,
            {"order_date__year": "2026", "order_date__month": "11", "order_date__day": "20"},
        )
    ) == ["BQ-20261120-001"]


PAID = {"payment_status": "Verified"}


@pytest.mark.parametrize(
    ("action", "field", "value", "start", "also"),
    [
        ("mark_payment_paid", "payment_status", "Paid", {}, []),
        ("mark_payment_verified", "payment_status", "Verified", {}, []),
        ("set_status_processing", "order_status", "Processing", PAID, []),
        ("set_status_ready", "order_status", "Ready", PAID, []),
        (
            "set_status_delivered",
            "order_status",
            "Delivered",
            {**PAID, "order_status": "Ready", "delivery_status": "Out for Delivery"},
            [("delivery_status", "Out for Delivery", "Delivered", "shopkeeper")],
        ),
        ("set_status_cancelled", "order_status", "Cancelled", {}, []),
    ],
)
def test_status_actions_go_through_the_status_service_with_the_staff_member(
    store_staff_client, action, field, value, start, also
):
    first = OrderFactory(**start)
    second = OrderFactory(**start)
    untouched = OrderFactory(**start)
    initial = getattr(first, field)

    response = run_action(store_staff_client, action, [first, second])

    assert response.status_code == 302
    for order in (first, second):
        order.refresh_from_db()
        assert getattr(order, field) == value
        assert sorted(history(order)) == sorted([(field, initial, value, "shopkeeper"), *also])
    untouched.refresh_from_db()
    assert getattr(untouched, field) == initial
    assert history(untouched) == []


def test_a_status_action_leaves_orders_already_there_alone(store_staff_client):
    paid = OrderFactory(payment_status="Paid")
    pending = OrderFactory()

    response = run_action(store_staff_client, "mark_payment_paid", [paid, pending])

    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Set the payment status of 1 order(s) to Paid. 1 already had it."]
    assert history(paid) == []
    assert history(pending) == [("payment_status", "Pending", "Paid", "shopkeeper")]


def test_a_status_action_takes_the_same_queries_for_2_orders_as_for_40(
    store_staff_client, django_assert_num_queries
):
    def verify(orders):
        with django_assert_num_queries(14):
            response = run_action(store_staff_client, "mark_payment_verified", orders)
        assert response.status_code == 302

    verify(OrderFactory.create_batch(2))
    verify(OrderFactory.create_batch(40))
    assert OrderStatusEvent.objects.filter(to_status="Verified").count() == 42


def test_saving_the_order_page_records_each_status_change_with_the_staff_member(
    store_staff_client,
):
    order = OrderFactory(customer_name="Ayesha Khan")

    response = store_staff_client.post(
        change_url(order),
        status_form(
            order,
            payment_status="Verified",
            order_status="Processing",
            estimated_delivery="2026-11-28",
            tracking_notes="Stitching in progress",
            customer_name="Someone Else",
            total_amount="1",
        ),
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.payment_status, order.order_status, order.delivery_status) == (
        "Verified",
        "Processing",
        "Not Started",
    )
    assert order.estimated_delivery == datetime.date(2026, 11, 28)
    assert order.tracking_notes == "Stitching in progress"
    # Customer details and money are shown, never edited.
    assert order.customer_name == "Ayesha Khan"
    assert order.total_amount == Decimal("0.00")
    assert history(order) == [
        ("payment_status", "Pending", "Verified", "shopkeeper"),
        ("order_status", "Received", "Processing", "shopkeeper"),
    ]


def test_clearing_the_tracking_notes_stores_null(store_staff_client):
    order = OrderFactory(tracking_notes="Stitching in progress")

    response = store_staff_client.post(change_url(order), status_form(order, tracking_notes=""))

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.tracking_notes is None
    assert history(order) == []


def test_an_invalid_status_is_refused_with_the_form_error(store_staff_client):
    order = OrderFactory()

    response = store_staff_client.post(change_url(order), status_form(order, order_status="Lost"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "order_status": ["Select a valid choice. Lost is not one of the available choices."]
    }
    assert history(order) == []


def test_the_order_page_shows_customer_items_whatsapp_link_and_history(
    store_staff_client, store_staff_member
):
    order = OrderFactory(
        order_id="BQ-20261121-007",
        customer_name="Ayesha <b>Khan</b>",
        whatsapp="+92 300 1234567",
        total_amount=Decimal("27498.00"),
    )
    dress = ProductFactory(name="Silk Maxi Dress")
    OrderItemFactory(
        order=order,
        product=dress,
        size="M",
        color="Maroon",
        quantity=2,
        unit_price=Decimal("9999.00"),
        line_total=Decimal("19998.00"),
        image="https://res.cloudinary.com/demo/a.jpg",
    )
    OrderItemFactory(
        order=order,
        name="Lawn Suit",
        size="L",
        color="Mint",
        quantity=1,
        unit_price=Decimal("7500.00"),
        line_total=Decimal("7500.00"),
    )
    OrderStatusEvent.objects.create(
        order=order,
        field="payment_status",
        from_status="Pending",
        to_status="Paid",
        changed_by=store_staff_member,
    )

    response = store_staff_client.get(change_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<tr><td><img class="thumb" src="https://res.cloudinary.com/demo/a.jpg" alt=""></td>'
        "<td>Silk Maxi Dress</td><td>M</td><td>Maroon</td>"
        '<td class="amount">2</td><td class="amount">9,999</td><td class="amount">19,998</td></tr>'
    ) in html
    assert (
        '<tr><td><span class="thumb-none"></span></td><td>Lawn Suit</td><td>L</td><td>Mint</td>'
        '<td class="amount">1</td><td class="amount">7,500</td><td class="amount">7,500</td></tr>'
    ) in html
    assert '<th class="amount">27,498</th>' in html
    message = quote(
        "Assalam-o-Alaikum Ayesha <b>Khan</b>, this is Beautique Store about your order "
        "BQ-20261121-007 of PKR 27,498."
    )
    assert f'href="https://wa.me/923001234567?text={message}"' in html
    assert "Ayesha &lt;b&gt;Khan&lt;/b&gt;" in html
    assert "<b>Khan</b>" not in html
    history_formset = response.context["inline_admin_formsets"][0]
    assert history_formset.has_add_permission is False
    assert history_formset.has_change_permission is False
    assert history_formset.has_delete_permission is False
    assert [
        (form.instance.field, form.instance.to_status, form.instance.changed_by.username)
        for form in history_formset.formset.forms
    ] == [("payment_status", "Paid", "shopkeeper")]


def test_export_action_streams_the_selected_orders_as_csv(store_staff_client):
    first = OrderFactory(order_id="BQ-20261121-001", customer_name="Ayesha Khan")
    OrderFactory(order_id="BQ-20261121-002", customer_name="Not Selected")
    OrderItemFactory(order=first, name="Silk Maxi Dress", size="M", color="Maroon", quantity=2)

    response = run_action(store_staff_client, "export_csv", [first])

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    assert "no-store" in response["Cache-Control"]
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffOrder ID,Order Date,Customer Name,")
    assert len(lines) == 2
    assert lines[1].startswith("BQ-20261121-001,")
    assert "Silk Maxi Dress (M/Maroon) x2" in lines[1]


@pytest.mark.parametrize("who", ["store_staff_client", "admin_client"])
def test_orders_cannot_be_added_or_deleted_in_the_admin(request, who):
    client = request.getfixturevalue(who)
    order = OrderFactory()

    assert client.get("/admin/orders/order/add/").status_code == 403
    assert client.get(f"/admin/orders/order/{order.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/orders/order/{order.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    actions = [
        name
        for name, _label in client.get(LIST_URL).context["action_form"].fields["action"].choices
    ]
    assert actions == [
        "",
        "mark_payment_paid",
        "mark_payment_verified",
        "set_status_processing",
        "set_status_ready",
        "set_status_delivered",
        "set_status_cancelled",
        "export_csv",
    ]
    assert Order.objects.filter(pk=order.pk).exists()


def test_no_whatsapp_link_for_a_number_the_numbering_plans_do_not_recognise(store_staff_client):
    order = OrderFactory(phone="07911 123456", whatsapp="07911 123456", phone_digits="927911123456")

    page = store_staff_client.get(f"/admin/orders/order/{order.pk}/change/").text

    assert "wa.me/927911123456" not in page
