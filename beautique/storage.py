"""Media storage on Cloudinary, used when `CLOUDINARY_URL` is set."""

import re

from cloudinary.utils import cloudinary_url
from cloudinary_storage.storage import MediaCloudinaryStorage
from django.core.files.uploadedfile import UploadedFile

# `v<version>/<public_id>.<format>`: the path part of a Cloudinary delivery URL.
DELIVERY_PATH = re.compile(r"^v(?P<version>\d+)/(?P<public_id>.+?)(?:\.(?P<format>[A-Za-z0-9]+))?$")


class CloudinaryMediaStorage(MediaCloudinaryStorage):
    """django-cloudinary-storage's media storage, naming files by their delivery path.

    The stock storage names a file by its bare public id and builds URLs without the
    version or the format, so a file's URL differs from the `secure_url` Cloudinary
    answered with. Stored as `v<version>/<public_id>.<format>`, `url()` is exactly
    that `secure_url`, and `delete()` still finds the public id. Names saved by the
    stock storage (no version) keep working.
    """

    def _save(self, name, content):
        name = self._prepend_prefix(self._normalise_name(name))
        content.seek(0)
        response = self._upload(name, UploadedFile(content, name))
        return f"v{response['version']}/{response['public_id']}.{response['format']}"

    def _get_url(self, name):
        if DELIVERY_PATH.match(name):
            url, _options = cloudinary_url(
                name, resource_type=self._get_resource_type(name), secure=True
            )
            return url
        return super()._get_url(name)

    def delete(self, name):
        match = DELIVERY_PATH.match(name)
        return super().delete(match["public_id"] if match else name)
