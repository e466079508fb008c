"""Image uploads stored on Cloudinary, checked at the HTTP boundary without internet.

The cloudinary SDK talks to its API through urllib3 (not requests), so the fake
Cloudinary below sits in urllib3's connection pool: every request the SDK would send
is captured as bytes on the wire and answered the way Cloudinary answers.
"""

import hashlib
import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import PurePosixPath

import cloudinary
import pytest
import urllib3
from django.test import override_settings

from catalog.models import ProductImage
from catalog.tests.factories import ProductFactory, ProductImageFactory
from catalog.tests.images import image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

CLOUD = "beautique-test"
API_KEY = "614335564976464"
API_SECRET = "a676b67565c6767a6767d6767f676fe1"
CLOUDINARY_URL = f"cloudinary://{API_KEY}:{API_SECRET}@{CLOUD}"
UPLOAD_API = f"https://api.cloudinary.com/v1_1/{CLOUD}/image/upload"
DESTROY_API = f"https://api.cloudinary.com/v1_1/{CLOUD}/image/destroy"


class FakeCloudinary:
    """Answers the Upload API's `upload` and `destroy` like Cloudinary, recording each request."""

    VERSION = 1732190000

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_upload_number: int | None = None

    def urlopen(self, pool, method, url, body=None, headers=None, **kwargs):
        full_url = f"{pool.scheme}://{pool.host}{url}"
        assert pool.host == "api.cloudinary.com", f"unexpected request to {full_url}"
        fields, files = parse_multipart(headers["Content-Type"], body)
        self.requests.append({"method": method, "url": full_url, "fields": fields, "files": files})
        if full_url == UPLOAD_API:
            uploads = [request for request in self.requests if request["url"] == UPLOAD_API]
            if len(uploads) == self.fail_upload_number:
                return json_response({"error": {"message": "Server error"}}, status=500)
            return json_response(self.uploaded(fields, files["file"][0]))
        if full_url == DESTROY_API:
            return json_response({"result": "ok"})
        raise AssertionError(f"unexpected request to {full_url}")

    def uploaded(self, fields: dict, filename: str) -> dict:
        """What Cloudinary answers: `use_filename` keeps the name, plus a random suffix."""
        name = PurePosixPath(filename)
        public_id = f"{fields['folder']}/{name.stem}_k2x9qz"
        image_format = name.suffix.lstrip(".")
        return {
            "public_id": public_id,
            "version": self.VERSION,
            "format": image_format,
            "resource_type": "image",
            "type": "upload",
            "secure_url": f"https://res.cloudinary.com/{CLOUD}/image/upload/"
            f"v{self.VERSION}/{public_id}.{image_format}",
            "url": f"http://res.cloudinary.com/{CLOUD}/image/upload/"
            f"v{self.VERSION}/{public_id}.{image_format}",
        }

    def uploads(self) -> list[dict]:
        return [request for request in self.requests if request["url"] == UPLOAD_API]

    def destroys(self) -> list[dict]:
        return [request for request in self.requests if request["url"] == DESTROY_API]


def parse_multipart(content_type: str, body: bytes) -> tuple[dict, dict]:
    """Form fields (`name -> str`) and files (`name -> (filename, bytes)`) of a multipart body."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    assert message.get_content_type() == "multipart/form-data"
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if part.get_filename() is None:
            fields[name] = data.decode()
        else:
            files[name] = (part.get_filename(), data)
    return fields, files


def json_response(data: dict, status: int = 200) -> urllib3.HTTPResponse:
    return urllib3.HTTPResponse(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
        preload_content=True,
    )


def cloudinary_signature(fields: dict) -> str:
    """Cloudinary's request signature: SHA-1 of the sorted signed parameters plus the secret."""
    signed = {
        key: value
        for key, value in fields.items()
        if key not in {"api_key", "signature", "file", "resource_type"} and value
    }
    to_sign = "&".join(sorted(f"{key}={value}" for key, value in signed.items()))
    return hashlib.sha1((to_sign + API_SECRET).encode()).hexdigest()


@pytest.fixture
def fake_cloudinary(monkeypatch, settings):
    """Media storage on Cloudinary (as with CLOUDINARY_URL set), its API faked."""
    fake = FakeCloudinary()
    monkeypatch.setattr(
        urllib3.connectionpool.HTTPConnectionPool,
        "urlopen",
        lambda pool, method, url, **kwargs: fake.urlopen(pool, method, url, **kwargs),
    )
    # The SDK reads its credentials from the environment, as in production.
    monkeypatch.setenv("CLOUDINARY_URL", CLOUDINARY_URL)
    cloudinary.reset_config()
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "beautique.storage.CloudinaryMediaStorage"},
    }
    with override_settings(
        STORAGES=storages, CLOUDINARY_URL=CLOUDINARY_URL, CLOUDINARY_STORAGE={"SECURE": True}
    ):
        yield fake
    monkeypatch.delenv("CLOUDINARY_URL")
    cloudinary.reset_config()


def test_uploads_go_to_cloudinary_and_its_secure_url_is_shown(staff_client, fake_cloudinary):
    product = ProductFactory()
    ProductImageFactory(product=product, url="https://cdn.example.com/first.jpg")
    contents = [image_bytes("JPEG"), image_bytes("WEBP")]

    response = staff_client.post(
        f"/api/admin/products/{product.pk}/images",
        {"images": [upload("front.jpg", contents[0]), upload("back.webp", contents[1])]},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    sent = fake_cloudinary.uploads()
    assert [request["method"] for request in sent] == ["POST", "POST"]
    secure_urls = []
    for request, content, extension in zip(sent, contents, ["jpg", "webp"], strict=True):
        fields, (filename, data) = request["fields"], request["files"]["file"]
        assert data == content
        assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", filename)
        assert re.fullmatch(r"media/products/\d{4}/\d{2}", fields["folder"])
        assert fields["api_key"] == API_KEY
        assert fields["signature"] == cloudinary_signature(fields)
        assert fields["tags"] == "media"
        stem = filename.rsplit(".", 1)[0]
        secure_urls.append(
            f"https://res.cloudinary.com/{CLOUD}/image/upload/v{FakeCloudinary.VERSION}/"
            f"{fields['folder']}/{stem}_k2x9qz.{extension}"
        )
    assert response.json()["images"] == secure_urls
    assert response.json()["product"]["images"] == [
        "https://cdn.example.com/first.jpg",
        *secure_urls,
    ]
    stored = list(ProductImage.objects.exclude(image="").order_by("position"))
    assert [image.image.url for image in stored] == secure_urls
    assert [image.image.name for image in stored] == [
        url.split("/image/upload/", 1)[1] for url in secure_urls
    ]
    assert (
        staff_client.get(f"/api/products/{product.pk}").json()["images"]
        == response.json()["product"]["images"]
    )
    assert stored_files() == []


def test_permanent_delete_destroys_the_cloudinary_files(
    staff_client, owner_client, fake_cloudinary, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    staff_client.post(
        f"/api/admin/products/{product.pk}/images",
        {"images": [upload("front.png", image_bytes("PNG"))]},
        format="multipart",
    )
    (uploaded,) = fake_cloudinary.uploads()
    stem = uploaded["files"]["file"][0].rsplit(".", 1)[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.delete(f"/api/admin/products/{product.pk}/permanent")

    assert response.status_code == 204
    (destroy,) = fake_cloudinary.destroys()
    fields = destroy["fields"]
    assert fields["public_id"] == f"{uploaded['fields']['folder']}/{stem}_k2x9qz"
    assert fields["api_key"] == API_KEY
    assert fields["signature"] == cloudinary_signature(fields)


def test_a_cloudinary_failure_midway_keeps_nothing(staff_client, fake_cloudinary):
    product = ProductFactory()
    fake_cloudinary.fail_upload_number = 2

    response = staff_client.post(
        f"/api/admin/products/{product.pk}/images",
        {"images": [upload(f"{n}.png", image_bytes("PNG")) for n in range(3)]},
        format="multipart",
    )

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Image storage is unavailable; nothing was stored. Try again later."
    }
    first, _failed = fake_cloudinary.uploads()
    stem = first["files"]["file"][0].rsplit(".", 1)[0]
    (destroy,) = fake_cloudinary.destroys()
    assert destroy["fields"]["public_id"] == f"{first['fields']['folder']}/{stem}_k2x9qz"
    assert not ProductImage.objects.exists()
