"""Product image uploads: proving a file is an image, storing a batch all or nothing.

The checks raise Django `ValidationError`s keyed by the upload's field path
(`images.0`), so the staff API answers them as 422s and a Django admin form can show
them as form errors. `ImageUploadParser` and the two HTTP errors below are the API's
side: the whole request is capped before Django reads it.
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent, ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser

from beautique.parsers import RequestTooLarge, content_length
from catalog.models import ProductImage

logger = logging.getLogger(__name__)

# Pillow format name -> file extension of the stored copy.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_FILES_PER_REQUEST = 10


class FileTooLarge(ValidationError):
    """An uploaded file is over `settings.UPLOAD_MAX_IMAGE_BYTES` (the API answers 413)."""


class ImageStorageError(Exception):
    """The media storage (local disk or Cloudinary) failed; nothing of the batch was kept."""


@dataclass(frozen=True)
class CheckedImage:
    file: UploadedFile
    extension: str


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def image_problem(file) -> tuple[str | None, str | None]:
    """Decode `file` fully; answer `(extension, None)` for a usable image, else `(None, problem)`.

    `verify()` checks the structure without decoding pixels; the file is then reopened
    and `load()`ed, which catches truncated data that `verify()` lets through. Images
    with more pixels than `Image.MAX_IMAGE_PIXELS` are refused as decompression bombs
    (Pillow only warns between one and two times that limit, so the size is checked
    here too).
    """
    allowed = list(IMAGE_FORMATS)
    try:
        file.seek(0)
        with Image.open(file, formats=allowed) as image:
            image_format = image.format
            width, height = image.size
            if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                return None, f"has too many pixels ({width}x{height})"
            image.verify()
        file.seek(0)
        with Image.open(file, formats=allowed) as image:
            image.load()
    except Image.DecompressionBombError:
        return None, "has too many pixels"
    except UnidentifiedImageError:
        return None, "is not a JPEG, PNG, WebP or GIF image"
    except Exception:  # Decoders signal bad data with many exception types.
        return None, "is damaged or incomplete and cannot be read as an image"
    finally:
        file.seek(0)
    return IMAGE_FORMATS[image_format], None


def check_image_files(files, *, field: str = "images") -> list[CheckedImage]:
    """Check a batch of uploads, answering them with the extension their content proves.

    Raises `ValidationError` (`FileTooLarge` when the only problem is size) keyed
    `field` for the batch and `field.<index>` for one file, naming every bad file.
    """
    if not files:
        raise ValidationError({field: ["Attach at least one image file."]})
    if len(files) > MAX_FILES_PER_REQUEST:
        raise ValidationError(
            {field: [f"Upload at most {MAX_FILES_PER_REQUEST} images at a time."]}
        )

    limit = settings.UPLOAD_MAX_IMAGE_BYTES
    too_large = {
        f"{field}.{index}": [f'"{file.name}" is larger than {megabytes(limit)}.']
        for index, file in enumerate(files)
        if file.size > limit
    }
    if too_large:
        raise FileTooLarge(too_large)

    checked, errors = [], {}
    for index, file in enumerate(files):
        extension, problem = image_problem(file)
        if problem:
            errors[f"{field}.{index}"] = [f'"{file.name}" {problem}.']
        else:
            checked.append(CheckedImage(file=file, extension=extension))
    if errors:
        raise ValidationError(errors)
    return checked


def store_images(*, product, images: list[CheckedImage], first_position: int):
    """Store each file in the media storage and create its `ProductImage` row.

    Files get a random name with the extension their content proved; the client's
    file name is never used. If a file cannot be stored, or the rows cannot be
    created, the files already stored are deleted again (and `ImageStorageError` is
    raised for a storage failure). Answers the new rows and the stored names, for the
    caller to delete should its transaction fail later.
    """
    rows = []
    try:
        for offset, checked in enumerate(images):
            row = ProductImage(product=product, position=first_position + offset)
            row.image.save(f"{uuid.uuid4().hex}.{checked.extension}", checked.file, save=False)
            rows.append(row)
    except Exception as exc:
        logger.exception("Storing product images failed; removing the %d stored", len(rows))
        delete_stored_files(row.image.name for row in rows)
        raise ImageStorageError("The images could not be stored.") from exc
    stored = [row.image.name for row in rows]
    try:
        ProductImage.objects.bulk_create(rows)
    except Exception:
        delete_stored_files(stored)
        raise
    return rows, stored


def delete_stored_files(names) -> None:
    """Delete files from the media storage, logging (not raising) failures.

    Used after a transaction commits or fails, when there is nobody left to tell.
    """
    storage = ProductImage._meta.get_field("image").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete stored image %s", name)


class ImageStorageUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Image storage is unavailable; nothing was stored. Try again later."
    default_code = "image_storage_unavailable"


class ImageUploadParser(MultiPartParser):
    """`multipart/form-data` for image uploads, with the whole request size capped.

    Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` does not count files, so a request larger
    than `settings.UPLOAD_MAX_REQUEST_BYTES` (room for 10 files of 5 MB) is refused
    from its `Content-Length` before any of it is read.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if content_length(parser_context["request"]) > limit:
            raise RequestTooLarge(f"The upload is larger than {megabytes(limit)} in total.")
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig as exc:
            raise RequestTooLarge("The form fields besides the files are too large.") from exc
        except TooManyFilesSent as exc:
            raise exceptions.ValidationError(
                {"images": [f"Upload at most {MAX_FILES_PER_REQUEST} images at a time."]}
            ) from exc
