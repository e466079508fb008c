"""JSON answers for errors raised outside DRF views (unknown URLs, crashes).

Django calls these instead of its HTML pages; they never include a traceback.
"""

import sys

from django.http import JsonResponse

from beautique.exceptions import UNREACHABLE_DATABASE_ERRORS, ServiceUnavailable


def bad_request(request, exception=None):
    return JsonResponse({"detail": "Bad request"}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )


def not_found(request, exception=None):
    return JsonResponse({"detail": "Not found"}, status=404)


def server_error(request):
    """A crash outside DRF's views (the admin, middleware): 500, or 503 with Retry-After
    when the database could not be reached. Django calls this while handling the
    exception, so it is still the current one."""
    if isinstance(sys.exc_info()[1], UNREACHABLE_DATABASE_ERRORS):
        return JsonResponse(
            {"detail": str(ServiceUnavailable.default_detail)},
            status=ServiceUnavailable.status_code,
            headers={"Retry-After": str(ServiceUnavailable.wait)},
        )
    return JsonResponse({"detail": "Internal server error"}, status=500)
