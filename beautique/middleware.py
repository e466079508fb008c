"""Project conventions every route shares: request checks before any view runs, and
response headers set in one place."""

from csp.constants import NONE
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, JsonResponse
from django.utils.cache import add_never_cache_headers

from beautique.exceptions import validation_error_body

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


# What a JSON, CSV or picture answer may load, run or be framed by: nothing.
NOTHING_ALLOWED = {"default-src": [NONE], "frame-ancestors": [NONE]}
NOTHING_ALLOWED_HEADER = build_policy(NOTHING_ALLOWED)


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware: HTML pages get `settings.CONTENT_SECURITY_POLICY`, every
    other answer a policy that allows nothing.

    Only the admin, /api/docs and /api/redoc are pages. JSON, the CSV export and the
    pictures are never meant to be rendered as one; should a browser do so anyway, the
    policy keeps anything in them from running, and no site may frame them.
    """

    def process_response(self, request, response):
        # Most answers are JSON: give them the fixed policy without building it anew.
        if "Content-Security-Policy" not in response and not response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            response.headers["Content-Security-Policy"] = NOTHING_ALLOWED_HEADER
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        is_page = response.get("Content-Type", "").startswith("text/html")
        if not report_only and parts.config is None and not is_page:
            parts.config = NOTHING_ALLOWED
        return parts


class NullCharacterMiddleware:
    """Keep NUL characters typed into a URL away from the database.

    PostgreSQL text cannot hold NUL (0x00): a query comparing a column with such a
    string fails, a 500, where it should simply match nothing, since no stored text
    contains one. So:

    - a path with NUL names nothing: a 404;
    - on the API, a query parameter with NUL is a 422 naming it (what the API's text
      filters answer, in the same words);
    - elsewhere (the Django admin's list filters and search) such a parameter is
      ignored, as if it had not been sent.

    Bodies need nothing here: DRF's and Django's character fields refuse NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("The path contains a NUL character.")
        spoiled = [
            name
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        ]
        if spoiled and request.path_info.startswith("/api/"):
            message = str(ProhibitNullCharactersValidator.message)
            body = validation_error_body({name: [message] for name in spoiled})
            return JsonResponse(body, status=422)
        if spoiled:
            query = request.GET.copy()
            for name in spoiled:
                del query[name]
            request.GET = query
        return self.get_response(request)
