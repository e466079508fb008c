"""JSON answers for errors raised outside DRF views (unknown URLs, crashes).

Django calls these instead of its HTML pages; they never include a traceback.
"""

from django.http import JsonResponse


def bad_request(request, exception=None):
    return JsonResponse({"detail": "Bad request"}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )


def not_found(request, exception=None):
    return JsonResponse({"detail": "Not found"}, status=404)


def server_error(request):
    return JsonResponse({"detail": "Internal server error"}, status=500)
