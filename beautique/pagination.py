"""`page`/`limit` pagination (docs/api.md, "Pagination")."""

import math

from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response


def positive_int_param(query_params, name: str, default: int) -> int:
    """Read a positive integer query parameter, or raise a 422 naming it."""
    raw = query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise exceptions.ValidationError({name: [f"{name} must be a positive integer."]})
    return value


class PagePagination(BasePagination):
    """`?page=&limit=` pagination answering `{items, total, page, limit, total_pages}`.

    A page past the end is an empty page, not a 404; `limit` above the maximum is
    clamped; a `page` or `limit` that is not a positive integer is a 422.
    """

    default_limit = 20
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.page = positive_int_param(request.query_params, "page", 1)
        self.limit = min(
            positive_int_param(request.query_params, "limit", self.default_limit), self.max_limit
        )
        offset = (self.page - 1) * self.limit
        # A queryset may know a cheaper way than a count and a slice (a search).
        cheaper = getattr(queryset, "page_and_total", lambda offset, limit: None)
        if (answer := cheaper(offset, self.limit)) is not None:
            page, self.total = answer
            return page
        self.total = queryset.count()
        if offset >= self.total:
            return []
        return list(queryset[offset : offset + self.limit])

    def get_paginated_response(self, data):
        return Response(
            {
                "items": data,
                "total": self.total,
                "page": self.page,
                "limit": self.limit,
                "total_pages": max(1, math.ceil(self.total / self.limit)),
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["items", "total", "page", "limit", "total_pages"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "example": 137},
                "page": {"type": "integer", "example": 2},
                "limit": {"type": "integer", "example": 20},
                "total_pages": {"type": "integer", "example": 7},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "1-based page number (default 1).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Items per page (default {self.default_limit}, "
                f"values above {self.max_limit} are clamped).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
