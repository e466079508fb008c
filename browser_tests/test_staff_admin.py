"""A store staff member's day in /admin, in a real browser, checked through the public API."""

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image

from analytics import services as analytics
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.services import place_order

ORDER_CUSTOMER = {
    "customer_name": "Ayesha Khan",
    "phone": "0300-1234567",
    "whatsapp": "+92 300 1234567",
    "email": "ayesha@example.com",
    "address": "House 12, Street 4, Gulshan-e-Iqbal",
    "city": "Karachi",
    "country": "Pakistan",
    "notes": "",
}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 80), (128, 0, 32)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def order():
    product = ProductFactory(name="Silk Maxi Dress", sizes=["M"], colors=["Maroon"])
    placed, _created = place_order(
        customer=ORDER_CUSTOMER,
        items=[{"product_id": product.pk, "size": "M", "color": "Maroon", "quantity": 2}],
        payment_method="Easypaisa",
    )
    return placed


def test_staff_create_a_product_with_a_picture_and_customers_see_it(staff_page):
    page = staff_page
    page.goto("/admin/catalog/product/add/")
    page.fill("#id_name", "Emerald Chiffon Maxi")
    page.select_option("#id_category", label="Maxi")
    page.fill("#id_description", "Flowing chiffon maxi with gota borders.")
    page.fill("#id_regular_price", "14500")
    page.fill("#id_sale_price", "11999")
    page.check("input[name=sizes][value=M]")
    page.check("input[name=sizes][value=L]")
    page.fill("#id_colors", "Emerald, Ivory")
    page.set_input_files(
        "#id_images-0-image",
        files=[{"name": "front.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.click("input[name=_save]")

    page.wait_for_url("**/admin/catalog/product/")
    assert "was added successfully" in page.inner_text("ul.messagelist")
    products = page.request.get("/api/products").json()["items"]
    assert [(p["name"], p["sizes"], p["colors"], p["sale_price"]) for p in products] == [
        ("Emerald Chiffon Maxi", ["M", "L"], ["Emerald", "Ivory"], 11999.0)
    ]
    assert len(products[0]["images"]) == 1
    assert re.fullmatch(
        r"http://localhost:\d+/media/products/\d{4}/\d{2}/[0-9a-f]{32}\.png",
        products[0]["images"][0],
    )


def test_a_payment_marked_paid_shows_in_the_customers_tracking(staff_page, order):
    page = staff_page
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    assert page.inner_text("table.order-items tfoot").strip().endswith(f"{order.total_amount:,.0f}")
    page.select_option("#id_payment_status", "Paid")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/orders/order/")

    tracking = page.request.get(
        "/api/orders/track", params={"order_id": order.order_id, "phone": "+92 300 1234567"}
    ).json()
    assert tracking["payment_status"] == "Paid"
    assert [(step["field"], step["status"]) for step in tracking["timeline"]] == [
        ("payment_status", "Paid")
    ]
    assert order.history.get().changed_by.username == "shopkeeper"


def test_the_csv_export_action_downloads_the_selected_orders(staff_page, order):
    page = staff_page
    page.goto("/admin/orders/order/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download_info:
        page.click("button[name=index]")
    download = download_info.value

    assert download.suggested_filename == "orders.csv"
    lines = download.path().read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("\ufeffOrder ID,Order Date,Customer Name,Phone,")
    assert len(lines) == 2
    assert lines[1].startswith(f"{order.order_id},{order.order_date.isoformat()},Ayesha Khan,")
    assert "Silk Maxi Dress (M/Maroon) x2" in lines[1]


def test_the_dashboard_shows_the_seeded_figures(staff_page):
    ProductFactory.create_batch(4)
    call_command(
        "seed_demo_orders", "--count", "45", "--days", "20", "--seed", "11", stdout=io.StringIO()
    )
    totals = analytics.order_totals()
    series = analytics.daily_series()
    page = staff_page

    page.goto("/admin/")

    def card(key: str) -> str:
        return page.inner_text(f"#card-{key} .dash-value")

    assert card("orders-today") == str(series[-1].orders)
    assert card("payments-to-verify") == str(totals.payments_awaiting_verification)
    assert card("ready-to-dispatch") == str(totals.orders_ready)
    assert card("revenue-this-month").startswith("PKR ")
    assert page.locator("#dashboard-chart svg rect.bar").count() == 30
    assert page.inner_text("#dashboard-chart h2").startswith(
        f"Last 30 days: {sum(day.orders for day in series)} orders"
    )
    newest = Order.objects.order_by("-created_at")[:10]
    assert page.locator("#recent-orders tbody th a").all_inner_texts() == [
        o.order_id for o in newest
    ]
    # The admin's stylesheet and the store's colours are in place.
    assert page.request.get("/static/admin/css/base.css").status == 200
    header = page.eval_on_selector("#header", "el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(90, 36, 73)"
    assert Product.objects.count() == 4
