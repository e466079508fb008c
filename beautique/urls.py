from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from beautique.health import health
from beautique.routing import route

# ReDoc adds its styles as inline <style> elements, some while its script loads, before
# any nonce could reach it, and runs its search in a worker made from a blob: URL. The
# page shows only the generated schema, so inline styles there risk nothing.
redoc = csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="schema")
)

api_patterns = [
    route("health", health, name="api-health"),
    route("schema", SpectacularAPIView.as_view(), name="schema"),
    route("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    route("redoc", redoc, name="redoc"),
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("accounts.urls")),
    path("", include("analytics.urls")),
]

urlpatterns = [
    route("health", health, name="health"),
    route("docs", RedirectView.as_view(pattern_name="swagger-ui", permanent=False)),
    re_path(r"^admin$", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
]

# Pictures on local disk are served by the app, in production too; Cloudinary serves its own.
if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    urlpatterns += [path("", include("catalog.media_urls"))]

handler400 = "beautique.errors.bad_request"
handler403 = "beautique.errors.permission_denied"
handler404 = "beautique.errors.not_found"
handler500 = "beautique.errors.server_error"
