"""Request checks every route shares, before any view runs."""

from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, JsonResponse

from beautique.exceptions import validation_error_body


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
