"""Response headers that are project conventions, set in one place for every route."""

from django.utils.cache import add_never_cache_headers

STAFF_API_PREFIX = "/api/admin/"


class NeverCacheStaffAPI:
    """`Cache-Control: no-store` (Django's never-cache headers) on everything under /api/admin/.

    Staff responses carry customers' names, phones and addresses: no browser or proxy
    may keep a copy. Keyed on the path, so login, refresh, logout, errors, unknown staff
    URLs and any staff route added later are covered without declaring anything. The
    Django admin's own pages already send the same headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(STAFF_API_PREFIX):
            add_never_cache_headers(response)
        return response
