"""Categories and products in the Django admin, as a logged-in store staff member (and a superuser)."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image

from catalog.models import Category, Product, ProductImage
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

PRODUCTS_URL = "/admin/catalog/product/"
CATEGORIES_URL = "/admin/catalog/category/"


def png(name: str = "dress.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (128, 0, 32)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def listed(response) -> list[str]:
    return [product.name for product in response.context["cl"].result_list]


def run_action(client, action: str, products: list[Product]):
    return client.post(
        PRODUCTS_URL,
        {"action": action, ACTION_CHECKBOX_NAME: [str(p.pk) for p in products], "index": 0},
    )


def product_form(
    product: Product | None = None, images: list[dict] | None = None, **fields
) -> dict:
    """The product page's form as a browser submits it: fields, then the picture rows."""
    existing = list(product.images.all()) if product else []
    data = {
        "name": product.name if product else "Silk Maxi Dress",
        "category": str(product.category_id if product else Category.objects.get(slug="maxi").pk),
        "description": product.description if product else "Flowing pure silk maxi with a dupatta.",
        "regular_price": str(product.regular_price) if product else "12500",
        "sale_price": str(product.sale_price or "") if product else "",
        "sizes": product.sizes if product else ["S", "M", "L"],
        "colors": ", ".join(product.colors) if product else "Maroon, Sky Blue",
        "is_active": "on",
    }
    if product and product.is_bestseller:
        data["is_bestseller"] = "on"
    rows = [
        {"id": str(image.pk), "url": image.url, "position": str(image.position)}
        for image in existing
    ] + (images or [])
    data.update(
        {
            "images-TOTAL_FORMS": str(len(rows)),
            "images-INITIAL_FORMS": str(len(existing)),
            "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "10",
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"images-{index}-{key}"] = value
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def image_errors(response) -> list[dict]:
    formset = response.context["inline_admin_formsets"][0].formset
    return [dict(form.errors) for form in formset.forms] + [{"__all__": formset.non_form_errors()}]


# Categories


def test_category_list_shows_position_active_and_product_counts(store_staff_client):
    maxi = Category.objects.get(slug="maxi")
    ProductFactory.create_batch(2, category=maxi)
    ProductFactory(category=maxi, is_active=False)

    response = store_staff_client.get(CATEGORIES_URL)

    assert response.status_code == 200
    # No action checkbox column: staff have no bulk action on categories.
    assert [header["text"] for header in response.context["result_headers"]] == [
        "name",
        "slug",
        "position",
        "is active",
        "Active products",
        "All products",
    ]
    rows = [
        (c.name, c.slug, c.position, c.is_active, c.active_product_count, c.product_count)
        for c in response.context["cl"].result_list
    ]
    assert rows == [
        ("Maxi", "maxi", 1, True, 2, 3),
        ("Lehanga Choli", "lehanga-choli", 2, True, 0, 0),
        ("Long Shirt", "long-shirt", 3, True, 0, 0),
        ("Shalwar Kameez", "shalwar-kameez", 4, True, 0, 0),
        ("Gharara", "gharara", 5, True, 0, 0),
    ]


def test_staff_add_a_category_with_its_slug_prepopulated_from_the_name(store_staff_client):
    page = store_staff_client.get(f"{CATEGORIES_URL}add/")
    assert page.status_code == 200
    assert [
        (field["field"].name, [dependency.name for dependency in field["dependencies"]])
        for field in page.context["prepopulated_fields"]
    ] == [("slug", ["name"])]

    response = store_staff_client.post(
        f"{CATEGORIES_URL}add/",
        {"name": "Kaftan", "slug": "kaftan", "position": "6", "is_active": "on"},
    )

    assert response.status_code == 302
    assert Category.objects.filter(name="Kaftan", slug="kaftan", position=6).exists()
    categories = store_staff_client.get("/api/categories").json()["categories"]
    assert categories[-1] == {"value": "Kaftan", "label": "Kaftan", "slug": "kaftan", "count": 0}


@pytest.mark.parametrize("name", ["maxi", "Maxi", "  MAXI "])
def test_category_names_are_unique_whatever_their_case(store_staff_client, name):
    """Said once, by the model's constraint, whether the case differs or not."""
    response = store_staff_client.post(
        f"{CATEGORIES_URL}add/", {"name": name, "slug": "maxi-2", "position": "9"}
    )

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": [
            "There is already a category with this name (names are compared ignoring case)."
        ]
    }


def test_staff_cannot_delete_categories(store_staff_client):
    category = Category.objects.get(slug="gharara")

    assert store_staff_client.get(f"{CATEGORIES_URL}{category.pk}/delete/").status_code == 403


# Product list


def test_product_list_shows_thumbnail_prices_flags_and_escapes_names(store_staff_client):
    product = ProductFactory(
        name="<script>alert(1)</script> Dress",
        regular_price=Decimal("12500.00"),
        sale_price=Decimal("9999.00"),
        is_bestseller=True,
    )
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/b.jpg", position=1)
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/a.jpg", position=0)
    ProductFactory(name="No Picture Suit")

    response = store_staff_client.get(PRODUCTS_URL)

    assert response.status_code == 200
    assert [header["text"] for header in response.context["result_headers"]][1:] == [
        "Picture",
        "name",
        "category",
        "Regular price",
        "Sale price",
        "Bestseller",
        "Active",
        "updated at",
    ]
    html = response.content.decode()
    assert (
        '<img class="thumb" src="https://res.cloudinary.com/demo/a.jpg" alt="" loading="lazy">'
        in html
    )
    assert '<span class="thumb-none"></span>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Dress" in html
    assert "<script>alert(1)</script>" not in html
    assert '<td class="field-regular">12,500</td>' in html
    assert '<td class="field-sale">9,999</td>' in html
    assert '<td class="field-sale">-</td>' in html
    assert (
        '<td class="field-bestseller"><img src="/static/admin/img/icon-yes.svg" alt="True"></td>'
        in html
    )


def test_product_list_query_count_does_not_grow_with_the_products(
    store_staff_client, django_assert_num_queries
):
    ProductImageFactory()
    with django_assert_num_queries(9):
        assert store_staff_client.get(PRODUCTS_URL).status_code == 200
    for product in ProductFactory.create_batch(20):
        ProductImageFactory.create_batch(2, product=product)
    with django_assert_num_queries(9):
        assert store_staff_client.get(PRODUCTS_URL).status_code == 200


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"on_sale": "yes"}, ["Sale Dress"]),
        ({"on_sale": "no"}, ["Hidden Suit", "Bestseller Gharara"]),
        ({"is_bestseller__exact": "1"}, ["Bestseller Gharara"]),
        ({"is_active__exact": "0"}, ["Hidden Suit"]),
        ({"category__id__exact": "gharara"}, ["Bestseller Gharara"]),
        ({"q": "chiffon"}, ["Sale Dress"]),
        ({"q": "hidden"}, ["Hidden Suit"]),
    ],
)
def test_product_filters_and_search(store_staff_client, query, found):
    gharara = Category.objects.get(slug="gharara")
    ProductFactory(name="Bestseller Gharara", category=gharara, is_bestseller=True)
    ProductFactory(name="Hidden Suit", is_active=False)
    ProductFactory(
        name="Sale Dress",
        sale_price=Decimal("4000.00"),
        description="Light chiffon for summer days.",
    )
    if "category__id__exact" in query:
        query = {"category__id__exact": str(gharara.pk)}

    assert sorted(listed(store_staff_client.get(PRODUCTS_URL, query))) == sorted(found)


# Product form


def test_staff_create_a_product_with_an_uploaded_picture_and_an_external_one(
    store_staff_client, api_client
):
    response = store_staff_client.post(
        f"{PRODUCTS_URL}add/",
        product_form(
            images=[
                {"image": png("my holiday photo.png"), "position": "0"},
                {"url": "https://res.cloudinary.com/demo/back.jpg", "position": "1"},
            ],
            sizes=["M", "XL"],
            colors=" Maroon ,Sky Blue, ",
            is_bestseller="on",
        ),
    )

    assert response.status_code == 302
    product = Product.objects.get(name="Silk Maxi Dress")
    assert product.sizes == ["M", "XL"]
    assert product.colors == ["Maroon", "Sky Blue"]
    assert product.is_bestseller is True
    assert product.regular_price == Decimal("12500.00")
    assert product.sale_price is None
    uploaded, external = product.images.order_by("position")
    # Stored like an API upload: a random name with the extension the content proved.
    assert uploaded.image.name.startswith("products/")
    assert uploaded.image.name.endswith(".png")
    assert "holiday" not in uploaded.image.name
    assert default_storage.exists(uploaded.image.name)
    assert external.url == "https://res.cloudinary.com/demo/back.jpg"

    listed_products = api_client.get("/api/products").json()["items"]
    assert [(p["name"], p["sizes"], p["colors"], p["images"]) for p in listed_products] == [
        (
            "Silk Maxi Dress",
            ["M", "XL"],
            ["Maroon", "Sky Blue"],
            [f"http://testserver/media/{uploaded.image.name}", external.url],
        )
    ]


def test_the_product_page_shows_sizes_as_checkboxes_and_colors_as_one_line(store_staff_client):
    product = ProductFactory(sizes=["S", "XL"], colors=["Maroon", "Sky Blue"])
    ProductImageFactory(product=product, url="https://res.cloudinary.com/demo/a.jpg")

    response = store_staff_client.get(f"{PRODUCTS_URL}{product.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    for index, size in enumerate(["S", "M", "L", "XL", "XXL"]):
        checked = " checked" if size in ("S", "XL") else ""
        assert (
            f'<input type="checkbox" name="sizes" value="{size}" id="id_sizes_{index}"{checked}>'
            in html
        )
    assert 'name="colors" value="Maroon, Sky Blue"' in html
    assert 'class="thumb-large" src="https://res.cloudinary.com/demo/a.jpg"' in html


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"sale_price": "12500"},
            {"sale_price": ["Sale price must be below the regular price (12,500)."]},
        ),
        (
            {"regular_price": "2000000"},
            {"regular_price": ["Regular price must be between 0 and 1,000,000."]},
        ),
        ({"sizes": []}, {"sizes": ["Choose at least one size from S, M, L, XL, XXL."]}),
        ({"colors": " , "}, {"colors": ["Add at least one color."]}),
        ({"colors": "Maroon, maroon"}, {"colors": ["maroon is listed twice."]}),
        ({"colors": "x" * 51}, {"colors": ["A color can have at most 50 characters."]}),
        (
            {"colors": ", ".join(f"Shade {n}" for n in range(31))},
            {"colors": ["A product can have at most 30 colors; this list has 31."]},
        ),
        ({"name": "AB"}, {"name": ["Name must be 3-255 characters (it has 2)."]}),
        (
            {"description": "Too short"},
            {"description": ["Description must be 10-2000 characters (it has 9)."]},
        ),
    ],
)
def test_product_form_explains_each_rule_in_plain_words(store_staff_client, fields, errors):
    response = store_staff_client.post(f"{PRODUCTS_URL}add/", product_form(**fields))

    assert response.status_code == 200
    assert form_errors(response) == errors
    assert not Product.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_with_the_api_message(store_staff_client):
    notes = SimpleUploadedFile("notes.png", b"not really a picture", content_type="image/png")

    response = store_staff_client.post(
        f"{PRODUCTS_URL}add/", product_form(images=[{"image": notes, "position": "0"}])
    )

    assert response.status_code == 200
    assert image_errors(response) == [
        {"image": ['"notes.png" is not a JPEG, PNG, WebP or GIF image.']},
        {"__all__": []},
    ]
    assert not Product.objects.exists()
    assert not ProductImage.objects.exists()


def test_a_picture_row_needs_an_upload_or_a_url_not_both(store_staff_client):
    response = store_staff_client.post(
        f"{PRODUCTS_URL}add/",
        product_form(
            images=[
                {"image": png(), "url": "https://res.cloudinary.com/demo/a.jpg", "position": "0"}
            ]
        ),
    )

    assert response.status_code == 200
    assert image_errors(response) == [
        {"__all__": ["Upload a picture or enter its URL: one of the two."]},
        {"__all__": []},
    ]


def test_external_urls_follow_the_api_rules(store_staff_client):
    response = store_staff_client.post(
        f"{PRODUCTS_URL}add/",
        product_form(
            images=[
                {"url": "https://res.cloudinary.com/demo/a.jpg", "position": "0"},
                {"url": "https://res.cloudinary.com/demo/a.jpg", "position": "1"},
                {"url": "ftp://example.com/a.jpg", "position": "2"},
            ]
        ),
    )

    assert response.status_code == 200
    assert image_errors(response) == [
        {},
        {"url": ["This image is listed twice."]},
        {"url": ["Enter an http:// or https:// URL."]},
        {"__all__": []},
    ]


def test_a_product_has_at_most_ten_pictures(store_staff_client):
    product = ProductFactory()
    ProductImageFactory.create_batch(10, product=product)

    response = store_staff_client.post(
        f"{PRODUCTS_URL}{product.pk}/change/",
        product_form(
            product, images=[{"url": "https://res.cloudinary.com/demo/11.jpg", "position": "10"}]
        ),
    )

    assert response.status_code == 200
    assert image_errors(response)[-1] == {"__all__": ["A product can have at most 10 images."]}
    assert product.images.count() == 10


def test_saving_a_change_keeps_pictures_and_deletes_removed_uploads(
    store_staff_client, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="Old Name", colors=["Maroon"])
    store_staff_client.post(
        f"{PRODUCTS_URL}{product.pk}/change/",
        product_form(product, images=[{"image": png(), "position": "0"}]),
    )
    upload = product.images.get()
    stored_name = upload.image.name
    assert default_storage.exists(stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = store_staff_client.post(
            f"{PRODUCTS_URL}{product.pk}/change/",
            product_form(
                product,
                name="New Name",
                colors="Maroon, Emerald",
                **{"images-0-DELETE": "on"},
            ),
        )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.colors) == ("New Name", ["Maroon", "Emerald"])
    assert not product.images.exists()
    assert not default_storage.exists(stored_name)


def test_an_uploaded_picture_is_removed_again_when_saving_it_fails(store_staff_client, monkeypatch):
    """The admin stores pictures through the service the API uses: locked, counted, and
    cleaned up when the save fails after the file was stored."""
    product = ProductFactory()
    save = Product.save

    def failing_touch(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["updated_at"]:
            raise DatabaseError("the database went away")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Product, "save", failing_touch)
    stored_before = (
        set(default_storage.listdir("products")[1]) if default_storage.exists("products") else set()
    )

    with pytest.raises(DatabaseError):
        store_staff_client.post(
            f"{PRODUCTS_URL}{product.pk}/change/",
            product_form(product, images=[{"image": png(), "position": "0"}]),
        )

    stored_after = (
        set(default_storage.listdir("products")[1]) if default_storage.exists("products") else set()
    )
    assert stored_after == stored_before
    assert not product.images.exists()


# Actions


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("mark_bestseller", {"is_bestseller": False}, {"is_bestseller": True}),
        ("unmark_bestseller", {"is_bestseller": True}, {"is_bestseller": False}),
        ("deactivate", {"is_active": True}, {"is_active": False}),
        ("restore", {"is_active": False}, {"is_active": True}),
    ],
)
def test_product_actions(store_staff_client, action, before, after):
    chosen = ProductFactory.create_batch(2, **before)
    other = ProductFactory(**before)

    response = run_action(store_staff_client, action, chosen)

    assert response.status_code == 302
    for product in chosen:
        product.refresh_from_db()
        assert {field: getattr(product, field) for field in after} == after
    other.refresh_from_db()
    assert {field: getattr(other, field) for field in before} == before


def test_restore_reports_a_product_the_rules_refuse(store_staff_client):
    inactive_category = CategoryFactory(name="Old Season", slug="old-season", is_active=False)
    broken = ProductFactory(name="Broken", is_active=False, category=inactive_category, colors=[])

    response = run_action(store_staff_client, "restore", [broken])

    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Not changed: Broken: Add at least one color."]
    broken.refresh_from_db()
    assert broken.is_active is False


# Delete: deactivates for staff, for good for superusers


def test_staff_delete_deactivates_the_product(store_staff_client, api_client):
    product = ProductFactory(name="Silk Maxi Dress")
    ProductImageFactory(product=product)

    page = store_staff_client.get(f"{PRODUCTS_URL}{product.pk}/delete/")
    assert page.status_code == 200
    assert "Deactivate the product “Silk Maxi Dress”?" in page.content.decode()

    response = store_staff_client.post(f"{PRODUCTS_URL}{product.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.is_active is False
    assert product.images.count() == 1
    assert api_client.get("/api/products").json()["items"] == []
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        "“Silk Maxi Dress” was deactivated: customers no longer see it. "
        "The Restore action brings it back."
    ]


def test_staff_are_not_offered_bulk_delete_and_cannot_post_it(store_staff_client):
    product = ProductFactory()

    actions = store_staff_client.get(PRODUCTS_URL).context["action_form"].fields["action"].choices
    assert [name for name, _label in actions] == [
        "",
        "mark_bestseller",
        "unmark_bestseller",
        "deactivate",
        "restore",
    ]
    run_action(store_staff_client, "delete_selected", [product])
    product.refresh_from_db()
    assert product.is_active is True


def test_superuser_deletes_a_product_for_good_with_its_uploads(
    admin_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    admin_client.post(
        f"{PRODUCTS_URL}{product.pk}/change/",
        product_form(product, images=[{"image": png(), "position": "0"}]),
    )
    stored_name = product.images.get().image.name

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{PRODUCTS_URL}{product.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not ProductImage.objects.exists()
    assert not default_storage.exists(stored_name)


def test_superuser_bulk_delete_removes_products(admin_client):
    doomed = ProductFactory.create_batch(2)
    kept = ProductFactory()

    response = admin_client.post(
        PRODUCTS_URL,
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [str(p.pk) for p in doomed],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(Product.objects.all()) == [kept]
