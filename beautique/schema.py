"""OpenAPI schema generation: the error envelope documented on every operation, blank
optional query parameters, and the rules services check stated on request bodies."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can read.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path (dotted for nested fields, e.g. `items.0.quantity`) -> messages.",
    )


def trimmed_text_pattern(low: int = 0, high: int | None = None) -> str:
    """A `pattern` for text of `low` to `high` (None: any number of) characters once the
    whitespace around it is trimmed, as DRF and the services trim it; never a NUL, which
    DRF refuses."""
    least = max(low, 1)
    most = "" if high is None else high - 2
    if high == 1:
        rest = ""
    elif least == 1:
        rest = rf"(?:[^\x00]{{0,{most}}}[^\s\x00])?"
    else:
        rest = rf"[^\x00]{{{least - 2},{most}}}[^\s\x00]"
    text = rf"[^\s\x00]{rest}"
    return rf"^\s*(?:{text})?\s*$" if low == 0 else rf"^\s*{text}\s*$"


NO_NUL_PATTERN = r"^[^\x00]*$"


def any_case_pattern(values) -> str:
    """A `pattern` for one of `values` in any case, whitespace around it allowed."""
    spelled = "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in value)
        for value in values
    )
    return rf"^\s*(?:{spelled})\s*$"


def state_text_rules(field, schema: dict) -> None:
    """Text a client sends is trimmed (unless the field says not) before DRF measures it,
    and may not hold NUL: say so with a `pattern` on `field`'s request schema."""
    if (
        not isinstance(field, serializers.CharField)
        or schema.get("type") != "string"
        or {"pattern", "format", "enum"} & set(schema)
    ):
        return
    if field.trim_whitespace:
        low, high = schema.pop("minLength", 0), schema.pop("maxLength", None)
        schema["pattern"] = trimmed_text_pattern(low, high)
    else:
        schema["pattern"] = NO_NUL_PATTERN


def merge_rules(schema: dict, rules: dict) -> None:
    """Add `rules` (a JSON Schema fragment) to `schema`, object by object."""
    for key, value in rules.items():
        if isinstance(value, dict) and isinstance(schema.get(key), dict):
            merge_rules(schema[key], value)
        else:
            schema[key] = value


class AutoSchema(SpectacularAutoSchema):
    """Documents the error envelope on every operation.

    Also: an optional query parameter may be sent blank (`?start_date=`), which counts as
    not sent (`allowEmptyValue`); text sent in a query or a body holds no NUL, and its
    length limits apply once it is trimmed (`pattern`); and a serializer's `schema_rules`,
    the rules its service checks written as a JSON Schema fragment, are added to its
    request body, which is required when they ask for one of its properties (`anyOf`).
    """

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
                schema["pattern"] = NO_NUL_PATTERN
        return parameters

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request":
            properties = schema.get("properties", {})
            for name, field in force_instance(serializer).fields.items():
                if name in properties:
                    state_text_rules(field, properties[name])
                    if isinstance(field, serializers.ListField):
                        state_text_rules(field.child, properties[name].get("items", {}))
            merge_rules(schema, getattr(serializer, "schema_rules", {}))
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        return schema, required or "anyOf" in getattr(serializer, "schema_rules", {})

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
