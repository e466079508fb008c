"""OpenAPI schema generation: the error envelope documented on every operation."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can read.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path (dotted for nested fields, e.g. `items.0.quantity`) -> messages.",
    )


class AutoSchema(SpectacularAutoSchema):
    """Documents the error envelope on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "400")
        errors = {"404": error, "429": error}
        if (
            self.method in ("POST", "PUT", "PATCH")
            or self._get_filter_parameters()
            or self._is_list_view()
        ):
            errors["422"] = self._get_response_for_code(ValidationErrorSerializer, "422")
        if self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = error
        # A public view's security is `[{}]` (anonymous allowed): no 401/403 to document.
        if any(self.get_auth()):
            errors["401"] = error
            errors["403"] = error
        for code, body in errors.items():
            responses.setdefault(code, body)
        return responses


def document_api_paths(endpoints, **kwargs):
    """Preprocessing hook: document each route once, as the contract spells it.

    Routes match with or without a trailing slash (`beautique.routing.route`); the
    schema lists the contract's spelling without it. `/health` outside `/api` is an
    alias of `/api/health` for load balancers and is documented there.
    """
    return [
        (path.rstrip("/"), path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/")
    ]
