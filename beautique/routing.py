from django.urls import re_path


def route(pattern: str, view, name: str | None = None):
    """A URL that matches `pattern` with or without a trailing slash, never redirecting."""
    return re_path(rf"^{pattern}/?$", view, name=name)
