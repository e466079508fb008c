"""A URL configuration for tests: the real routes plus two views that crash."""

from django.db import DatabaseError
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny

from beautique import urls as project_urls
from beautique.routing import route

SECRET_TEXT = "SELECT password FROM accounts_user -- secret detail"


def plain_crash(request):
    raise RuntimeError(SECRET_TEXT)


@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_crash(request):
    raise DatabaseError(SECRET_TEXT)


urlpatterns = [
    route("api/crash/plain", plain_crash),
    route("api/crash/drf", api_crash),
    *project_urls.urlpatterns,
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
