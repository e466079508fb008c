"""Image uploads: POST /api/admin/products/{id}/images, on the local disk storage."""

import re

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError

from catalog.models import Product, ProductImage
from catalog.tests.factories import ProductFactory, ProductImageFactory
from catalog.tests.images import image_bytes, noise_png, png_header, stored_files, upload
from conftest import bearer_client

pytestmark = pytest.mark.django_db

LOCAL_URL = re.compile(r"^http://testserver/media/(products/\d{4}/\d{2}/[0-9a-f]{32}\.(\w+))$")


def upload_url(product) -> str:
    return f"/api/admin/products/{product.pk}/images"


def post_images(client, product, files, field="images"):
    return client.post(upload_url(product), {field: files}, format="multipart")


def stored_name(url: str) -> str:
    """The storage name behind a local image URL the API answered with."""
    match = LOCAL_URL.match(url)
    assert match, url
    return match[1]


def test_jpeg_png_webp_and_gif_are_stored_and_appended(staff_client):
    product = ProductFactory()
    ProductImageFactory(product=product, url="https://cdn.example.com/first.jpg", position=0)
    contents = {
        "photo.jpg": image_bytes("JPEG"),
        "photo.png": image_bytes("PNG"),
        "photo.webp": image_bytes("WEBP"),
        "anim.gif": image_bytes("GIF"),
    }

    response = post_images(staff_client, product, [upload(n, c) for n, c in contents.items()])

    assert response.status_code == 201, response.content
    body = response.json()
    new_urls = body["images"]
    assert [LOCAL_URL.match(url)[2] for url in new_urls] == ["jpg", "png", "webp", "gif"]
    assert body["product"]["id"] == str(product.pk)
    assert body["product"]["images"] == ["https://cdn.example.com/first.jpg", *new_urls]
    for url, content in zip(new_urls, contents.values(), strict=True):
        with default_storage.open(stored_name(url)) as stored:
            assert stored.read() == content
    assert len(stored_files()) == 4
    assert list(product.images.values_list("position", "image", "url")) == [
        (0, "", "https://cdn.example.com/first.jpg"),
        *((n + 1, stored_name(url), "") for n, url in enumerate(new_urls)),
    ]


def test_the_field_name_files_is_accepted_too(staff_client):
    product = ProductFactory()

    response = post_images(staff_client, product, [upload("a.png", image_bytes("PNG"))], "files")

    assert response.status_code == 201, response.content
    assert len(response.json()["images"]) == 1
    assert response.json()["product"]["images"] == response.json()["images"]
    assert product.images.count() == 1


def test_the_stored_file_is_named_by_its_content_not_by_the_client(staff_client):
    product = ProductFactory()

    response = post_images(staff_client, product, [upload("../../evil.gif", image_bytes("PNG"))])

    assert response.status_code == 201, response.content
    assert stored_name(response.json()["images"][0]).endswith(".png")


BAD_FILES = [
    (
        "notes.jpg",
        b"Just some text, renamed to look like a photo.\n" * 20,
        "is not a JPEG, PNG, WebP or GIF image",
    ),
    ("empty.png", b"", "is not a JPEG, PNG, WebP or GIF image"),
    (
        "cut.jpg",
        image_bytes("JPEG", size=(200, 200))[:600],
        "is damaged or incomplete and cannot be read as an image",
    ),
    (
        "cut.png",
        image_bytes("PNG", size=(200, 200))[:-30],
        "is damaged or incomplete and cannot be read as an image",
    ),
    ("picture.bmp", image_bytes("BMP"), "is not a JPEG, PNG, WebP or GIF image"),
    ("bomb.png", png_header(20000, 20000), "has too many pixels"),
    ("big.png", png_header(10000, 10000), "has too many pixels (10000x10000)"),
]


@pytest.mark.parametrize(("name", "content", "problem"), BAD_FILES)
def test_a_file_that_is_not_a_usable_image_is_a_422_and_nothing_is_stored(
    staff_client, name, content, problem
):
    product = ProductFactory()

    response = post_images(
        staff_client, product, [upload("good.jpg", image_bytes("JPEG")), upload(name, content)]
    )

    assert response.status_code == 422, response.content
    message = f'"{name}" {problem}.'
    assert response.json() == {"detail": f"images.1: {message}", "errors": {"images.1": [message]}}
    assert stored_files() == []
    assert not ProductImage.objects.exists()


def test_every_bad_file_is_named(staff_client):
    product = ProductFactory()
    files = [upload("a.txt", b"text"), upload("ok.png", image_bytes("PNG")), upload("b.txt", b"x")]

    response = post_images(staff_client, product, files, "files")

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"files.0", "files.2"}


def test_a_file_over_5_mb_is_a_413_naming_it(staff_client, settings):
    product = ProductFactory()
    too_big = upload("huge.jpg", b"\xff" * (settings.UPLOAD_MAX_IMAGE_BYTES + 1))

    response = post_images(staff_client, product, [upload("ok.jpg", image_bytes("JPEG")), too_big])

    assert response.status_code == 413
    assert response.json() == {"detail": 'images.1: "huge.jpg" is larger than 5 MB.'}
    assert stored_files() == []
    assert not ProductImage.objects.exists()


def test_ten_files_of_almost_5_mb_are_accepted_in_one_request(staff_client, settings):
    product = ProductFactory()
    content = noise_png(1320)
    assert (
        settings.UPLOAD_MAX_IMAGE_BYTES - 20_000 < len(content) <= settings.UPLOAD_MAX_IMAGE_BYTES
    )

    response = post_images(
        staff_client, product, [upload(f"look{n}.png", content) for n in range(10)]
    )

    assert response.status_code == 201, response.content
    assert len(response.json()["images"]) == 10
    assert [path.stat().st_size for path in stored_files()] == [len(content)] * 10


def test_a_request_over_the_total_limit_is_refused_before_it_is_read(staff_client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    product = ProductFactory()
    content = noise_png(450)

    response = post_images(
        staff_client, product, [upload("a.png", content), upload("b.png", content)]
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The upload is larger than 1 MB in total."}
    assert stored_files() == []


def test_more_than_ten_files_in_one_request_is_a_422(staff_client):
    product = ProductFactory()
    files = [upload(f"{n}.png", image_bytes("PNG")) for n in range(11)]

    response = post_images(staff_client, product, files)

    assert response.status_code == 422
    assert response.json()["errors"] == {"images": ["Upload at most 10 images at a time."]}
    assert stored_files() == []


def test_an_upload_that_would_give_the_product_more_than_ten_images_is_a_422(staff_client):
    product = ProductFactory()
    ProductImageFactory.create_batch(9, product=product)

    response = post_images(
        staff_client, product, [upload(f"{n}.png", image_bytes("PNG")) for n in range(2)]
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "images": ["A product can have at most 10 images: this one has 9, so 1 more can be added."]
    }
    assert stored_files() == []
    assert product.images.count() == 9


def test_the_tenth_image_is_accepted(staff_client):
    product = ProductFactory()
    ProductImageFactory.create_batch(8, product=product)

    response = post_images(
        staff_client, product, [upload(f"{n}.png", image_bytes("PNG")) for n in range(2)]
    )

    assert response.status_code == 201
    assert len(response.json()["product"]["images"]) == 10


@pytest.mark.parametrize("body", [{"note": "hello"}, {}], ids=["other", "empty"])
def test_no_file_is_a_422_naming_the_images_field(staff_client, body):
    product = ProductFactory()

    response = staff_client.post(upload_url(product), body, format="multipart")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "images: Attach at least one image file.",
        "errors": {"images": ["Attach at least one image file."]},
    }
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"images": "https://cdn.example.com/a.jpg"}, "images"),
        ({"images": "{}", "files": [upload("a.png", image_bytes("PNG"))]}, "images"),
        ({"files": "a.png"}, "files"),
    ],
)
def test_text_where_files_belong_is_a_422_and_nothing_is_stored(staff_client, body, field):
    product = ProductFactory()

    response = staff_client.post(upload_url(product), body, format="multipart")

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"{field}: Attach image files, not text.",
        "errors": {field: ["Attach image files, not text."]},
    }
    assert not ProductImage.objects.exists()
    assert stored_files() == []


def test_a_json_body_is_a_415(staff_client):
    product = ProductFactory()

    response = staff_client.post(
        upload_url(product), {"images": ["https://cdn.example.com/a.jpg"]}, format="json"
    )

    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "application/json" in request.'}
    assert not ProductImage.objects.exists()


def test_when_storing_fails_midway_the_stored_files_are_removed(staff_client, monkeypatch):
    product = ProductFactory()
    real_save = FileSystemStorage._save
    calls = []

    def save_then_fail(storage, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_then_fail)

    response = post_images(
        staff_client, product, [upload(f"{n}.png", image_bytes("PNG")) for n in range(4)]
    )

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Image storage is unavailable; nothing was stored. Try again later."
    }
    assert len(calls) == 3
    assert stored_files() == []
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize(
    ("target", "method"), [(ProductImage.objects, "bulk_create"), (Product, "save")]
)
def test_when_the_database_fails_after_storing_the_files_are_removed(
    staff_client, monkeypatch, target, method
):
    product = ProductFactory()

    def fail(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(target, method, fail)

    with pytest.raises(DatabaseError):
        post_images(
            staff_client, product, [upload(f"{n}.png", image_bytes("PNG")) for n in range(2)]
        )

    assert stored_files() == []
    assert not ProductImage.objects.exists()


def test_dropping_an_uploaded_image_deletes_its_file_after_commit(
    staff_client, owner_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    first, second = post_images(
        staff_client,
        product,
        [upload("a.png", image_bytes("PNG")), upload("b.jpg", image_bytes("JPEG"))],
    ).json()["images"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.patch(
            f"/api/admin/products/{product.pk}",
            {"images": [second, "https://cdn.example.com/extra.jpg"]},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["images"] == [second, "https://cdn.example.com/extra.jpg"]
    assert [path.name for path in stored_files()] == [stored_name(second).rsplit("/", 1)[1]]
    assert not default_storage.exists(stored_name(first))


def test_permanent_delete_deletes_uploaded_files_after_commit(
    staff_client, owner_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    ProductImageFactory(product=product)
    post_images(staff_client, product, [upload(f"{n}.png", image_bytes("PNG")) for n in range(2)])
    assert len(stored_files()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.delete(f"/api/admin/products/{product.pk}/permanent")

    assert response.status_code == 204
    assert stored_files() == []
    assert not ProductImage.objects.exists()


def test_uploads_need_a_staff_token(api_client, django_user_model):
    product = ProductFactory()
    customer = django_user_model.objects.create_user(username="shopper", password="x-Sturdy-2026")
    files = [upload("a.png", image_bytes("PNG"))]

    assert post_images(api_client, product, files).status_code == 401
    assert post_images(bearer_client(customer), product, files).status_code == 403
    assert stored_files() == []
