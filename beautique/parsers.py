"""Request body parsers shared by the API.

This module is imported while DRF builds `APIView` (settings name it), so it must not
import `rest_framework.views` or anything that does.
"""

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


def body_too_large() -> RequestTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return RequestTooLarge(f"The request body is larger than {limit / (1024 * 1024):g} MB.")


def content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class JSONObjectParser(JSONParser):
    """JSON bodies must be objects: a list, a bare value or invalid JSON is a 400.

    A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is a 413 before it is read (when Django
    has already read it, the exception handler answers the same 413), and JSON
    nested too deeply for Python's decoder is a 400 rather than a crash.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and content_length(parser_context["request"]) > limit:
            raise body_too_large()
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from exc
        if not isinstance(data, dict):
            raise exceptions.ParseError("JSON body must be an object.")
        return data
