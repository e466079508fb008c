"""Checking API answers against the OpenAPI document the backend publishes."""

import jsonschema


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema (draft 4, whose boolean `exclusiveMaximum`
    OpenAPI 3.0 keeps): `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_matches_schema(document: dict, component: str, body) -> None:
    """Raise if `body` is not what `document` (the published schema) says `component` is."""
    schema = {
        "$ref": f"#/components/schemas/{component}",
        "components": json_schema(document["components"]),
    }
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)
