"""The public catalog API (docs/api.md, "Catalog"): products, bestsellers, categories."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from catalog.models import Category, Product
from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    UploadedProductImageFactory,
)

pytestmark = pytest.mark.django_db

BASE_TIME = datetime(2026, 11, 20, 5, 15, tzinfo=UTC)


def aged(product: Product, minutes: int) -> Product:
    """Pretend `product` was created `minutes` after BASE_TIME (larger = newer)."""
    moment = BASE_TIME + timedelta(minutes=minutes)
    Product.objects.filter(pk=product.pk).update(created_at=moment, updated_at=moment)
    product.refresh_from_db()
    return product


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def validation_error(field: str, message: str) -> dict:
    return {"detail": f"{field}: {message}", "errors": {field: [message]}}


# --- the product object ---------------------------------------------------------------


def test_product_object_has_the_contract_shape(api_client):
    category = Category.objects.get(slug="lehanga-choli")
    product = ProductFactory(
        name="Silk Maxi Dress",
        category=category,
        regular_price=Decimal("12500.00"),
        sale_price=Decimal("10000.00"),
        description="Flowing pure silk maxi with gota work.",
        sizes=["S", "M", "L"],
        colors=["Maroon"],
        is_bestseller=True,
    )
    uploaded = UploadedProductImageFactory(product=product, position=0)
    ProductImageFactory(product=product, position=2, url="https://res.cloudinary.com/x/c.jpg")
    ProductImageFactory(product=product, position=1, url="https://res.cloudinary.com/x/b.jpg")
    aged(product, 0)

    response = api_client.get(f"/api/products/{product.pk}")

    assert response.status_code == 200
    assert uploaded.image.url.startswith("/media/products/")
    assert response.json() == {
        "id": str(product.pk),
        "name": "Silk Maxi Dress",
        "category": "Lehanga Choli",
        "category_slug": "lehanga-choli",
        "regular_price": 12500.0,
        "sale_price": 10000.0,
        "effective_price": 10000.0,
        "discount_percentage": 20,
        "description": "Flowing pure silk maxi with gota work.",
        "images": [
            f"http://testserver{uploaded.image.url}",
            "https://res.cloudinary.com/x/b.jpg",
            "https://res.cloudinary.com/x/c.jpg",
        ],
        "sizes": ["S", "M", "L"],
        "colors": ["Maroon"],
        "is_bestseller": True,
        "is_active": True,
        "created_at": "2026-11-20T10:15:00+05:00",
        "updated_at": "2026-11-20T10:15:00+05:00",
    }


def test_prices_are_json_numbers_and_no_sale_means_nulls(api_client):
    ProductFactory(regular_price=Decimal("4999.50"), sale_price=None)

    response = api_client.get("/api/products")

    assert b'"regular_price":4999.5,' in response.content
    item = response.json()["items"][0]
    assert (item["sale_price"], item["effective_price"], item["discount_percentage"]) == (
        None,
        4999.5,
        None,
    )
    assert item["images"] == []


def test_discount_percentage_is_rounded_half_up(api_client):
    ProductFactory(regular_price=Decimal("200.00"), sale_price=Decimal("199.00"))
    ProductFactory(regular_price=Decimal("3000.00"), sale_price=Decimal("1999.00"))

    response = api_client.get("/api/products?ordering=price")

    assert [item["discount_percentage"] for item in response.json()["items"]] == [1, 33]


# --- GET /api/products ---------------------------------------------------------------


def test_list_shows_active_products_newest_first_in_the_page_envelope(api_client):
    aged(ProductFactory(name="Old"), 1)
    aged(ProductFactory(name="Newest"), 3)
    aged(ProductFactory(name="Hidden", is_active=False), 4)
    aged(ProductFactory(name="Middle"), 2)

    response = api_client.get("/api/products")

    assert response.status_code == 200
    body = response.json()
    assert [item["name"] for item in body.pop("items")] == ["Newest", "Middle", "Old"]
    assert body == {"total": 3, "page": 1, "limit": 20, "total_pages": 1}


def test_empty_catalog_is_one_empty_page(api_client):
    response = api_client.get("/api/products")

    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "page": 1, "limit": 20, "total_pages": 1}


def test_public_views_ignore_any_authorization_header(api_client):
    ProductFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get("/api/products").status_code == 200
    assert api_client.get("/api/products/bestsellers").status_code == 200
    assert api_client.get("/api/categories").status_code == 200


@pytest.mark.parametrize(
    "value", ["Lehanga Choli", "lehanga choli", "LEHANGA-CHOLI", "lehanga-choli"]
)
def test_category_filter_takes_name_or_slug_in_any_case(api_client, value):
    ProductFactory(name="Bridal", category=Category.objects.get(slug="lehanga-choli"))
    ProductFactory(name="Everyday", category=Category.objects.get(slug="maxi"))

    response = api_client.get("/api/products", {"category": value})

    assert names(response) == ["Bridal"]


def test_unknown_category_gives_an_empty_list(api_client):
    ProductFactory()

    response = api_client.get("/api/products?category=Sarees")

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == 0


def test_search_matches_name_or_description_in_any_case_name_first(api_client):
    aged(ProductFactory(name="Chiffon Maxi", description="Light and airy for summer."), 1)
    aged(ProductFactory(name="Velvet Shawl Suit", description="Heavy CHIFFON dupatta."), 2)
    aged(ProductFactory(name="Lawn Suit", description="Printed lawn for every day."), 3)

    assert names(api_client.get("/api/products?search=chiffon")) == [
        "Chiffon Maxi",
        "Velvet Shawl Suit",
    ]
    assert names(api_client.get("/api/products?search=EVERY%20DAY")) == ["Lawn Suit"]
    assert names(api_client.get("/api/products?search=organza")) == []


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_search_is_no_filter(api_client, blank):
    ProductFactory()
    ProductFactory()

    response = api_client.get("/api/products", {"search": blank})

    assert response.json()["total"] == 2


@pytest.fixture
def priced_products():
    """Effective prices 1000 (on sale from 9000), 5000, 8000."""
    aged(ProductFactory(name="Sale", regular_price=9000, sale_price=1000), 1)
    aged(ProductFactory(name="Five", regular_price=5000), 2)
    aged(ProductFactory(name="Eight", regular_price=8000), 3)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_price=5000", ["Eight", "Five"]),
        ("max_price=5000", ["Five", "Sale"]),
        ("min_price=1000&max_price=1000", ["Sale"]),
        ("minPrice=5000.00", ["Eight", "Five"]),
        ("maxPrice=4999.99", ["Sale"]),
        ("minPrice=2000&maxPrice=8000", ["Eight", "Five"]),
        ("min_price=8000.01", []),
        ("min_price=-5&max_price=1e30", ["Eight", "Five", "Sale"]),
        ("min_price=1e30", []),
        ("min_price=1e60", []),
        ("min_price=999.999&max_price=1000.001", ["Sale"]),
        ("min_price=1000.001", ["Eight", "Five"]),
        ("max_price=999.999", []),
        ("min_price=1e-999999", ["Eight", "Five", "Sale"]),
        ("min_price=-1e999999&maxPrice=1e999999", ["Eight", "Five", "Sale"]),
        ("max_price=-1e-999999", []),
    ],
)
def test_price_bounds_are_inclusive_on_the_effective_price(
    api_client, priced_products, query, expected
):
    response = api_client.get(f"/api/products?{query}")

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "min_price=6000&max_price=5000",
            "min_price",
            "min_price must not be greater than max_price.",
        ),
        ("minPrice=6000&maxPrice=5000", "minPrice", "minPrice must not be greater than maxPrice."),
        (
            "min_price=6000&maxPrice=5000",
            "min_price",
            "min_price must not be greater than maxPrice.",
        ),
        ("min_price=cheap", "min_price", "Enter a number."),
        ("maxPrice=12k", "maxPrice", "Enter a number."),
        ("max_price=NaN", "max_price", "Enter a number."),
    ],
)
def test_bad_price_bounds_are_422(api_client, query, field, message):
    response = api_client.get(f"/api/products?{query}")

    assert response.status_code == 422
    assert response.json() == validation_error(field, message)


@pytest.mark.parametrize("value", ["M", "m", " xl "])
def test_size_filter_in_any_case(api_client, value):
    aged(ProductFactory(name="Small only", sizes=["S"]), 1)
    aged(ProductFactory(name="Medium up", sizes=["M", "L", "XL"]), 2)
    aged(ProductFactory(name="All", sizes=["S", "M", "L", "XL", "XXL"]), 3)

    response = api_client.get("/api/products", {"size": value})

    assert names(response) == ["All", "Medium up"]


def test_size_filter_does_not_match_a_longer_size(api_client):
    ProductFactory(sizes=["XXL"])

    assert names(api_client.get("/api/products?size=XL")) == []


def test_unknown_size_is_422(api_client):
    response = api_client.get("/api/products?size=XXXL")

    assert response.status_code == 422
    assert response.json() == validation_error(
        "size", "Select a valid choice. XXXL is not one of the available choices."
    )


@pytest.mark.parametrize("value", ["sky blue", "SKY BLUE", "Sky Blue"])
def test_color_filter_is_case_insensitive(api_client, value):
    aged(ProductFactory(name="Blue", colors=["Sky Blue", "White"]), 1)
    aged(ProductFactory(name="Red", colors=["Maroon"]), 2)

    response = api_client.get("/api/products", {"color": value})

    assert names(response) == ["Blue"]


def test_color_filter_matches_whole_colors_only(api_client):
    ProductFactory(colors=["Sky Blue"])

    assert names(api_client.get("/api/products?color=blue")) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", ["Star"]), ("TRUE", ["Star"]), ("false", ["Plain"]), ("", ["Plain", "Star"])],
)
def test_bestseller_filter(api_client, value, expected):
    aged(ProductFactory(name="Star", is_bestseller=True), 1)
    aged(ProductFactory(name="Plain"), 2)

    assert names(api_client.get("/api/products", {"is_bestseller": value})) == expected


@pytest.mark.parametrize("value", ["yes", "1", "maybe"])
def test_bestseller_filter_rejects_anything_but_true_or_false(api_client, value):
    response = api_client.get("/api/products", {"is_bestseller": value})

    assert response.status_code == 422
    assert response.json() == validation_error("is_bestseller", "Must be true or false.")


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Cotton", "Anarkali", "Brocade"]),
        ("newest", ["Cotton", "Anarkali", "Brocade"]),
        ("price", ["Anarkali", "Cotton", "Brocade"]),
        ("-price", ["Brocade", "Cotton", "Anarkali"]),
        ("name", ["Anarkali", "Brocade", "Cotton"]),
        ("-name", ["Cotton", "Brocade", "Anarkali"]),
    ],
)
def test_ordering(api_client, ordering, expected):
    aged(ProductFactory(name="Brocade", regular_price=9000), 1)
    aged(ProductFactory(name="Anarkali", regular_price=8000, sale_price=2000), 2)
    aged(ProductFactory(name="Cotton", regular_price=3000), 3)

    params = {"ordering": ordering} if ordering else {}
    assert names(api_client.get("/api/products", params)) == expected


def test_unknown_ordering_is_422(api_client):
    response = api_client.get("/api/products?ordering=-created_at")

    assert response.status_code == 422
    assert response.json() == validation_error(
        "ordering", "Select a valid choice. -created_at is not one of the available choices."
    )


def test_filters_combine(api_client):
    gharara = Category.objects.get(slug="gharara")
    match = {"category": gharara, "sizes": ["M", "L"], "colors": ["Gold"], "is_bestseller": True}
    aged(ProductFactory(name="Cheap match", regular_price=7000, **match), 1)
    aged(ProductFactory(name="Dear match", regular_price=20000, sale_price=15000, **match), 2)
    aged(ProductFactory(name="Too dear", regular_price=40000, **match), 3)
    aged(ProductFactory(name="Wrong size", **{**match, "sizes": ["S"]}), 4)
    aged(ProductFactory(name="Wrong color", **{**match, "colors": ["Black"]}), 5)
    aged(ProductFactory(name="Not bestseller", **{**match, "is_bestseller": False}), 6)
    aged(
        ProductFactory(
            name="Other category", **{**match, "category": Category.objects.get(slug="maxi")}
        ),
        7,
    )
    aged(ProductFactory(name="Inactive match", is_active=False, **match), 8)

    response = api_client.get(
        "/api/products?category=GHARARA&size=m&color=gold&is_bestseller=true"
        "&minPrice=5000&max_price=15000&ordering=-price&search=match"
    )

    assert names(response) == ["Dear match", "Cheap match"]
    assert response.json()["total"] == 2


# --- pagination -------------------------------------------------------------------------


def test_pages_split_the_list(api_client):
    for minutes in range(5):
        aged(ProductFactory(name=f"P{minutes}"), minutes)

    response = api_client.get("/api/products?page=2&limit=2")

    body = response.json()
    assert [item["name"] for item in body.pop("items")] == ["P2", "P1"]
    assert body == {"total": 5, "page": 2, "limit": 2, "total_pages": 3}


def test_page_past_the_end_is_an_empty_page(api_client):
    ProductFactory()

    response = api_client.get("/api/products?page=3&limit=1")

    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 1, "page": 3, "limit": 1, "total_pages": 1}


def test_limit_above_the_maximum_is_clamped(api_client):
    ProductFactory()

    response = api_client.get("/api/products?limit=500")

    assert response.json()["limit"] == 100


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page=-1", "page"), ("limit=abc", "limit"), ("limit=0", "limit")],
)
def test_page_and_limit_must_be_positive_integers(api_client, query, field):
    response = api_client.get(f"/api/products?{query}")

    assert response.status_code == 422
    assert response.json() == validation_error(field, f"{field} must be a positive integer.")


@pytest.mark.parametrize("ordering", ["newest", "price", "-price", "name", "-name"])
def test_pages_never_overlap_when_sort_keys_tie(api_client, ordering):
    products = [ProductFactory(name="Same", regular_price=5000) for _ in range(7)]
    Product.objects.update(created_at=BASE_TIME)

    seen = []
    for page in range(1, 5):
        response = api_client.get("/api/products", {"ordering": ordering, "page": page, "limit": 2})
        seen += [item["id"] for item in response.json()["items"]]

    # Ties are broken by id, so every page is reproducible and none repeats a product.
    assert seen == sorted((str(product.pk) for product in products), reverse=True)


def test_list_query_count_does_not_grow_with_the_page(api_client, django_assert_num_queries):
    categories = list(Category.objects.all())
    for index in range(60):
        product = ProductFactory(category=categories[index % len(categories)], is_bestseller=True)
        ProductImageFactory.create_batch(2, product=product)

    # The count, the page with its categories, the page's images: for 1 product as for 50.
    with django_assert_num_queries(3):
        assert api_client.get("/api/products?limit=1").status_code == 200
    with django_assert_num_queries(3):
        assert api_client.get("/api/products?limit=50").status_code == 200


def test_bestsellers_query_count_does_not_grow_with_the_limit(
    api_client, django_assert_num_queries
):
    for _ in range(60):
        ProductImageFactory.create_batch(2, product=ProductFactory(is_bestseller=True))

    # The products with their categories, their images: for 1 product as for 50.
    with django_assert_num_queries(2):
        assert api_client.get("/api/products/bestsellers?limit=1").status_code == 200
    with django_assert_num_queries(2):
        assert api_client.get("/api/products/bestsellers?limit=50").status_code == 200


# --- GET /api/products/{id} ---------------------------------------------------------


def test_detail_answers_one_active_product_in_two_queries(api_client, django_assert_num_queries):
    product = ProductFactory(name="Teal Gharara")
    ProductImageFactory.create_batch(3, product=product)

    with django_assert_num_queries(2):
        response = api_client.get(f"/api/products/{product.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "Teal Gharara"
    assert len(response.json()["images"]) == 3


@pytest.mark.parametrize("kind", ["inactive", "unknown", "malformed", "uppercase-garbage"])
def test_detail_of_a_missing_product_is_404(api_client, kind):
    inactive = ProductFactory(is_active=False)
    product_id = {
        "inactive": str(inactive.pk),
        "unknown": str(uuid.uuid4()),
        "malformed": "not-a-uuid",
        "uppercase-garbage": "ZZZZ0000-0000-0000-0000-000000000000",
    }[kind]

    response = api_client.get(f"/api/products/{product_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Product not found."}


# --- GET /api/products/bestsellers -------------------------------------------------------


def test_bestsellers_are_active_bestsellers_newest_first(api_client):
    for minutes in range(10):
        aged(ProductFactory(name=f"Star {minutes}", is_bestseller=True), minutes)
    aged(ProductFactory(name="Hidden star", is_bestseller=True, is_active=False), 20)
    aged(ProductFactory(name="Plain", is_bestseller=False), 21)

    response = api_client.get("/api/products/bestsellers")

    assert response.status_code == 200
    assert list(response.json()) == ["products"]
    assert [item["name"] for item in response.json()["products"]] == [
        f"Star {minutes}" for minutes in range(9, 1, -1)
    ]


def test_bestsellers_limit(api_client):
    for minutes in range(3):
        aged(ProductFactory(name=f"Star {minutes}", is_bestseller=True), minutes)

    one = api_client.get("/api/products/bestsellers?limit=1").json()["products"]
    fifty = api_client.get("/api/products/bestsellers?limit=50").json()["products"]

    assert [item["name"] for item in one] == ["Star 2"]
    assert len(fifty) == 3
    assert fifty[0] == api_client.get(f"/api/products/{fifty[0]['id']}").json()


def test_no_bestsellers_is_an_empty_list(api_client):
    ProductFactory(is_bestseller=False)

    assert api_client.get("/api/products/bestsellers").json() == {"products": []}


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("51", "Ensure this value is less than or equal to 50."),
        ("eight", "A valid integer is required."),
        ("2.5", "A valid integer is required."),
    ],
)
def test_bestsellers_limit_out_of_range_is_422(api_client, limit, message):
    response = api_client.get("/api/products/bestsellers", {"limit": limit})

    assert response.status_code == 422
    assert response.json() == validation_error("limit", message)


# --- GET /api/categories -----------------------------------------------------------------


def test_categories_in_store_order_with_active_product_counts_in_one_query(
    api_client, django_assert_num_queries
):
    maxi = Category.objects.get(slug="maxi")
    gharara = Category.objects.get(slug="gharara")
    ProductFactory.create_batch(3, category=maxi)
    ProductFactory(category=maxi, is_active=False)
    ProductFactory(category=gharara)
    CategoryFactory(name="Sarees", slug="sarees", position=2)
    CategoryFactory(name="Angrakha", slug="angrakha", position=2)
    retired = CategoryFactory(name="Retired", slug="retired", position=0, is_active=False)
    ProductFactory(category=retired)

    with django_assert_num_queries(1):
        response = api_client.get("/api/categories")

    assert response.status_code == 200
    assert response.json() == {
        "categories": [
            {"value": "Maxi", "label": "Maxi", "slug": "maxi", "count": 3},
            {"value": "Angrakha", "label": "Angrakha", "slug": "angrakha", "count": 0},
            {
                "value": "Lehanga Choli",
                "label": "Lehanga Choli",
                "slug": "lehanga-choli",
                "count": 0,
            },
            {"value": "Sarees", "label": "Sarees", "slug": "sarees", "count": 0},
            {"value": "Long Shirt", "label": "Long Shirt", "slug": "long-shirt", "count": 0},
            {
                "value": "Shalwar Kameez",
                "label": "Shalwar Kameez",
                "slug": "shalwar-kameez",
                "count": 0,
            },
            {"value": "Gharara", "label": "Gharara", "slug": "gharara", "count": 1},
        ]
    }


# --- routing -----------------------------------------------------------------------------


def test_every_route_answers_with_and_without_a_trailing_slash(api_client):
    product = ProductFactory(is_bestseller=True)
    paths = [
        "/api/products",
        "/api/products/bestsellers",
        f"/api/products/{product.pk}",
        "/api/categories",
    ]

    for path in paths:
        for url in (path, f"{path}/"):
            response = api_client.get(url)
            assert response.status_code == 200, url
            assert "Location" not in response.headers, url


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_public_catalog_is_read_only(api_client, method):
    product = ProductFactory()

    for url in ("/api/products", f"/api/products/{product.pk}", "/api/categories"):
        response = getattr(api_client, method)(url, {}, format="json")
        assert response.status_code == 405, url
        assert set(response.json()) == {"detail"}
    assert Product.objects.count() == 1


def test_products_of_a_deactivated_category_disappear_from_the_storefront(api_client):
    retired = CategoryFactory(name="Retired", slug="retired", is_active=False)
    hidden = ProductFactory(category=retired, is_bestseller=True)
    shown = ProductFactory(is_bestseller=True)

    listed = api_client.get("/api/products").json()
    assert [item["id"] for item in listed["items"]] == [str(shown.pk)]
    assert api_client.get(f"/api/products/{hidden.pk}").status_code == 404
    bestsellers = api_client.get("/api/products/bestsellers").json()["products"]
    assert [item["id"] for item in bestsellers] == [str(shown.pk)]
    assert api_client.get("/api/products", {"category": "retired"}).json()["items"] == []
