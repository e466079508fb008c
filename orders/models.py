import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# An order has 1 to MAX_ORDER_LINES lines of 1 to MAX_LINE_QUANTITY pieces each.
MAX_ORDER_LINES = 50
MAX_LINE_QUANTITY = 99


class PaymentMethod(models.TextChoices):
    EASYPAISA = "Easypaisa"
    MEEZAN_BANK = "Meezan Bank"
    INTERNATIONAL_BANK = "International Bank"


class PaymentStatus(models.TextChoices):
    PENDING = "Pending"
    PAID = "Paid"
    VERIFIED = "Verified"


class OrderStatus(models.TextChoices):
    RECEIVED = "Received"
    PROCESSING = "Processing"
    READY = "Ready"
    DELIVERED = "Delivered"
    CANCELLED = "Cancelled"


class DeliveryStatus(models.TextChoices):
    NOT_STARTED = "Not Started"
    IN_PROGRESS = "In Progress"
    OUT_FOR_DELIVERY = "Out for Delivery", "Out for Delivery"
    DELIVERED = "Delivered"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.CharField(max_length=20, unique=True, editable=False)
    customer_name = models.CharField(max_length=255)
    phone = models.CharField(max_length=32)
    phone_digits = models.CharField(
        max_length=15,
        db_index=True,
        editable=False,
        help_text="The phone in one canonical notation, for tracking and search.",
    )
    whatsapp = models.CharField(max_length=32)
    email = models.EmailField(blank=True, default="")
    address = models.TextField(max_length=1000)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100, default="Pakistan")
    notes = models.TextField(max_length=500, blank=True, default="")
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_method = models.CharField(max_length=32, choices=PaymentMethod.choices)
    payment_status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    order_status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.RECEIVED, db_index=True
    )
    delivery_status = models.CharField(
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.NOT_STARTED,
        db_index=True,
    )
    estimated_delivery = models.DateField(
        null=True,
        blank=True,
        error_messages={
            "invalid": "Estimated delivery must be a date (YYYY-MM-DD) or null",
            "invalid_date": "Estimated delivery must be a date (YYYY-MM-DD) or null",
        },
    )
    # The contract has null for "no notes", so null is the one empty value here.
    tracking_notes = models.TextField(  # noqa: DJ001
        max_length=2000,
        null=True,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        error_messages={"max_length": "Tracking notes must be at most %(limit_value)d characters"},
    )
    order_date = models.DateField(db_index=True, editable=False)
    # Set by the services (not auto_now): an imported or demo order keeps the moment it
    # was placed, and a status change dated in the past keeps its own time.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(
        max_length=255, null=True, blank=True, unique=True, editable=False
    )
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    summary_shard = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Which of its day's summary rows this order is counted in (orders.summaries).",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["payment_method"], name="order_payment_method"),
            models.Index(fields=["total_amount"], name="order_total_amount"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__gte=0), name="order_total_not_negative"
            ),
        ]

    def __str__(self):
        return self.order_id


class OrderItem(models.Model):
    """One line of an order, with a snapshot of the product as it was sold."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product_uuid = models.UUIDField(help_text="The product's id, kept after it is deleted.")
    name = models.CharField(max_length=255)
    size = models.CharField(max_length=8)
    color = models.CharField(max_length=50)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    image = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            # A cancellation looks up a product's lines on a day to find its latest one
            # (orders.summaries): through a few hundred lines, not every line.
            models.Index(fields=["product_uuid"], name="order_item_product_uuid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="order_item_quantity_range",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_item_price_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.size}/{self.color}) x{self.quantity}"


class StatusField(models.TextChoices):
    PAYMENT = "payment_status"
    ORDER = "order_status"
    DELIVERY = "delivery_status"


class OrderStatusEvent(models.Model):
    """One status change of an order: who moved which status from what to what, and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    field = models.CharField(max_length=20, choices=StatusField.choices)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    note = models.TextField(
        blank=True, default="", db_default="", help_text="Why (required to reopen an order)."
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.field}: {self.from_status} -> {self.to_status}"


class DailyOrderSequence(models.Model):
    """The last order number handed out on each store-local day."""

    date = models.DateField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.date}: {self.last_number}"


class OrderDaySummary(models.Model):
    """The orders placed on one store-local day in one combination of the three statuses:
    how many, and the sum of their totals.

    Derived data, kept by `orders.summaries` in the same transaction as every placement
    and status change, so the dashboard adds up a few rows a day instead of every order.
    An order changing statuses moves from one row to another; a row whose orders have
    all moved on stays, at zero. Each order counts in the rows of its `summary_shard`,
    so orders placed at once on different database connections lock different rows;
    the day's figures are the sum over the shards.
    """

    order_date = models.DateField()
    payment_status = models.CharField(max_length=16)
    order_status = models.CharField(max_length=16)
    delivery_status = models.CharField(max_length=20)
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)
    orders = models.IntegerField(default=0)
    total_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "order_date",
                    "payment_status",
                    "order_status",
                    "delivery_status",
                    "shard",
                ],
                name="order_day_summary_unique_shard",
            ),
        ]

    def __str__(self):
        return (
            f"{self.order_date} {self.payment_status}/{self.order_status}/"
            f"{self.delivery_status}: {self.orders}"
        )


class SalesPeriod(models.TextChoices):
    DAY = "day"
    MONTH = "month"


class ProductSalesSummary(models.Model):
    """What one product sold on the orders of one store-local day, or one calendar month,
    that are not cancelled: units, revenue and its latest line.

    Derived data, kept by `orders.summaries` like `OrderDaySummary`. Each line counts in
    its day's row and in its month's row, so a date range adds up a month row for each
    whole month and day rows only for the days around them: a year is 12 rows per
    product, not 365. `latest_line_id` is the highest `OrderItem` id among the counted
    lines (its name is the product's latest name); a row whose lines were all cancelled
    stays, at zero, with none. Rows are per shard, as `OrderDaySummary`'s: a line
    counts in the shard of its order.
    """

    period = models.CharField(max_length=8, choices=SalesPeriod.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    product_uuid = models.UUIDField()
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)
    quantity = models.IntegerField(default=0)
    revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    latest_line_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "first_day", "product_uuid", "shard"],
                name="product_sales_summary_unique_shard",
            ),
        ]

    def __str__(self):
        return f"{self.product_uuid} {self.period} {self.first_day}: {self.quantity}"
