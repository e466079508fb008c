"""Serializer fields the API's request bodies share."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictStringMixin:
    """Only a JSON string is text: DRF's character fields also take a number (`0` would be
    stored as `"0"`), which the schema's `type: string` does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StringField(StrictStringMixin, serializers.CharField):
    """A text field of a JSON body."""


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "string", "maxLength": 0},
        ]
    }
)
class EmailOrBlankField(StrictStringMixin, serializers.EmailField):
    """An email address, or `""` when there is none: `format: email` alone would call the
    blank value invalid."""
