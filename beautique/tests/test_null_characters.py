"""NUL characters in a URL: PostgreSQL text cannot hold them, so they must never reach a query."""

import pytest

from catalog.tests.factories import ProductFactory
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

NULL_MESSAGE = "Null characters are not allowed."


@pytest.fixture
def order():
    return OrderFactory(order_id="BQ-20261121-001")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/admin/orders/%00"),
        ("get", "/api/admin/orders/BQ%00X"),
        ("get", "/api/admin/orders/BQ-20261121-001%00"),
        ("patch", "/api/admin/orders/%00/status"),
        ("get", "/api/products/%00"),
        ("put", "/api/admin/products/%00"),
        ("delete", "/api/admin/products/%00/permanent"),
        ("get", "/api/%00"),
    ],
)
def test_a_path_with_a_nul_is_a_404(owner_client, order, method, path):
    response = getattr(owner_client, method)(path, {"payment_status": "Paid"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    order.refresh_from_db()
    assert order.payment_status == "Pending"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/admin/orders?search=BQ%00", "search"),
        ("/api/admin/orders?payment_status=Paid%00", "payment_status"),
        ("/api/admin/orders?start_date=%00", "start_date"),
        ("/api/admin/orders/export?search=%00", "search"),
        ("/api/admin/analytics/dashboard?end_date=%00", "end_date"),
        ("/api/products?search=silk%00", "search"),
        ("/api/products?color=%00", "color"),
        ("/api/products?category=maxi%00", "category"),
        ("/api/products?size=M%00", "size"),
        ("/api/products?page=1&ordering=%00", "ordering"),
        ("/api/products?anything=%00", "anything"),
        ("/api/admin/products?search=%00", "search"),
        ("/api/orders/track?order_id=BQ-20261121-001%00&phone=03001234567", "order_id"),
        ("/api/orders/track?order_id=BQ-20261121-001&phone=0300%001234567", "phone"),
    ],
)
def test_a_query_parameter_with_a_nul_is_a_422_naming_it(staff_client, order, path, name):
    response = staff_client.get(path)

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"{name}: {NULL_MESSAGE}",
        "errors": {name: [NULL_MESSAGE]},
    }


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/admin/orders/order/?order_status__exact=%00", "BQ-20261121-001"),
        ("/admin/orders/order/?payment_status=%00", "BQ-20261121-001"),
        ("/admin/orders/order/?payment_method__exact=Easypaisa%00", "BQ-20261121-001"),
        ("/admin/orders/order/?q=%00", "BQ-20261121-001"),
        ("/admin/catalog/product/?name=%00", "Silk Maxi Dress"),
        ("/admin/catalog/product/?q=silk%00", "Silk Maxi Dress"),
    ],
)
def test_the_admin_ignores_a_filter_or_search_with_a_nul(store_staff_client, order, path, shown):
    ProductFactory(name="Silk Maxi Dress")

    response = store_staff_client.get(path)

    assert response.status_code == 200
    assert shown in response.content.decode()
