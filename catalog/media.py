"""Uploaded product pictures served by the app itself, when they live on local disk.

With Cloudinary the pictures are served by Cloudinary and this view is not routed.
WhiteNoise cannot take its place: it indexes its files when the process starts, so a
picture uploaded afterwards would be a 404 until the next restart.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.static import was_modified_since
from PIL import Image

from catalog.uploads import IMAGE_FORMATS

# The formats uploads are stored in (`catalog.uploads` proves each file's format and
# names it by it). Anything else under MEDIA_ROOT is not ours to publish. `Image.MIME`
# is filled in as Pillow registers its format plugins, which `Image.init()` does.
Image.init()
CONTENT_TYPES = {f".{extension}": Image.MIME[name] for name, extension in IMAGE_FORMATS.items()}
# Stored names never change meaning: uploads get a fresh random name, and Django's
# FileSystemStorage never overwrites a file (it picks another name instead).
MAX_AGE = 365 * 24 * 60 * 60


def media_file(path: str) -> Path:
    """The picture at `path` under MEDIA_ROOT, symlinks resolved; Http404 for anything else.

    A path that leaves MEDIA_ROOT (`..`, an absolute path, a symlink pointing out), a
    folder, a missing file or a file of another type is simply not found.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        file = (root / path).resolve(strict=True)
    except (OSError, ValueError):  # missing, a symlink loop, a NUL byte in the path
        raise Http404 from None
    if not file.is_relative_to(root) or not file.is_file() or file.suffix not in CONTENT_TYPES:
        raise Http404
    return file


def serve_media(request, path: str):
    """GET or HEAD one uploaded picture: streamed, cached for a year, revalidated by date."""
    if request.method not in ("GET", "HEAD"):
        return JsonResponse(
            {"detail": f'Method "{request.method}" not allowed.'},
            status=405,
            headers={"Allow": "GET, HEAD"},
        )
    file = media_file(path)
    modified = file.stat().st_mtime
    if was_modified_since(request.headers.get("If-Modified-Since"), modified):
        response = FileResponse(file.open("rb"), content_type=CONTENT_TYPES[file.suffix])
        response["Last-Modified"] = http_date(modified)
    else:
        response = HttpResponseNotModified()
    patch_cache_control(response, public=True, max_age=MAX_AGE, immutable=True)
    return response
