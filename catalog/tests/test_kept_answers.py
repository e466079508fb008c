"""The public catalog's answers are kept until the catalog changes (beautique.httpcache):
a repeated read costs no query, and every kind of staff change is visible on the next
read, whichever door it came through."""

import pytest
from django.core.cache import cache

from beautique import cache as failover
from beautique import httpcache
from catalog.models import Category, Product
from catalog.tests.factories import ProductFactory, UploadedProductImageFactory
from catalog.tests.images import image_bytes, upload
from catalog.tests.test_admin import PRODUCTS_URL, product_form, run_action

pytestmark = pytest.mark.django_db

LIST = "/api/products?page=1&limit=12"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("url", "first_queries"),
    [
        # The first read is computed (test_public_catalog counts each); the second is not.
        (LIST, 3),
        ("/api/products?category=maxi&min_price=1000&max_price=9000", 3),
        ("/api/products/bestsellers?limit=8", 2),
        ("/api/categories", 1),
    ],
)
def test_a_repeated_read_is_answered_without_a_query(
    api_client, url, first_queries, django_assert_num_queries
):
    ProductFactory(is_bestseller=True)
    with django_assert_num_queries(first_queries):
        first = api_client.get(url)

    with django_assert_num_queries(0):
        second = api_client.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_the_detail_is_kept_too(api_client, django_assert_num_queries):
    product = ProductFactory()
    url = f"/api/products/{product.pk}"
    first = api_client.get(url)

    with django_assert_num_queries(0):
        second = api_client.get(url)

    assert second.json() == first.json()


def test_the_order_of_query_parameters_does_not_matter(api_client, django_assert_num_queries):
    ProductFactory()
    api_client.get("/api/products?page=1&limit=12")

    with django_assert_num_queries(0):
        response = api_client.get("/api/products?limit=12&page=1")

    assert response.status_code == 200


def test_a_matching_if_none_match_is_a_304_without_a_body(api_client, django_assert_num_queries):
    ProductFactory()
    etag = api_client.get(LIST)["ETag"]

    with django_assert_num_queries(0):
        response = api_client.get(LIST, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert api_client.get(LIST, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_browsers_and_cdns_are_told_to_revalidate(api_client):
    ProductFactory()

    response = api_client.get(LIST)

    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"].startswith('"')


def test_errors_are_not_kept(api_client):
    first = api_client.get("/api/products?min_price=9&max_price=1")
    second = api_client.get("/api/products?min_price=9&max_price=1")

    assert first.status_code == second.status_code == 422
    assert "ETag" not in second


def test_each_host_gets_links_to_itself(api_client):
    UploadedProductImageFactory(product=ProductFactory())
    first = api_client.get(LIST).json()["items"][0]["images"][0]

    second = api_client.get(LIST, HTTP_HOST="localhost").json()["items"][0]["images"][0]

    assert first.startswith("http://testserver/media/")
    assert second.startswith("http://localhost/media/")


def test_a_change_through_the_staff_api_shows_on_the_next_read(api_client, staff_client, committed):
    product = ProductFactory(name="Old Name")
    assert names(api_client.get(LIST)) == ["Old Name"]

    committed(lambda: staff_client.patch(f"/api/admin/products/{product.pk}", {"name": "New Name"}))

    assert names(api_client.get(LIST)) == ["New Name"]


def test_an_uploaded_picture_shows_on_the_next_read(api_client, staff_client, committed):
    product = ProductFactory()
    assert api_client.get(f"/api/products/{product.pk}").json()["images"] == []

    response = committed(
        lambda: staff_client.post(
            f"/api/admin/products/{product.pk}/images",
            {"images": [upload("a.png", image_bytes("PNG"))]},
            format="multipart",
        )
    )

    assert response.status_code == 201
    assert len(api_client.get(f"/api/products/{product.pk}").json()["images"]) == 1


def test_a_django_admin_form_change_shows_on_the_next_read(
    api_client, store_staff_client, committed
):
    product = ProductFactory(name="Old Name")
    assert names(api_client.get(LIST)) == ["Old Name"]

    response = committed(
        lambda: store_staff_client.post(
            f"{PRODUCTS_URL}{product.pk}/change/", product_form(product, name="Renamed Maxi")
        )
    )

    assert response.status_code == 302
    assert names(api_client.get(LIST)) == ["Renamed Maxi"]


def test_a_django_admin_action_shows_on_the_next_read(api_client, store_staff_client, committed):
    products = ProductFactory.create_batch(2)
    assert api_client.get("/api/products/bestsellers").json()["products"] == []

    committed(lambda: run_action(store_staff_client, "mark_bestseller", products))

    assert len(api_client.get("/api/products/bestsellers").json()["products"]) == 2


def test_a_category_change_shows_on_the_next_read(api_client, committed):
    ProductFactory()
    assert api_client.get(LIST).json()["total"] == 1

    maxi = Category.objects.get(slug="maxi")
    maxi.is_active = False
    committed(maxi.save)

    assert api_client.get(LIST).json()["total"] == 0


def test_a_bulk_delete_shows_on_the_next_read(api_client, committed):
    ProductFactory.create_batch(3)
    assert api_client.get(LIST).json()["total"] == 3

    committed(lambda: Product.objects.all().delete())

    assert api_client.get(LIST).json()["total"] == 0


def test_another_process_sees_the_change_on_its_next_read(api_client, staff_client, committed):
    """Another worker or server shares the shared cache, not this process's memory."""
    product = ProductFactory(name="Old Name")
    api_client.get(LIST)
    committed(lambda: staff_client.patch(f"/api/admin/products/{product.pk}", {"name": "New Name"}))

    httpcache.local_entries.clear()

    assert names(api_client.get(LIST)) == ["New Name"]


def test_a_refused_change_retires_nothing(
    api_client, staff_client, committed, django_assert_num_queries
):
    product = ProductFactory()
    api_client.get(LIST)

    refused = committed(
        lambda: staff_client.patch(f"/api/admin/products/{product.pk}", {"regular_price": -1})
    )

    assert refused.status_code == 422

    with django_assert_num_queries(0):
        api_client.get(LIST)


def test_with_the_shared_cache_unreachable_answers_are_computed_afresh(
    api_client, settings, committed, django_assert_num_queries
):
    ProductFactory(name="Old Name")
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    failover._outages.clear()
    try:
        # Both reads are computed: count, page with categories, images of the page.
        with django_assert_num_queries(3):
            first = api_client.get(LIST)
        Product.objects.update(name="New Name")
        with django_assert_num_queries(3):
            second = api_client.get(LIST)
    finally:
        failover._outages.clear()

    assert first.status_code == second.status_code == 200
    assert names(second) == ["New Name"]


def test_a_bump_that_failed_is_retried_when_the_cache_is_back(api_client, monkeypatch):
    ProductFactory(name="Old Name")
    api_client.get(LIST)
    version = cache.get("httpcache:version:catalog")
    monkeypatch.setattr(httpcache, "_pending_bumps", {"catalog"})

    api_client.get(LIST)

    assert cache.get("httpcache:version:catalog") != version


@pytest.mark.parametrize("url", [LIST, "/api/categories", "/api/products/bestsellers?limit=8"])
def test_public_catalog_answers_may_be_replayed_by_the_server_while_their_version_holds(
    api_client, url
):
    ProductFactory(is_bestseller=True)

    for response in (api_client.get(url), api_client.get(url)):  # computed, then kept
        assert response.replay == httpcache.Replayable(
            "catalog", httpcache.current_version("catalog")
        )
    assert api_client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert getattr(api_client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]), "replay", None) is None
