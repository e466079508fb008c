"""`manage.py seed_catalog`: a realistic, repeatable demo catalog with generated pictures."""

import io
from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from catalog.models import Category, Product, ProductImage, Size
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_catalog", stdout=out, **options)
    return out.getvalue()


def catalog_snapshot() -> list[tuple]:
    return sorted(
        Product.objects.values_list(
            "category__slug",
            "name",
            "regular_price",
            "sale_price",
            "description",
            "sizes",
            "colors",
            "is_bestseller",
            "is_active",
        )
    )


def test_default_seed_fills_every_category_with_48_realistic_products():
    output = seed()

    per_category = Counter(Product.objects.values_list("category__slug", flat=True))
    assert per_category == {
        "maxi": 10,
        "lehanga-choli": 10,
        "long-shirt": 10,
        "shalwar-kameez": 9,
        "gharara": 9,
    }
    images = ProductImage.objects.count()
    assert (
        f"Demo catalog ready: 48 products created with {images} images, 0 already present."
        in output
    )
    assert "  Maxi: 10 new\n" in output

    products = list(Product.objects.all())

    assert all(product.is_active for product in products)
    assert all(set(product.sizes) <= set(Size.values) and product.sizes for product in products)
    assert all(product.colors for product in products)
    assert all(len(product.description) >= 10 for product in products)
    on_sale = [product for product in products if product.sale_price is not None]
    assert 0 < len(on_sale) < len(products)
    assert all(product.sale_price < product.regular_price for product in on_sale)
    assert 0 < sum(product.is_bestseller for product in products) < len(products)
    assert len({product.created_at for product in products}) == len(products)


def test_seeding_twice_leaves_the_same_catalog():
    seed(count=12)
    before = catalog_snapshot()
    images_before = sorted(ProductImage.objects.values_list("product__name", "position", "image"))

    output = seed(count=12)

    assert catalog_snapshot() == before
    assert len({(slug, name) for slug, name, *_ in before}) == 12
    assert (
        sorted(ProductImage.objects.values_list("product__name", "position", "image"))
        == images_before
    )
    assert "Demo catalog ready: 0 products created with 0 images, 12 already present." in output


def test_a_larger_count_adds_to_a_smaller_seed_without_duplicates():
    seed(count=5)
    first_five = catalog_snapshot()

    output = seed(count=8)

    assert Product.objects.count() == 8
    after = catalog_snapshot()
    assert all(product in after for product in first_five)
    assert "3 products created" in output
    assert "5 already present" in output


def test_the_demo_catalog_is_deterministic():
    seed(count=15)
    first = catalog_snapshot()
    Product.objects.all().delete()

    seed(count=15)

    assert catalog_snapshot() == first


def test_pictures_are_jpegs_in_the_media_storage_served_by_the_api(api_client):
    seed(count=10)

    pictures = list(ProductImage.objects.select_related("product"))
    per_product = Counter(picture.product_id for picture in pictures)
    assert len(per_product) == 10
    assert set(per_product.values()) <= {1, 2, 3}
    for picture in pictures:
        assert picture.url == ""
        assert default_storage.exists(picture.image.name)
        with default_storage.open(picture.image.name) as stored, Image.open(stored) as image:
            assert image.format == "JPEG"
            assert image.size == (480, 640)

    product = max(pictures, key=lambda picture: per_product[picture.product_id]).product
    response = api_client.get(f"/api/products/{product.pk}")
    expected = [
        f"http://testserver{picture.image.url}"
        for picture in sorted(pictures, key=lambda picture: picture.position)
        if picture.product_id == product.pk
    ]
    assert response.json()["images"] == expected
    assert all(url.startswith("http://testserver/media/products/") for url in expected)


def test_seed_covers_categories_staff_added_and_skips_inactive_ones():
    CategoryFactory(name="Sarees", slug="sarees", position=9)
    CategoryFactory(name="Retired", slug="retired", position=10, is_active=False)

    seed(count=12)

    per_category = Counter(Product.objects.values_list("category__slug", flat=True))
    assert per_category["sarees"] == 2
    assert per_category["retired"] == 0
    assert sum(per_category.values()) == 12


def test_seed_leaves_products_staff_made_alone():
    seed(count=5)
    existing = Product.objects.order_by("created_at").first()
    Product.objects.filter(pk=existing.pk).update(regular_price=123, sale_price=None)
    own = ProductFactory(name="Staff favourite")

    seed(count=5)

    existing.refresh_from_db()
    assert existing.regular_price == 123
    assert Product.objects.filter(pk=own.pk).exists()
    assert Product.objects.count() == 6


def test_count_must_be_positive():
    with pytest.raises(CommandError, match="--count must be at least 1"):
        seed(count=0)
    assert Product.objects.count() == 0


def test_no_active_category_is_an_error():
    Category.objects.update(is_active=False)

    with pytest.raises(CommandError, match="no active category"):
        seed(count=3)
