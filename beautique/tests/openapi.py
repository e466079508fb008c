"""Checking API answers and requests against the OpenAPI document the backend publishes."""

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


def validator(document: dict, schema: dict) -> jsonschema.Draft4Validator:
    """A validator of `schema`, an OpenAPI schema object of `document` (`$ref`s allowed)."""
    root = {**json_schema(schema), "components": json_schema(document["components"])}
    return jsonschema.Draft4Validator(root, format_checker=jsonschema.FormatChecker())


def assert_matches_schema(document: dict, component: str, body) -> None:
    """Raise if `body` is not what `document` (the published schema) says `component` is."""
    validator(document, {"$ref": f"#/components/schemas/{component}"}).validate(body)


def request_body_schema(document: dict, path: str, method: str) -> dict:
    body = document["paths"][path][method]["requestBody"]
    return next(iter(body["content"].values()))["schema"]
