"""Order endpoints: thin views over `orders.services` and `orders.selectors`."""

from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from beautique.httpcache import kept_get
from beautique.schema import ErrorSerializer, ValidationErrorSerializer
from orders.export import HEADER, export_filename, orders_csv_response
from orders.filters import StaffOrderFilter
from orders.models import Order
from orders.selectors import (
    order_by_reference,
    orders_with_details,
    staff_orders,
    track_order,
)
from orders.serializers import (
    OrderCreateSerializer,
    OrderDetailSerializer,
    OrderDetailWithHistorySerializer,
    OrderListItemSerializer,
    OrderStatusUpdateSerializer,
    OrderTrackingSerializer,
    TrackingQuerySerializer,
)
from orders.services import ORDERS, change_order_status, place_order
from orders.tracking import TrackingMissThrottle, record_miss

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Any string up to 255 characters. Repeating a request with the same key "
    "returns the order created the first time (200, same body); the same key with a "
    "different body is a 422.",
)


class OrderCreateView(APIView):
    """Place an order (customers have no accounts: no authentication)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "order_create"

    @extend_schema(
        operation_id="orders_create",
        summary="Place an order",
        request=OrderCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: OpenApiResponse(OrderDetailSerializer, description="The new order."),
            200: OpenApiResponse(
                OrderDetailSerializer,
                description="A repeat of an earlier request with the same Idempotency-Key: "
                "the order created then.",
            ),
        },
        tags=["orders"],
    )
    def post(self, request):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = place_order(
            customer=serializer.customer,
            items=serializer.validated_data["items"],
            payment_method=serializer.validated_data["payment_method"],
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        return Response(
            OrderDetailSerializer(order, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class OrderTrackingView(APIView):
    """Track an order with its order id and the phone it was placed with."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, TrackingMissThrottle]
    throttle_scope = "order_tracking"

    @extend_schema(
        operation_id="orders_track",
        summary="Track an order",
        parameters=[TrackingQuerySerializer],
        responses={
            200: OrderTrackingSerializer,
            404: OpenApiResponse(
                ErrorSerializer,
                description="`Order not found`: the same answer for an unknown order id "
                "and for a phone the order was not placed with.",
            ),
            422: OpenApiResponse(
                ValidationErrorSerializer, description="`order_id` or `phone` is missing."
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many tracking requests from this client, or too many "
                "lookups that found nothing for this phone number or this order id (10 "
                "within an hour, from any client); see `Retry-After`.",
            ),
        },
        tags=["orders"],
    )
    @kept_get(ORDERS)
    def get(self, request):
        query = TrackingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        order = track_order(query.validated_data["order_id"], query.validated_data["phone"])
        if order is None:
            record_miss(query.validated_data["order_id"], query.validated_data["phone"])
            raise exceptions.NotFound("Order not found")
        return Response(OrderTrackingSerializer(order, context={"request": request}).data)


ORDER_REFERENCE_PARAMETER = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The order's UUID `id` or its `order_id` (`BQ-20261121-007`).",
)


def order_or_404(reference: str, queryset=None) -> Order:
    order = order_by_reference(reference, queryset)
    if order is None:
        raise exceptions.NotFound("Order not found")
    return order


@extend_schema(tags=["staff: orders"], summary="List orders")
class StaffOrderListView(generics.ListAPIView):
    """All orders, newest first unless `ordering` says otherwise; filterable and paginated."""

    serializer_class = OrderListItemSerializer
    filterset_class = StaffOrderFilter
    get = kept_get(ORDERS)(generics.ListAPIView.get)

    def get_queryset(self):
        return staff_orders()


@extend_schema(
    tags=["staff: orders"],
    summary="One order, with its status history",
    parameters=[ORDER_REFERENCE_PARAMETER],
    responses={200: OrderDetailWithHistorySerializer},
)
class StaffOrderDetailView(APIView):
    def get(self, request, id):
        order = order_or_404(id)
        return Response(OrderDetailWithHistorySerializer(order, context={"request": request}).data)


class StaffOrderStatusView(APIView):
    """Change an order's statuses, estimated delivery and tracking notes."""

    @extend_schema(
        tags=["staff: orders"],
        summary="Update an order's status",
        description="Any non-empty subset of the fields. The statuses are judged as a "
        "whole by the order lifecycle (see docs/api.md): a refused change is a 422 naming "
        "each refused field, its current value and the values it may take from there, and "
        "nothing is changed; setting the order or the delivery Delivered sets the other. "
        "Every status that actually changes is recorded in `history` with the staff user, "
        "the time and the `note`.",
        parameters=[ORDER_REFERENCE_PARAMETER],
        request=OrderStatusUpdateSerializer,
        responses={200: OrderDetailWithHistorySerializer},
    )
    def patch(self, request, id):
        order = order_or_404(id, Order.objects.all())
        changes = OrderStatusUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        change_order_status(order=order, changed_by=request.user, **changes.validated_data)
        order = orders_with_details().get(pk=order.pk)
        return Response(OrderDetailWithHistorySerializer(order, context={"request": request}).data)


class CSVDownloadNegotiation(DefaultContentNegotiation):
    """A download answers CSV whatever `Accept` says (never a 406); its errors answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=["staff: orders"],
    summary="Export orders as CSV",
    description="The orders matching the same filters as the list, all of them (no "
    "pagination), streamed as a UTF-8 CSV attachment with a byte order mark. The file is "
    "named `orders_from_<start_date>_to_<end_date>.csv` (`orders_from_<start_date>.csv` or "
    "`orders_to_<end_date>.csv` with only one date, `orders.csv` with neither). Columns: "
    + ", ".join(HEADER)
    + ".",
    filters=True,
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
    },
)
class StaffOrderExportView(generics.GenericAPIView):
    filterset_class = StaffOrderFilter
    content_negotiation_class = CSVDownloadNegotiation

    def get_queryset(self):
        return staff_orders()

    def get(self, request):
        filters = self.filterset_class(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        dates = filters.form.cleaned_data
        return orders_csv_response(
            filters.qs, export_filename(dates.get("start_date"), dates.get("end_date"))
        )
