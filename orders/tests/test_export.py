"""GET /api/admin/orders/export: the streamed CSV download (docs/api.md, "Staff", "Orders")."""

import csv
import datetime
import io
import tracemalloc
import uuid
from decimal import Decimal

import pytest

from orders.models import Order, OrderItem
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

URL = "/api/admin/orders/export"
BOM = "\ufeff".encode()
HEADER = [
    "Order ID",
    "Order Date",
    "Customer Name",
    "Phone",
    "WhatsApp",
    "Email",
    "Address",
    "City",
    "Country",
    "Items",
    "Total Amount",
    "Payment Method",
    "Payment Status",
    "Order Status",
    "Delivery Status",
    "Estimated Delivery",
    "Tracking Notes",
    "Notes",
]


def make_order(day: int = 21, **fields) -> Order:
    created_at = datetime.datetime(2026, 11, day, 12, tzinfo=datetime.UTC)
    order = OrderFactory(order_date=datetime.date(2026, 11, day), **fields)
    Order.objects.filter(pk=order.pk).update(created_at=created_at, updated_at=created_at)
    return order


def download(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def rows(response) -> list[list[str]]:
    body = download(response)
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode("utf-8"))))


def exported_ids(response) -> list[str]:
    table = rows(response)
    assert table[0] == HEADER
    return [row[0] for row in table[1:]]


def test_export_is_a_utf8_csv_attachment_with_bom_header_and_one_row_per_order(staff_client):
    order = make_order(
        order_id="BQ-20261121-007",
        customer_name="عائشہ خان",
        phone="03001234567",
        whatsapp="923001234567",
        email="ayesha@example.com",
        address="House 12, Street 4\nGulshan-e-Iqbal",
        city="Karachi",
        country="Pakistan",
        total_amount=Decimal("24998.00"),
        payment_method="Meezan Bank",
        payment_status="Paid",
        order_status="Processing",
        delivery_status="In Progress",
        estimated_delivery=datetime.date(2026, 11, 25),
        tracking_notes="Stitching in progress",
        notes='Call "before" delivery',
    )
    OrderItemFactory(order=order, name="Silk Maxi Dress", size="M", color="Maroon", quantity=2)
    OrderItemFactory(
        order=order, name="Lawn Suit, printed", size="XL", color="Sky Blue", quantity=1
    )
    make_order(day=20, order_id="BQ-20261120-001", tracking_notes=None)

    response = staff_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    assert rows(response) == [
        HEADER,
        [
            "BQ-20261121-007",
            "2026-11-21",
            "عائشہ خان",
            "03001234567",
            "923001234567",
            "ayesha@example.com",
            "House 12, Street 4\nGulshan-e-Iqbal",
            "Karachi",
            "Pakistan",
            "Silk Maxi Dress (M/Maroon) x2; Lawn Suit, printed (XL/Sky Blue) x1",
            "24998.00",
            "Meezan Bank",
            "Paid",
            "Processing",
            "In Progress",
            "2026-11-25",
            "Stitching in progress",
            'Call "before" delivery',
        ],
        [
            "BQ-20261120-001",
            "2026-11-20",
            "Ayesha Khan",
            "0300-1234567",
            "'+92 300 1234567",
            "ayesha@example.com",
            "House 12, Street 4, Gulshan-e-Iqbal",
            "Karachi",
            "Pakistan",
            "",
            "0.00",
            "Easypaisa",
            "Pending",
            "Received",
            "Not Started",
            "",
            "",
            "",
        ],
    ]


def test_export_of_no_orders_is_the_header_alone(staff_client):
    response = staff_client.get(URL)

    assert download(response) == BOM + (",".join(HEADER) + "\r\n").encode()


def test_cells_a_spreadsheet_would_run_as_formulas_are_prefixed(staff_client):
    order = make_order(
        customer_name='=HYPERLINK("x")',
        phone="+923001234567",
        whatsapp="-923001234567",
        email="@evil.example",
        address="\tHouse 12, Street 4",
        city="\rKarachi",
        country="Pakistan",
        tracking_notes="+1 day",
        notes="=1+1",
    )
    OrderItemFactory(order=order, name="=cmd|' /C calc'!A0", size="M", color="Maroon")

    [_, row] = rows(staff_client.get(URL))

    assert row[2:10] == [
        '\'=HYPERLINK("x")',
        "'+923001234567",
        "'-923001234567",
        "'@evil.example",
        "'\tHouse 12, Street 4",
        "'\rKarachi",
        "Pakistan",
        "'=cmd|' /C calc'!A0 (M/Maroon) x1",
    ]
    assert row[16:] == ["'+1 day", "'=1+1"]


def test_export_applies_the_list_filters_and_ordering(staff_client):
    make_order(
        day=19, order_id="BQ-20261119-001", payment_status="Verified", total_amount=Decimal(10)
    )
    make_order(
        day=20, order_id="BQ-20261120-001", payment_status="Verified", total_amount=Decimal(30)
    )
    make_order(
        day=21, order_id="BQ-20261121-001", payment_status="Pending", total_amount=Decimal(20)
    )
    make_order(
        day=22,
        order_id="BQ-20261122-001",
        payment_status="Verified",
        customer_name="Sana Malik",
        email="sana@example.com",
        phone="03217654321",
    )

    assert exported_ids(staff_client.get(URL, {"payment_status": "Verified"})) == [
        "BQ-20261122-001",
        "BQ-20261120-001",
        "BQ-20261119-001",
    ]
    assert exported_ids(
        staff_client.get(
            URL,
            {
                "payment_status": "Verified",
                "start_date": "2026-11-19",
                "end_date": "2026-11-21",
                "ordering": "-total_amount",
            },
        )
    ) == ["BQ-20261120-001", "BQ-20261119-001"]
    assert exported_ids(staff_client.get(URL, {"search": "+92 321 765 4321"})) == [
        "BQ-20261122-001"
    ]


@pytest.mark.parametrize(
    ("params", "filename"),
    [
        (
            {"start_date": "2026-11-01", "end_date": "2026-11-21"},
            "orders_from_2026-11-01_to_2026-11-21.csv",
        ),
        ({"start_date": "2026-11-01"}, "orders_from_2026-11-01.csv"),
        ({"end_date": "2026-11-21"}, "orders_to_2026-11-21.csv"),
        ({"payment_status": "Paid"}, "orders.csv"),
    ],
)
def test_filename_names_the_date_range(staff_client, params, filename):
    response = staff_client.get(URL, params)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize("accept", ["text/csv", "application/json", "*/*"])
def test_export_answers_csv_whatever_the_accept_header(staff_client, accept):
    make_order(order_id="BQ-20261121-001")

    response = staff_client.get(URL, HTTP_ACCEPT=accept)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert exported_ids(response) == ["BQ-20261121-001"]


@pytest.mark.parametrize("accept", ["text/csv", "application/json"])
def test_a_bad_filter_is_a_422_json_envelope_even_when_csv_is_asked_for(staff_client, accept):
    response = staff_client.get(
        URL, {"start_date": "2026-11-21", "end_date": "2026-11-01"}, HTTP_ACCEPT=accept
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "start_date: start_date must not be after end_date.",
        "errors": {"start_date": ["start_date must not be after end_date."]},
    }


def test_a_misspelled_status_is_a_422(staff_client):
    response = staff_client.get(URL, {"order_status": "shipped"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "order_status": ["Select a valid choice. shipped is not one of the available choices."]
    }


def test_export_needs_a_staff_token(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="text/csv")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_export_route_answers_with_a_trailing_slash(staff_client):
    assert staff_client.get(URL + "/")["Content-Disposition"] == 'attachment; filename="orders.csv"'


# --- Streaming: queries per chunk of orders, memory flat in the number of orders ----


def bulk_orders(count: int) -> None:
    """`count` orders with 1-3 items each, written in a few bulk inserts."""
    today = datetime.date(2026, 11, 21)
    orders = [
        Order(
            order_id=f"BQ-20261121-{number:05d}",
            customer_name=f"Customer {number}",
            phone="0300-1234567",
            phone_digits="923001234567",
            whatsapp="+92 300 1234567",
            email=f"customer{number}@example.com",
            address="House 12, Street 4, Gulshan-e-Iqbal",
            city="Karachi",
            total_amount=Decimal("12500.00"),
            payment_method="Easypaisa",
            order_date=today,
            notes="Please call before delivery",
        )
        for number in range(count)
    ]
    Order.objects.bulk_create(orders, batch_size=1000)
    items = [
        OrderItem(
            order=order,
            product_uuid=uuid.uuid4(),
            name="Silk Maxi Dress",
            size="M",
            color="Maroon",
            quantity=1 + line,
            unit_price=Decimal("4166.67"),
            line_total=Decimal("4166.67") * (1 + line),
        )
        for number, order in enumerate(orders)
        for line in range(1 + number % 3)
    ]
    OrderItem.objects.bulk_create(items, batch_size=1000)


def test_export_queries_do_not_grow_with_the_number_of_orders(
    staff_client, django_assert_num_queries
):
    bulk_orders(3)
    with django_assert_num_queries(3):
        download(staff_client.get(URL))
    Order.objects.all().delete()
    bulk_orders(300)

    with django_assert_num_queries(3):
        download(staff_client.get(URL))


def peak_export_memory(client) -> tuple[int, int]:
    """Peak bytes traced while exporting every order, and the number of rows exported.

    A first export beforehand keeps one-off costs (imports, caches) out of the figure.
    """
    download(client.get(URL))
    tracemalloc.start()
    try:
        response = client.get(URL)
        lines = sum(chunk.count(b"\r\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, lines - 1


def test_export_memory_stays_flat_as_the_number_of_orders_grows(staff_client):
    bulk_orders(500)
    small_peak, small_rows = peak_export_memory(staff_client)
    Order.objects.all().delete()
    bulk_orders(2000)
    large_peak, large_rows = peak_export_memory(staff_client)

    assert (small_rows, large_rows) == (500, 2000)
    assert large_peak < small_peak * 1.25, (small_peak, large_peak)
