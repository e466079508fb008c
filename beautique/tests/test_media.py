"""Uploaded pictures on local disk, served at /media/ with DEBUG off, as in production."""

import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils.http import http_date

from beautique.tests.test_settings import BASE_ENV
from catalog.tests.factories import ProductFactory
from catalog.tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db

ONE_YEAR = 365 * 24 * 60 * 60
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def upload_pictures(staff_client, contents: list[bytes]) -> list[str]:
    """Upload through the staff API; answers the paths of the URLs it returns."""
    product = ProductFactory()
    response = staff_client.post(
        f"/api/admin/products/{product.pk}/images",
        {"images": [upload(f"photo-{n}", content) for n, content in enumerate(contents)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return [urlsplit(url).path for url in response.json()["images"]]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_not_found(response):
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


@pytest.fixture
def media_root(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    (root / "products").mkdir(parents=True)
    return root


@pytest.fixture
def outside_picture(media_root) -> Path:
    """A picture next to MEDIA_ROOT, not in it."""
    picture = media_root.parent / "secret.png"
    picture.write_bytes(image_bytes("PNG"))
    return picture


def test_an_uploaded_picture_is_served_inline_and_cached_for_a_year(api_client, staff_client):
    contents = [image_bytes(image_format) for image_format in FORMATS]

    paths = upload_pictures(staff_client, contents)

    for path, content, content_type in zip(paths, contents, FORMATS.values(), strict=True):
        response = api_client.get(path)
        assert response.status_code == 200, path
        assert body(response) == content
        assert response["Content-Type"] == content_type
        assert response["Content-Length"] == str(len(content))
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert set(response["Cache-Control"].split(", ")) == {
            "public",
            f"max-age={ONE_YEAR}",
            "immutable",
        }
        assert response["Last-Modified"]


def test_head_answers_the_headers_without_the_picture(api_client, staff_client):
    content = image_bytes("PNG")
    [path] = upload_pictures(staff_client, [content])

    response = api_client.head(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(content))
    assert body(response) == b""


def test_a_picture_the_browser_already_has_is_not_sent_again(api_client, staff_client):
    [path] = upload_pictures(staff_client, [image_bytes("JPEG")])
    last_modified = api_client.get(path)["Last-Modified"]

    response = api_client.get(path, headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304
    assert response.content == b""
    assert f"max-age={ONE_YEAR}" in response["Cache-Control"]


def test_a_picture_changed_since_the_browsers_copy_is_sent(api_client, staff_client):
    [path] = upload_pictures(staff_client, [image_bytes("JPEG")])

    response = api_client.get(path, headers={"If-Modified-Since": http_date(0)})

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_allowed(api_client, staff_client, method):
    [path] = upload_pictures(staff_client, [image_bytes("PNG")])

    response = getattr(api_client, method)(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_a_missing_picture_is_a_json_404(api_client, media_root):
    assert_not_found(api_client.get("/media/products/2026/11/" + "0" * 32 + ".png"))


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.png",
        "/media/products/../../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/products/..%2f..%2fsecret.png",
        "/media/%2E%2E%2Fsecret.png",
    ],
)
def test_a_path_leading_out_of_the_media_folder_is_not_found(api_client, outside_picture, path):
    assert_not_found(api_client.get(path))


def test_an_absolute_path_is_not_found(api_client, outside_picture):
    assert_not_found(api_client.get(f"/media/{outside_picture}"))


def test_a_symlink_pointing_out_of_the_media_folder_is_not_found(
    api_client, media_root, outside_picture
):
    (media_root / "products" / "link.png").symlink_to(outside_picture)
    (media_root / "products" / "outside").symlink_to(outside_picture.parent)

    assert_not_found(api_client.get("/media/products/link.png"))
    assert_not_found(api_client.get("/media/products/outside/secret.png"))


@pytest.mark.parametrize("path", ["/media/products", "/media/products/", "/media/"])
def test_a_folder_is_not_listed(api_client, media_root, path):
    (media_root / "products" / "a.png").write_bytes(image_bytes("PNG"))

    response = api_client.get(path)

    assert_not_found(response)
    assert b"a.png" not in response.content


@pytest.mark.parametrize("name", ["notes.txt", "page.html", "drawing.svg", "photo.png.gz"])
def test_a_file_that_is_not_a_stored_picture_is_not_served(api_client, media_root, name):
    (media_root / name).write_bytes(b"<svg><script>alert(1)</script></svg>")

    assert_not_found(api_client.get(f"/media/{name}"))


def test_with_cloudinary_the_app_serves_no_media(tmp_path):
    """A fresh process per configuration, as a deployment starts: the URLs are fixed then."""
    (tmp_path / "a.png").write_bytes(image_bytes("PNG"))
    request = (
        "from django.test import Client; "
        "print(Client().get('/media/a.png', secure=True).status_code)"
    )

    def status(**env: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "shell",
                "--no-imports",
                "-c",
                request,
            ],
            env={
                **BASE_ENV,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "testserver",
                "MEDIA_ROOT": str(tmp_path),
                **env,
            },
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert status() == "200"
    assert status(CLOUDINARY_URL="cloudinary://key:secret@demo-cloud") == "404"
