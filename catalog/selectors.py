"""Catalog reads: the querysets behind the public (and staff) catalog endpoints."""

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Category, Product, ProductImage

PRODUCT_ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "price": ("effective_price", "-created_at", "-id"),
    "-price": ("-effective_price", "-created_at", "-id"),
    "name": ("name", "-created_at", "-id"),
    "-name": ("-name", "-created_at", "-id"),
}
"""`ordering` values and the columns behind them; `id` last so pages never overlap."""

DEFAULT_PRODUCT_ORDERING = PRODUCT_ORDERINGS["newest"]


def with_product_relations(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Load what `ProductSerializer` renders in a fixed number of queries, whatever the page size."""
    return queryset.select_related("category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
    )


def public_products() -> QuerySet[Product]:
    """Products customers may see, newest first."""
    return with_product_relations(Product.objects.visible().order_by(*DEFAULT_PRODUCT_ORDERING))


def public_bestsellers(*, limit: int) -> QuerySet[Product]:
    """The `limit` newest active bestsellers."""
    return public_products().filter(is_bestseller=True)[:limit]


def public_categories() -> QuerySet[Category]:
    """Active categories in the store's order, each annotated with its active product count."""
    return (
        Category.objects.filter(is_active=True)
        .annotate(product_count=Count("products", filter=Q(products__is_active=True)))
        .order_by("position", "name")
    )


def staff_products() -> QuerySet[Product]:
    """Every product, active or not, newest first: the staff catalog."""
    return with_product_relations(Product.objects.order_by(*DEFAULT_PRODUCT_ORDERING))
