"""The error envelope every API answer uses (docs/api.md, "Errors").

`{"detail": str}`, plus `"errors": {dotted.path: [str]}` for validation failures.
"""

import logging
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from beautique.parsers import body_too_large

logger = logging.getLogger(__name__)


DATABASE_RETRY_AFTER_SECONDS = 5
UNREACHABLE_DATABASE_ERRORS = (OperationalError, InterfaceError)
"""What Django raises when the database is down, hung or cut off (not a bad query)."""


class ServiceUnavailable(exceptions.APIException):
    """A dependency the request needs is down: try again shortly (503, Retry-After)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The store is briefly unavailable. Please try again in a moment."
    default_code = "service_unavailable"
    wait = DATABASE_RETRY_AFTER_SECONDS


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into `{"items.0.size": ["..."]}`."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def validation_error_body(errors: dict[str, list[str]]) -> dict:
    field, messages = next(iter(errors.items()))
    first = messages[0] if messages else "Invalid input."
    detail = first if field == api_settings.NON_FIELD_ERRORS_KEY else f"{field}: {first}"
    return {"detail": detail, "errors": errors}


def exception_handler(exc, context):
    """Render every API error in the contract's envelope.

    Validation failures (DRF's and the services' Django `ValidationError`) are 422s
    with dotted field paths. A database that cannot be reached is a 503 with
    Retry-After. Anything unexpected is left to Django, whose `handler500`
    answers a bare JSON 500.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, UNREACHABLE_DATABASE_ERRORS):
        logger.error("Database unreachable: %s: %s", type(exc).__name__, exc)
        exc = ServiceUnavailable()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        body = validation_error_body(
            flatten_errors(exc.detail) or {"non_field_errors": ["Invalid input."]}
        )
        code = status.HTTP_422_UNPROCESSABLE_ENTITY
    else:
        detail = exc.detail
        if not isinstance(detail, str):
            detail = "; ".join(
                f"{field}: {messages[0]}" for field, messages in flatten_errors(detail).items()
            )
        body = {"detail": str(detail)}
        code = exc.status_code
    set_rollback()
    return Response(body, status=code, headers=headers)
