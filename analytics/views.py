"""The staff dashboard: a thin view over `analytics.services.dashboard`."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.serializers import DashboardQuerySerializer, DashboardSerializer
from analytics.services import dashboard
from beautique.httpcache import kept_get
from beautique.schema import ValidationErrorSerializer
from orders.services import ORDERS


class DashboardView(APIView):
    """Order counts, revenue, breakdowns, recent orders, daily series and top products."""

    @extend_schema(
        operation_id="admin_analytics_dashboard",
        summary="Dashboard figures",
        description="Figures for the orders placed from start_date to end_date (inclusive, "
        "store-local order dates; all time by default). revenue_by_day covers that range, "
        "by default the last 30 days ending today. A start_date after end_date, a date "
        "that is not YYYY-MM-DD, or a range longer than 3660 days (ten years) is a 422.",
        parameters=[DashboardQuerySerializer],
        responses={200: DashboardSerializer, 422: ValidationErrorSerializer},
        tags=["staff: analytics"],
    )
    @kept_get(ORDERS, variant=lambda: timezone.localdate().isoformat())
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = dashboard(**query.validated_data)
        return Response(DashboardSerializer(figures, context={"request": request}).data)
