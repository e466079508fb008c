"""Every filter the storefront uses is served by an index on PostgreSQL.

The planner is told to avoid sequential scans, so an index that matches the query
shape is used; a filter whose expression no index matches still scans and fails here.
"""

import pytest
from django.db import connection

from catalog.models import Category, Product
from orders.filters import StaffOrderFilter
from orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only indexes")
    # The plans must not depend on what earlier tests left in the statistics (an
    # autovacuum may have analyzed rows since rolled back): a catalog shaped like the
    # store's (few bestsellers, several categories) is analyzed inside the test's
    # transaction, which rolls both back.
    categories = list(Category.objects.all())
    Product.objects.bulk_create(
        Product(
            name=f"Product {n}",
            category=categories[n % len(categories)],
            regular_price=1000 + n,
            description="A product of the planner's sample.",
            sizes=["M"],
            colors=["Maroon"],
            is_bestseller=n % 25 == 0,
        )
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product, orders_order")
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def plan(queryset) -> str:
    """The plan of the filter alone (ordering cleared, so an index on the sort key is no way out)."""
    return queryset.order_by().explain()


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"sizes__has_element": "M"}, "product_sizes_gin"),
        ({"color_keys__has_element": "maroon"}, "product_color_keys_gin"),
        ({"search_document__has_words": ["silk", "raw silk"]}, "product_search_document_words"),
        ({"effective_price__gte": 1000}, "product_effective_price"),
        # Either the (is_active, category) index or the foreign key's own serves it.
        ({"is_active": True, "category_id": 1}, ("product_active_category", "category_id")),
        ({"is_active": True, "is_bestseller": True}, "product_active_bestseller"),
    ],
)
def test_catalog_filters_use_an_index(filters, index):
    names = index if isinstance(index, tuple) else (index,)
    query_plan = plan(Product.objects.filter(**filters))
    assert "Index" in query_plan
    assert any(name in query_plan for name in names), query_plan


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"search": "ayesha"}, "order_customer_name_trgm"),
        ({"search": "bq-2026"}, "order_order_id_trgm"),
        ({"search": "example.com"}, "order_email_trgm"),
        ({"search": "0300-1234"}, "order_phone_digits_trgm"),
        ({"search": "+92 300 1234567"}, "orders_order_phone_digits"),
        ({"payment_status": "Pending"}, "orders_order_payment_status"),
        ({"order_status": "Ready"}, "orders_order_order_status"),
        ({"delivery_status": "Delivered"}, "orders_order_delivery_status"),
        ({"payment_method": "Easypaisa"}, "order_payment_method"),
        ({"start_date": "2026-11-01"}, "orders_order_order_date"),
    ],
)
def test_staff_order_filters_use_an_index(params, index):
    filterset = StaffOrderFilter(params, queryset=Order.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert index in plan(filterset.qs)
