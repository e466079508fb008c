"""The route of uploaded pictures on local disk (`catalog.media`), included by the project's
URLs only when pictures are stored on local disk."""

from django.urls import re_path

from catalog.media import serve_media

urlpatterns = [re_path(r"^media/(?P<path>.+)$", serve_media, name="media")]
