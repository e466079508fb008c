import logging

from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

logger = logging.getLogger(__name__)

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "database": serializers.ChoiceField(choices=["ok", "unreachable"]),
        "timestamp": serializers.DateTimeField(),
    },
)


@extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, tags=["operations"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """Liveness and database reachability, for load balancers and Docker's HEALTHCHECK."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database_ok = True
    except DatabaseError:
        logger.exception("Health check could not reach the database")
        database_ok = False
    return Response(
        {
            "status": "healthy" if database_ok else "unhealthy",
            "database": "ok" if database_ok else "unreachable",
            "timestamp": timezone.localtime().isoformat(),
        },
        status=200 if database_ok else 503,
    )
