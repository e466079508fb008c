import logging
import threading
import time
from typing import NamedTuple

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from beautique.exceptions import DATABASE_RETRY_AFTER_SECONDS
from beautique.httpcache import Replayable
from beautique.pgbackend.base import HEALTH_CHECK_DEADLINE_SECONDS, query_deadline

logger = logging.getLogger(__name__)

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "database": serializers.ChoiceField(choices=["ok", "unreachable"]),
        "cache": serializers.ChoiceField(
            choices=["ok", "unreachable"],
            help_text="The shared cache (throttles, sign-in counters). Unreachable is "
            "degraded, not down: each process then counts on its own, and the answer "
            "stays 200 so a load balancer keeps the instance.",
        ),
        "timestamp": serializers.DateTimeField(),
    },
)


def database_reachable() -> bool:
    try:
        with query_deadline(HEALTH_CHECK_DEADLINE_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check could not reach the database: %s", error)
        return False
    return True


class Checks(NamedTuple):
    database_ok: bool
    cache_ok: bool
    until: float
    """Monotonic time until which these results are reused."""


class RecentChecks:
    """The last check of the dependencies, reused for `CHECK_SECONDS` in this process:
    a load balancer (or a benchmark) asking many times a second costs one query a
    second, and an outage still shows within a second."""

    CHECK_SECONDS = 1.0

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.result = Checks(False, False, self.checked_at)

    def get(self) -> Checks:
        with self.lock:
            if time.monotonic() - self.checked_at >= self.CHECK_SECONDS:
                self.checked_at = time.monotonic()
                self.result = Checks(
                    database_reachable(), cache.reachable(), self.checked_at + self.CHECK_SECONDS
                )
            return self.result

    def forget(self) -> None:
        with self.lock:
            self.checked_at = float("-inf")


recent_checks = RecentChecks()


@extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, tags=["operations"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """Liveness and each dependency, for load balancers and Docker's HEALTHCHECK.

    503 only when the database is unreachable: without it nothing works. The cache
    being unreachable is reported but stays 200. Checks are reused for a second, and so
    is a 200 answer: the server may replay it until the checks are made again.
    """
    database_ok, cache_ok, until = recent_checks.get()
    response = Response(
        {
            "status": "healthy" if database_ok else "unhealthy",
            "database": "ok" if database_ok else "unreachable",
            "cache": "ok" if cache_ok else "unreachable",
            "timestamp": timezone.localtime().isoformat(),
        },
        status=200 if database_ok else 503,
        headers=None if database_ok else {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
    if database_ok:
        response.replay = Replayable(until=until)
    return response
