"""Shapes of orders in the API (docs/api.md, "Orders" and "Staff", "Orders")."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beautique.fields import EmailOrBlankField, StringField
from beautique.schema import any_case_pattern
from beautique.serializers import ModelSerializer, Serializer
from catalog.models import Size
from orders.models import (
    MAX_LINE_QUANTITY,
    MAX_ORDER_LINES,
    Order,
    OrderItem,
    OrderStatusEvent,
    PaymentMethod,
)
from orders.phone import PHONE_PATTERN, canonical_phone
from orders.services import CUSTOMER_FIELDS


class OrderListItemSerializer(ModelSerializer):
    """One order in the staff list and the dashboard's recent orders."""

    class Meta:
        model = Order
        fields = [
            "id",
            "order_id",
            "customer_name",
            "phone",
            "city",
            "total_amount",
            "payment_method",
            "payment_status",
            "order_status",
            "delivery_status",
            "order_date",
            "created_at",
        ]
        read_only_fields = fields


class OrderItemSerializer(ModelSerializer):
    """One order line as sold: the product snapshot, unit price paid and line total."""

    product_id = serializers.UUIDField(source="product_uuid", read_only=True)
    price = serializers.DecimalField(
        source="unit_price", max_digits=10, decimal_places=2, read_only=True
    )
    image = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = ["product_id", "name", "size", "color", "quantity", "price", "line_total", "image"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_image(self, item: OrderItem) -> str | None:
        if not item.image:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(item.image) if request is not None else item.image


class StatusChangeSerializer(ModelSerializer):
    """One status change for staff: `{field, from, to, changed_by, at}`."""

    to = serializers.CharField(source="to_status", read_only=True)
    changed_by = serializers.CharField(
        source="changed_by.username",
        allow_null=True,
        read_only=True,
        help_text="Username of the staff member, null for the system.",
    )
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = OrderStatusEvent
        fields = ["field", "to", "changed_by", "at", "note"]
        read_only_fields = fields

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields = super().get_fields()
        fields["from"] = serializers.CharField(source="from_status", read_only=True)
        order = ["field", "from", "to", "changed_by", "at", "note"]
        return {name: fields[name] for name in order}


class TimelineEventSerializer(ModelSerializer):
    """One status change as customers see it: which status, its new value, when."""

    status = serializers.CharField(source="to_status", read_only=True)
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = OrderStatusEvent
        fields = ["field", "status", "at"]
        read_only_fields = fields


ORDER_DETAIL_FIELDS = [
    "id",
    "order_id",
    "customer_name",
    "phone",
    "whatsapp",
    "email",
    "address",
    "city",
    "country",
    "notes",
    "items",
    "total_amount",
    "payment_method",
    "payment_status",
    "order_status",
    "delivery_status",
    "estimated_delivery",
    "tracking_notes",
    "order_date",
    "created_at",
    "updated_at",
]


class OrderDetailSerializer(ModelSerializer):
    """The order detail object (the POST response): give it orders with their items
    loaded (`orders_with_details()`, or as `place_order` returns them)."""

    items = OrderItemSerializer(many=True, read_only=True)
    email = EmailOrBlankField(read_only=True, help_text="Empty when the customer gave none.")

    class Meta:
        model = Order
        fields = ORDER_DETAIL_FIELDS
        read_only_fields = fields


class OrderDetailWithHistorySerializer(OrderDetailSerializer):
    """The order detail object for staff views: plus `history`, oldest change first."""

    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta(OrderDetailSerializer.Meta):
        fields = [*ORDER_DETAIL_FIELDS, "history"]
        read_only_fields = fields


class OrderTrackingSerializer(ModelSerializer):
    """What a customer sees when tracking: no phone, WhatsApp, email or address."""

    items = OrderItemSerializer(many=True, read_only=True)
    timeline = TimelineEventSerializer(source="history", many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "order_id",
            "order_date",
            "customer_name",
            "items",
            "total_amount",
            "payment_method",
            "payment_status",
            "order_status",
            "delivery_status",
            "estimated_delivery",
            "tracking_notes",
            "timeline",
        ]
        read_only_fields = fields


class PhoneField(StringField):
    """A phone number as the customer typed it, checked by `orders.phone.canonical_phone`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "help_text",
            "10-15 digits in local or international notation (`03001234567`, "
            "`+92 300 1234567`, `+44 7911 123456`): digits, spaces, hyphens, dots, "
            "parentheses and one leading `+`.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            canonical_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value


class OrderLineInputSerializer(Serializer):
    """One line of a new order. Any `name`, `price` or `image` sent along is ignored."""

    schema_rules = {"properties": {"size": {"pattern": any_case_pattern(Size.values)}}}

    product_id = serializers.UUIDField()
    size = StringField(max_length=8)
    color = StringField(max_length=50)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)

    def validate_size(self, value: str) -> str:
        """Size codes are upper case (`S`...`XXL`); `m` means `M`, as in the catalog filter."""
        return value.upper()


class OrderCreateSerializer(Serializer):
    """The body of `POST /api/orders`: field rules only; the catalog checks are the service's."""

    schema_rules = {
        "properties": {"phone": {"pattern": PHONE_PATTERN}, "whatsapp": {"pattern": PHONE_PATTERN}}
    }

    customer_name = StringField(min_length=3, max_length=255)
    phone = PhoneField()
    whatsapp = PhoneField()
    email = EmailOrBlankField(required=False, allow_blank=True, allow_null=True, max_length=254)
    address = StringField(min_length=10, max_length=1000)
    city = StringField(min_length=2, max_length=100)
    country = StringField(
        required=False, allow_blank=True, allow_null=True, max_length=100, default="Pakistan"
    )
    notes = StringField(
        required=False, allow_blank=True, allow_null=True, max_length=500, default=""
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    items = serializers.ListField(
        child=OrderLineInputSerializer(),
        min_length=1,
        max_length=MAX_ORDER_LINES,
        help_text=f"1-{MAX_ORDER_LINES} lines. Lines of one product in one size and color (in "
        f"any case) become one line: their quantities together must be 1-{MAX_LINE_QUANTITY}. "
        "Name, unit price and image come from the catalog.",
    )

    def validate(self, attrs):
        attrs["email"] = attrs.get("email") or ""
        attrs["country"] = attrs.get("country") or "Pakistan"
        attrs["notes"] = attrs.get("notes") or ""
        return attrs

    @property
    def customer(self) -> dict:
        return {name: self.validated_data[name] for name in CUSTOMER_FIELDS}


class TrackingQuerySerializer(Serializer):
    """The query of `GET /api/orders/track`."""

    order_id = serializers.CharField(max_length=32, help_text="e.g. BQ-20261121-007")
    phone = serializers.CharField(
        max_length=32, help_text="The phone the order was placed with, in any notation."
    )


class OrderStatusUpdateSerializer(serializers.ModelSerializer):
    """The body of `PATCH /api/admin/orders/{id}/status`: any non-empty subset of its fields.

    Field rules (status spellings, `tracking_notes` length, null) come from the model;
    which status changes an order may take, from the lifecycle (`orders.lifecycle`),
    judged by the status service.
    """

    schema_rules = {
        "anyOf": [
            {"required": [name]}
            for name in (
                "payment_status",
                "order_status",
                "delivery_status",
                "estimated_delivery",
                "tracking_notes",
            )
        ]
    }

    tracking_notes = StringField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=Order._meta.get_field("tracking_notes").max_length,
        help_text=f"Up to {Order._meta.get_field('tracking_notes').max_length} characters, "
        "or null (or empty) to clear them.",
    )
    note = StringField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why: recorded with each status change in `history`, and required (from "
        "a superuser) to reopen a Delivered or Cancelled order.",
    )

    class Meta:
        model = Order
        fields = [
            "payment_status",
            "order_status",
            "delivery_status",
            "estimated_delivery",
            "tracking_notes",
            "note",
        ]
        extra_kwargs = {
            "estimated_delivery": {"help_text": "`YYYY-MM-DD`, or null to clear it."},
        }

    def validate(self, attrs):
        changing = [name for name in self.Meta.fields if name != "note"]
        if not set(attrs) & set(changing):
            raise serializers.ValidationError(f"Send at least one of: {', '.join(changing)}.")
        return attrs
