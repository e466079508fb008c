"""Staff product management: /api/admin/products (docs/api.md, "Staff", "Products")."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog import services
from catalog.models import Category, Product, ProductImage
from catalog.tests.factories import ProductFactory, ProductImageFactory
from catalog.tests.images import image_bytes, stored_files, upload
from catalog.views import StaffProductView
from conftest import bearer_client
from orders.models import Order, OrderItem, PaymentMethod

pytestmark = pytest.mark.django_db

LIST_URL = "/api/admin/products"


def detail_url(product) -> str:
    return f"/api/admin/products/{product.pk}"


def valid_body(**overrides) -> dict:
    body = {
        "name": "Silk Maxi Dress",
        "category": "Maxi",
        "regular_price": 12500,
        "sale_price": 9999,
        "description": "Flowing pure silk maxi with a hand-embroidered neckline.",
        "sizes": ["S", "M", "L"],
        "colors": ["Maroon"],
        "images": [
            "https://res.cloudinary.com/demo/image/upload/a.jpg",
            "https://res.cloudinary.com/demo/image/upload/b.jpg",
        ],
        "is_bestseller": True,
        "is_active": True,
    }
    body.update(overrides)
    return body


def product_json(product: Product) -> dict:
    """The contract's product object for `product`, as stored now."""
    product.refresh_from_db()
    return {
        "id": str(product.pk),
        "name": product.name,
        "category": product.category.name,
        "category_slug": product.category.slug,
        "regular_price": float(product.regular_price),
        "sale_price": None if product.sale_price is None else float(product.sale_price),
        "effective_price": float(product.effective_price),
        "discount_percentage": product.discount_percentage,
        "description": product.description,
        "images": [image.url for image in product.images.order_by("position")],
        "sizes": product.sizes,
        "colors": product.colors,
        "is_bestseller": product.is_bestseller,
        "is_active": product.is_active,
        "created_at": timezone.localtime(product.created_at).isoformat(),
        "updated_at": timezone.localtime(product.updated_at).isoformat(),
    }


def image_urls(product) -> list[str]:
    return list(product.images.order_by("position").values_list("url", flat=True))


def assert_422(response, field: str, message: str | None = None):
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"].startswith(f"{field}: "), body
    if message is not None:
        assert body["errors"][field] == [message]


# --- create -------------------------------------------------------------------


def test_create_answers_201_with_the_product(staff_client):
    response = staff_client.post(LIST_URL, valid_body(), format="json")

    assert response.status_code == 201, response.content
    product = Product.objects.get()
    assert response.json() == product_json(product)
    assert response.json() | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None,
        "name": "Silk Maxi Dress",
        "category": "Maxi",
        "category_slug": "maxi",
        "regular_price": 12500.0,
        "sale_price": 9999.0,
        "effective_price": 9999.0,
        "discount_percentage": 20,
        "description": "Flowing pure silk maxi with a hand-embroidered neckline.",
        "images": [
            "https://res.cloudinary.com/demo/image/upload/a.jpg",
            "https://res.cloudinary.com/demo/image/upload/b.jpg",
        ],
        "sizes": ["S", "M", "L"],
        "colors": ["Maroon"],
        "is_bestseller": True,
        "is_active": True,
        "created_at": None,
        "updated_at": None,
    }
    assert list(product.images.values_list("url", "position", "image")) == [
        ("https://res.cloudinary.com/demo/image/upload/a.jpg", 0, ""),
        ("https://res.cloudinary.com/demo/image/upload/b.jpg", 1, ""),
    ]


def test_create_applies_defaults_for_optional_fields(staff_client):
    body = valid_body()
    for optional in ("sale_price", "images", "is_bestseller", "is_active"):
        del body[optional]

    response = staff_client.post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["sale_price"], data["images"], data["is_bestseller"], data["is_active"]) == (
        None,
        [],
        False,
        True,
    )
    assert (data["effective_price"], data["discount_percentage"]) == (12500.0, None)


@pytest.mark.parametrize("category", ["lehanga-choli", "LEHANGA CHOLI", " Lehanga-Choli "])
def test_create_finds_the_category_by_name_or_slug_in_any_case(staff_client, category):
    response = staff_client.post(LIST_URL, valid_body(category=category), format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["category"], response.json()["category_slug"]) == (
        "Lehanga Choli",
        "lehanga-choli",
    )


def test_create_trims_text_and_colors_and_upper_cases_sizes(staff_client):
    body = valid_body(name="  Silk Maxi Dress ", sizes=["s", "xl"], colors=[" Maroon ", "Sky Blue"])

    response = staff_client.post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.content
    product = Product.objects.get()
    assert (product.name, product.sizes, product.colors) == (
        "Silk Maxi Dress",
        ["S", "XL"],
        ["Maroon", "Sky Blue"],
    )


INVALID_FIELDS = [
    ("name", "ab", "Name must be 3-255 characters (it has 2)."),
    ("name", "   ab  ", "Name must be 3-255 characters (it has 2)."),
    ("name", "x" * 256, "Name must be 3-255 characters (it has 256)."),
    ("name", 12345, "Not a valid string."),
    ("category", 1, "Not a valid string."),
    ("category", "Sarees", 'There is no active category named "Sarees".'),
    ("category", "", "Category must be the name or slug of an active category."),
    ("regular_price", -1, "Regular price must be between 0 and 1,000,000."),
    ("regular_price", 1000000.01, "Regular price must be between 0 and 1,000,000."),
    ("regular_price", "lots", "A valid number is required."),
    ("regular_price", 10.555, "Ensure that there are no more than 2 decimal places."),
    ("sale_price", -5, "Sale price must be between 0 and 1,000,000."),
    ("sale_price", 12500, "Sale price must be below the regular price (12,500)."),
    ("sale_price", 20000, "Sale price must be below the regular price (12,500)."),
    ("description", "Too short", "Description must be 10-2000 characters (it has 9)."),
    ("description", "d" * 2001, "Description must be 10-2000 characters (it has 2001)."),
    ("sizes", [], "Choose at least one size from S, M, L, XL, XXL."),
    ("sizes.1", ["M", "XXXL"], '"XXXL" is not a size; choose from S, M, L, XL, XXL.'),
    ("sizes.2", ["M", "L", "m"], "M is listed twice."),
    ("sizes", "M", 'Expected a list of items but got type "str".'),
    ("colors", [], "Add at least one color."),
    ("colors.1", ["Maroon", "  "], "A color cannot be empty."),
    ("colors.0", ["c" * 51], "A color can have at most 50 characters."),
    ("colors.1", ["Maroon", "maroon"], "maroon is listed twice."),
    ("colors.0", [404], "Not a valid string."),
    (
        "colors",
        [f"Shade {n}" for n in range(31)],
        "A product can have at most 30 colors; this list has 31.",
    ),
    (
        "sizes",
        ["S", "M", "L", "XL", "XXL", "S"],
        "A product has at most 5 sizes (S, M, L, XL, XXL), each once; this list has 6.",
    ),
    ("images", [f"https://cdn.example.com/{n}.jpg" for n in range(11)], None),
    ("images.0", ["ftp://cdn.example.com/a.jpg"], "Enter an http:// or https:// URL."),
    ("images.1", ["https://cdn.example.com/a.jpg", "not a url"], None),
    ("images.1", ["https://cdn.example.com/a.jpg"] * 2, "This image is listed twice."),
    ("images.0", ["https://cdn.example.com/" + "a" * 1000], None),
    ("is_bestseller", "maybe", "Must be a valid boolean."),
    ("is_active", None, "This field may not be null."),
]


@pytest.mark.parametrize(("path", "value", "message"), INVALID_FIELDS)
def test_create_refuses_each_invalid_field_with_a_422_naming_it(staff_client, path, value, message):
    field = path.split(".")[0]

    response = staff_client.post(LIST_URL, valid_body(**{field: value}), format="json")

    assert_422(response, path, message)
    assert not Product.objects.exists()


def test_thirty_colors_are_accepted(staff_client):
    colors = [f"Shade {n}" for n in range(30)]

    response = staff_client.post(LIST_URL, valid_body(colors=colors), format="json")

    assert response.status_code == 201
    assert Product.objects.get().colors == colors


@pytest.mark.parametrize("field", ["colors", "sizes"])
def test_thousands_of_colors_or_sizes_are_refused_by_their_number_alone(staff_client, field):
    """10,000 equal entries: checked one by one, each but the first would be "listed twice"."""
    entries = ["Maroon"] * 10_000 if field == "colors" else ["M"] * 10_000

    response = staff_client.post(LIST_URL, valid_body(**{field: entries}), format="json")

    assert response.status_code == 422
    [message] = response.json()["errors"].pop(field)
    assert message.endswith("this list has 10000.")
    assert response.json()["errors"] == {}
    assert not Product.objects.exists()


def test_the_product_rules_refuse_an_oversized_list_before_reading_its_entries():
    product = ProductFactory.build(colors=["Maroon"] * 10_000, sizes=["Q"] * 10_000)

    with pytest.raises(ValidationError) as refused:
        product.full_clean()

    assert refused.value.message_dict == {
        "sizes": [
            "A product has at most 5 sizes (S, M, L, XL, XXL), each once; this list has 10000."
        ],
        "colors": ["A product can have at most 30 colors; this list has 10000."],
    }


@pytest.mark.parametrize(
    "field", ["name", "category", "regular_price", "description", "sizes", "colors"]
)
def test_create_requires_the_product_fields(staff_client, field):
    body = valid_body()
    del body[field]

    response = staff_client.post(LIST_URL, body, format="json")

    assert_422(response, field, "This field is required.")


def test_create_refuses_an_inactive_category(staff_client):
    Category.objects.filter(slug="gharara").update(is_active=False)

    response = staff_client.post(LIST_URL, valid_body(category="Gharara"), format="json")

    assert_422(response, "category", 'There is no active category named "Gharara".')


def test_create_reports_every_invalid_field_at_once(staff_client):
    response = staff_client.post(
        LIST_URL, valid_body(name="ab", sizes=["Q"], sale_price=99999), format="json"
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "sizes.0", "sale_price"}


def test_a_price_of_zero_and_a_sale_of_zero_are_allowed(staff_client):
    response = staff_client.post(
        LIST_URL, valid_body(regular_price=0.01, sale_price=0), format="json"
    )

    assert response.status_code == 201, response.content
    assert (response.json()["effective_price"], response.json()["discount_percentage"]) == (
        0.0,
        100,
    )


def test_the_body_must_be_a_json_object(staff_client):
    response = staff_client.post(LIST_URL, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert not Product.objects.exists()


# --- read ------------------------------------------------------------------------


def test_detail_shows_any_product_active_or_not(staff_client):
    product = ProductFactory(is_active=False)
    ProductImageFactory(product=product)

    response = staff_client.get(detail_url(product))

    assert response.status_code == 200
    assert response.json() == product_json(product)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("product_id", ["not-a-uuid", "12345", str(uuid.uuid4())])
def test_unknown_or_malformed_ids_are_404(staff_client, method, product_id):
    call = getattr(staff_client, method)

    for url in (f"/api/admin/products/{product_id}", f"/api/admin/products/{product_id}/"):
        response = call(url, {"name": "New name"}, format="json")
        assert response.status_code == 404, (url, response.content)
        assert response.json() == {"detail": "Product not found."}


def test_permanent_delete_and_upload_of_a_malformed_id_are_404(staff_client, owner_client):
    assert owner_client.delete("/api/admin/products/xyz/permanent").status_code == 404
    assert staff_client.post("/api/admin/products/xyz/images", {}).status_code == 404


def test_list_includes_inactive_products_and_filters_by_is_active(staff_client):
    active = ProductFactory()
    hidden = ProductFactory(is_active=False)

    everything = staff_client.get(LIST_URL).json()
    only_active = staff_client.get(LIST_URL, {"is_active": "true"}).json()
    only_hidden = staff_client.get(LIST_URL, {"is_active": "FALSE"}).json()

    assert everything["total"] == 2
    assert [item["id"] for item in everything["items"]] == [str(hidden.pk), str(active.pk)]
    assert [item["id"] for item in only_active["items"]] == [str(active.pk)]
    assert [item["id"] for item in only_hidden["items"]] == [str(hidden.pk)]
    assert only_hidden["items"][0] == product_json(hidden)


def test_list_is_paginated_and_takes_the_public_filters(staff_client):
    gharara = Category.objects.get(slug="gharara")
    ProductFactory.create_batch(3, category=gharara, is_active=False)
    ProductFactory()

    response = staff_client.get(LIST_URL, {"category": "Gharara", "limit": 2, "page": 2})

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("total", "page", "limit", "total_pages")} == {
        "total": 3,
        "page": 2,
        "limit": 2,
        "total_pages": 2,
    }
    assert [item["category"] for item in body["items"]] == ["Gharara"]


def test_list_refuses_an_invalid_is_active(staff_client):
    assert_422(staff_client.get(LIST_URL, {"is_active": "maybe"}), "is_active")


def test_list_query_count_does_not_grow_with_the_page_size(staff_client, django_assert_num_queries):
    for product in ProductFactory.create_batch(6, is_active=False):
        ProductImageFactory.create_batch(2, product=product)

    for limit in (1, 50):
        with django_assert_num_queries(4):
            response = staff_client.get(LIST_URL, {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 6)


# --- update ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_changes_only_the_fields_sent(staff_client, method):
    product = ProductFactory(regular_price=Decimal("5000"), sale_price=Decimal("4500"))
    ProductImageFactory(product=product, url="https://cdn.example.com/keep.jpg")
    before = product_json(product)

    response = getattr(staff_client, method)(
        detail_url(product), {"name": "Renamed Lawn Suit", "colors": ["Teal"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == product_json(product)
    after = response.json()
    assert (after["name"], after["colors"]) == ("Renamed Lawn Suit", ["Teal"])
    unchanged = {key for key in before if key not in {"name", "colors", "updated_at"}}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert image_urls(product) == ["https://cdn.example.com/keep.jpg"]


def test_update_with_an_empty_body_changes_nothing(staff_client):
    product = ProductFactory()
    before = product_json(product)

    response = staff_client.put(detail_url(product), {}, format="json")

    assert response.status_code == 200
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_update_checks_a_new_sale_price_against_the_stored_regular_price(staff_client):
    product = ProductFactory(regular_price=Decimal("5000"))

    response = staff_client.patch(detail_url(product), {"sale_price": 5000}, format="json")

    assert_422(response, "sale_price", "Sale price must be below the regular price (5,000).")
    product.refresh_from_db()
    assert product.sale_price is None


def test_update_checks_a_new_regular_price_against_the_stored_sale_price(staff_client):
    product = ProductFactory(regular_price=Decimal("5000"), sale_price=Decimal("4000"))

    response = staff_client.put(detail_url(product), {"regular_price": 3999}, format="json")

    assert_422(response, "sale_price", "Sale price must be below the regular price (3,999).")
    product.refresh_from_db()
    assert product.regular_price == Decimal("5000")


def test_update_accepts_a_price_change_that_keeps_the_sale_below(staff_client):
    product = ProductFactory(regular_price=Decimal("5000"), sale_price=Decimal("4000"))

    response = staff_client.put(
        detail_url(product), {"regular_price": 8000, "sale_price": 6000}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["effective_price"], response.json()["discount_percentage"]) == (
        6000.0,
        25,
    )


def test_update_ends_a_sale_with_a_null_sale_price(staff_client):
    product = ProductFactory(regular_price=Decimal("5000"), sale_price=Decimal("4000"))

    response = staff_client.patch(detail_url(product), {"sale_price": None}, format="json")

    assert response.status_code == 200
    assert (response.json()["sale_price"], response.json()["effective_price"]) == (None, 5000.0)


@pytest.mark.parametrize(("path", "value", "message"), INVALID_FIELDS)
def test_update_refuses_each_invalid_field_with_a_422_naming_it(staff_client, path, value, message):
    product = ProductFactory(regular_price=Decimal("12500"))
    before = product_json(product)
    field = path.split(".")[0]

    response = staff_client.put(detail_url(product), {field: value}, format="json")

    assert_422(response, path, message)
    assert product_json(product) == before


def test_update_can_keep_a_category_that_was_since_deactivated(staff_client):
    gharara = Category.objects.get(slug="gharara")
    product = ProductFactory(category=gharara)
    Category.objects.filter(pk=gharara.pk).update(is_active=False)

    kept = staff_client.patch(
        detail_url(product), {"name": "Gharara Set", "category": "gharara"}, format="json"
    )
    moved_back = staff_client.patch(detail_url(ProductFactory()), {"category": "Gharara"})

    assert kept.status_code == 200, kept.content
    assert kept.json()["category"] == "Gharara"
    assert_422(moved_back, "category")


def test_update_images_replaces_the_list_reordering_and_removing(staff_client):
    product = ProductFactory()
    for name in ("a", "b", "c"):
        ProductImageFactory(product=product, url=f"https://cdn.example.com/{name}.jpg")
    kept_c = product.images.get(url="https://cdn.example.com/c.jpg")

    response = staff_client.patch(
        detail_url(product),
        {"images": ["https://cdn.example.com/c.jpg", "https://cdn.example.com/new.jpg"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["images"] == [
        "https://cdn.example.com/c.jpg",
        "https://cdn.example.com/new.jpg",
    ]
    assert list(product.images.values_list("pk", "position")) == [
        (kept_c.pk, 0),
        (product.images.get(url__endswith="new.jpg").pk, 1),
    ]


def test_update_with_an_empty_image_list_removes_every_image(staff_client):
    product = ProductFactory()
    ProductImageFactory.create_batch(2, product=product)

    response = staff_client.put(detail_url(product), {"images": []}, format="json")

    assert response.status_code == 200
    assert response.json()["images"] == []
    assert not ProductImage.objects.exists()


# --- soft delete, restore, permanent delete ---------------------------------------------


def test_soft_delete_hides_the_product_from_customers_only(staff_client, api_client):
    product = ProductFactory()

    response = staff_client.delete(detail_url(product))

    assert response.status_code == 204
    assert response.content == b""
    product.refresh_from_db()
    assert product.is_active is False
    assert api_client.get("/api/products").json()["items"] == []
    assert api_client.get(f"/api/products/{product.pk}").status_code == 404
    assert staff_client.get(detail_url(product)).json()["is_active"] is False


def test_is_active_true_restores_a_soft_deleted_product(staff_client, api_client):
    product = ProductFactory(is_active=False)

    response = staff_client.put(detail_url(product), {"is_active": True}, format="json")

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert [item["id"] for item in api_client.get("/api/products").json()["items"]] == [
        str(product.pk)
    ]
    assert api_client.get(f"/api/products/{product.pk}").status_code == 200


def test_permanent_delete_removes_the_product_and_keeps_orders_whole(staff_client, owner_client):
    product = ProductFactory(name="Silk Maxi Dress")
    ProductImageFactory.create_batch(2, product=product)
    other = ProductFactory()
    order = Order.objects.create(
        order_id="BQ-20261121-001",
        customer_name="Ayesha Khan",
        phone="0300-1234567",
        phone_digits="923001234567",
        whatsapp="0300-1234567",
        address="House 12, Street 4, Gulshan-e-Iqbal",
        city="Karachi",
        total_amount=Decimal("15000"),
        payment_method=PaymentMethod.EASYPAISA,
        order_date=timezone.localdate(),
    )
    snapshot = {
        "product_uuid": product.pk,
        "name": "Silk Maxi Dress",
        "size": "M",
        "color": "Maroon",
        "quantity": 3,
        "unit_price": Decimal("5000.00"),
        "line_total": Decimal("15000.00"),
        "image": "https://res.cloudinary.com/demo/image/upload/p1.jpg",
    }
    item = OrderItem.objects.create(order=order, product=product, **snapshot)

    response = owner_client.delete(f"{detail_url(product)}/permanent")

    assert response.status_code == 204
    assert list(Product.objects.all()) == [other]
    assert not ProductImage.objects.filter(product_id=product.pk).exists()
    item.refresh_from_db()
    assert item.product is None
    assert {field: getattr(item, field) for field in snapshot} == snapshot
    assert Order.objects.get().total_amount == Decimal("15000.00")
    assert staff_client.get(detail_url(product)).status_code == 404


def test_permanent_delete_also_removes_a_soft_deleted_product(owner_client):
    product = ProductFactory(is_active=False)

    assert owner_client.delete(f"{detail_url(product)}/permanent/").status_code == 204
    assert not Product.objects.exists()


def test_only_a_superuser_deletes_for_good_other_staff_get_403(staff_client):
    product = ProductFactory()

    response = staff_client.delete(f"{detail_url(product)}/permanent")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a superuser may do this."}
    assert Product.objects.filter(pk=product.pk).exists()


@pytest.fixture
def deleted_for_good_once_found(monkeypatch):
    """Each product the staff views find is then deleted for good before they go on:
    a superuser's permanent delete landing in the middle of the request."""
    find = StaffProductView.get_product

    def find_then_lose(view, queryset=None):
        product = find(view, queryset)
        services.delete_product(product=product)
        return product

    monkeypatch.setattr(StaffProductView, "get_product", find_then_lose)


@pytest.mark.parametrize(
    ("method", "suffix", "body", "body_format"),
    [
        ("put", "", {"name": "Renamed dress"}, "json"),
        ("patch", "", {"sale_price": 100}, "json"),
        ("delete", "", None, "json"),
        ("delete", "/permanent", None, "json"),
        ("post", "/images", {"images": [upload("a.png", image_bytes("PNG"))]}, "multipart"),
    ],
)
def test_a_product_deleted_for_good_during_a_change_is_a_404(
    owner_client, deleted_for_good_once_found, method, suffix, body, body_format
):
    product = ProductFactory()

    response = getattr(owner_client, method)(
        f"{detail_url(product)}{suffix}", body, format=body_format
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Product not found."}
    assert not Product.objects.exists()
    assert stored_files() == []


def test_a_product_deleted_for_good_after_a_change_is_a_404(staff_client, monkeypatch):
    """The change committed, then the product went before the answer could read it back."""
    product = ProductFactory()
    change = services.update_product

    def change_then_lose(**kwargs):
        changed = change(**kwargs)
        services.delete_product(product=changed)
        return changed

    monkeypatch.setattr(services, "update_product", change_then_lose)

    response = staff_client.patch(detail_url(product), {"name": "Renamed dress"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Product not found."}
    assert not Product.objects.exists()


def test_a_malformed_id_is_404_even_with_a_bad_body(staff_client):
    response = staff_client.put("/api/admin/products/not-a-uuid", {"regular_price": "x"})

    assert response.status_code == 404


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "/{id}"),
        ("put", "/{id}"),
        ("patch", "/{id}"),
        ("delete", "/{id}"),
        ("delete", "/{id}/permanent"),
        ("post", "/{id}/images"),
    ],
)
def test_every_route_needs_a_staff_token(api_client, method, path):
    product = ProductFactory()

    response = getattr(api_client, method)(LIST_URL + path.format(id=product.pk))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Product.objects.get().is_active is True


def test_a_user_who_is_not_staff_is_refused(django_user_model):
    customer = django_user_model.objects.create_user(username="shopper", password="x-Sturdy-2026")
    product = ProductFactory()

    client = bearer_client(customer)

    assert client.post(LIST_URL, valid_body(), format="json").status_code == 403
    assert client.delete(detail_url(product)).status_code == 403
    assert Product.objects.count() == 1
    assert Product.objects.get().is_active is True


def test_create_and_update_take_json_only(staff_client):
    product = ProductFactory()

    created = staff_client.post(LIST_URL, {"name": "Form Dress"}, format="multipart")
    updated = staff_client.patch(detail_url(product), {"name": "Form Dress"}, format="multipart")

    assert (created.status_code, updated.status_code) == (415, 415)
    assert created.json()["detail"].startswith("Unsupported media type")
    assert Product.objects.get().name == product.name
