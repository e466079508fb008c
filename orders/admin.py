"""Orders in the Django admin: where staff follow up, confirm payments and dispatch.

Orders come from customers only (no add) and are never deleted. Every status change,
from the order form or from a list action, goes through the status service
(`change_order_status`, `change_orders_status`), so the history names the staff member
who made it.
"""

from functools import partial
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from beautique.money import format_money
from orders import lifecycle
from orders.export import export_filename, orders_csv_response
from orders.filters import phone_search
from orders.models import Order, OrderStatus, OrderStatusEvent, PaymentStatus, StatusField
from orders.phone import canonical_phone_or_none
from orders.services import change_order_status, change_orders_status

STATUS_FORM_FIELDS = (
    StatusField.PAYMENT,
    StatusField.ORDER,
    StatusField.DELIVERY,
    "estimated_delivery",
    "tracking_notes",
)
"""The fields staff edit on the order page; all of them are saved by `change_order_status`."""


def status_badge(value: str):
    return format_html(
        '<span class="badge badge-{}">{}</span>', value.lower().replace(" ", "-"), value
    )


def whatsapp_url(order: Order) -> str | None:
    """A wa.me link to the customer's WhatsApp (or phone) with a message naming the order."""
    # Only a number the numbering plans recognise: never a guess at a stored one.
    digits = canonical_phone_or_none(order.whatsapp) or canonical_phone_or_none(order.phone)
    if not digits:
        return None
    message = (
        f"Assalam-o-Alaikum {order.customer_name}, this is Beautique Store about your "
        f"order {order.order_id} of PKR {format_money(order.total_amount)}."
    )
    return f"https://wa.me/{digits}?text={quote(message)}"


class OrderStatusForm(forms.ModelForm):
    """The order page's status fields, offering for each status only the values the
    lifecycle (`orders.lifecycle`) allows from the stored ones, and judging the change
    as a whole before it is saved."""

    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why: kept in the status history. Required to reopen a Delivered or "
        "Cancelled order (superusers only).",
    )

    class Meta:
        model = Order
        fields = STATUS_FORM_FIELDS

    def __init__(self, *args, may_reopen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_reopen = may_reopen
        self.stored = {field: getattr(self.instance, field) for field in lifecycle.FIELDS}
        for field in lifecycle.FIELDS:
            offered = lifecycle.reachable_values(self.stored, field, may_reopen=may_reopen)
            self.fields[field].choices = [
                (value, label) for value, label in self.fields[field].choices if value in offered
            ]

    def clean(self):
        cleaned = super().clean()
        changes = {field: cleaned[field] for field in lifecycle.FIELDS if field in cleaned}
        try:
            lifecycle.judge(
                self.stored,
                changes,
                may_reopen=self.may_reopen and bool(cleaned.get("note", "").strip()),
            )
        except lifecycle.Refused as refused:
            for field, why in refused.problems.items():
                self.add_error(field, why)
        return cleaned


class OrderStatusEventInline(admin.TabularInline):
    """The order's status history: read-only, written only by the status service."""

    model = OrderStatusEvent
    verbose_name = "status change"
    verbose_name_plural = "Status history"
    fields = ("created_at", "field", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    form = OrderStatusForm
    list_display = (
        "order_id",
        "date",
        "customer_name",
        "phone",
        "city",
        "total",
        "payment_method",
        "payment_badge",
        "order_badge",
        "delivery_badge",
    )
    list_filter = ("payment_status", "order_status", "delivery_status", "payment_method")
    date_hierarchy = "order_date"
    search_fields = ("order_id", "customer_name", "email")
    search_help_text = "Order id, customer name, email, or a phone number in any notation."
    ordering = ("-created_at", "-id")
    list_per_page = 50
    readonly_fields = (
        "order_id",
        "placed",
        "customer_name",
        "phone",
        "whatsapp_link",
        "email",
        "address",
        "city",
        "country",
        "notes",
        "payment_method",
        "items_table",
    )
    fieldsets = (
        (None, {"fields": ("order_id", "placed", "payment_method")}),
        (
            "Customer",
            {
                "fields": (
                    "customer_name",
                    "phone",
                    "whatsapp_link",
                    "email",
                    "address",
                    "city",
                    "country",
                    "notes",
                )
            },
        ),
        ("Items", {"fields": ("items_table",)}),
        ("Status", {"fields": (*STATUS_FORM_FIELDS, "note")}),
    )
    inlines = (OrderStatusEventInline,)
    actions = (
        "mark_payment_paid",
        "mark_payment_verified",
        "set_status_processing",
        "set_status_ready",
        "set_status_delivered",
        "set_status_cancelled",
        "export_csv",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """The usual text search, plus the phone number in any notation (as the API)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        phone = phone_search(search_term.strip())
        if phone is not None:
            found |= queryset.filter(phone)
        return found, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return partial(form, may_reopen=request.user.is_superuser)

    def save_model(self, request, obj, form, change):
        """Save the edited statuses through the status service, never directly (a
        change another staff member made meanwhile may make it refuse: said, not saved)."""
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "note"}
        if not changes:
            return
        try:
            change_order_status(
                order=obj, changed_by=request.user, note=form.cleaned_data["note"], **changes
            )
        except ValidationError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)

    # List columns

    @admin.display(description="Date", ordering="order_date")
    def date(self, order):
        return date_format(order.order_date, "j M Y")

    @admin.display(description="Total (PKR)", ordering="total_amount")
    def total(self, order):
        return format_money(order.total_amount)

    @admin.display(description="Payment", ordering="payment_status")
    def payment_badge(self, order):
        return status_badge(order.payment_status)

    @admin.display(description="Status", ordering="order_status")
    def order_badge(self, order):
        if lifecycle.refund_due(order):
            return format_html(
                "{} {}", status_badge(order.order_status), status_badge("Refund due")
            )
        return status_badge(order.order_status)

    @admin.display(description="Delivery", ordering="delivery_status")
    def delivery_badge(self, order):
        return status_badge(order.delivery_status)

    # Order page

    @admin.display(description="Placed")
    def placed(self, order):
        return date_format(timezone.localtime(order.created_at), "DATETIME_FORMAT")

    @admin.display(description="WhatsApp")
    def whatsapp_link(self, order):
        url = whatsapp_url(order)
        if url is None:
            return order.whatsapp
        return format_html(
            '{} <a href="{}" target="_blank" rel="noopener noreferrer">Message on WhatsApp</a>',
            order.whatsapp,
            url,
        )

    @admin.display(description="Items")
    def items_table(self, order):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td class="amount">{}</td><td class="amount">{}</td><td class="amount">{}</td></tr>',
            (
                (
                    format_html('<img class="thumb" src="{}" alt="">', item.image)
                    if item.image
                    else mark_safe('<span class="thumb-none"></span>'),
                    item.name,
                    item.size,
                    item.color,
                    item.quantity,
                    format_money(item.unit_price),
                    format_money(item.line_total),
                )
                for item in order.items.all()
            ),
        )
        return format_html(
            '<table class="order-items"><thead><tr><th></th><th>Product</th><th>Size</th>'
            '<th>Color</th><th class="amount">Qty</th><th class="amount">Unit price</th>'
            '<th class="amount">Line total</th></tr></thead><tbody>{}</tbody>'
            '<tfoot><tr><th colspan="6" class="amount">Total (PKR)</th>'
            '<th class="amount">{}</th></tr></tfoot></table>',
            rows,
            format_money(order.total_amount),
        )

    # Actions: one status-service call for all the selected orders not already there.

    def _set_status(self, request, queryset, field: str, value: str):
        orders = list(queryset.exclude(**{field: value}).order_by("created_at"))
        moved, skipped = change_orders_status(
            orders=orders, changed_by=request.user, **{field: value}
        )
        unchanged = queryset.count() - len(orders)
        label = field.replace("_", " ")
        message = f"Set the {label} of {len(moved)} order(s) to {value}."
        if unchanged:
            message += f" {unchanged} already had it."
        self.message_user(request, message, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Skipped {len(skipped)} order(s) the order lifecycle does not let move: "
                + "; ".join(f"{order.order_id}: {why}" for order, why in skipped.items()),
                messages.WARNING,
            )

    @admin.action(description="Mark payment Paid", permissions=["change"])
    def mark_payment_paid(self, request, queryset):
        self._set_status(request, queryset, StatusField.PAYMENT, PaymentStatus.PAID)

    @admin.action(description="Mark payment Verified", permissions=["change"])
    def mark_payment_verified(self, request, queryset):
        self._set_status(request, queryset, StatusField.PAYMENT, PaymentStatus.VERIFIED)

    @admin.action(description="Set order status Processing", permissions=["change"])
    def set_status_processing(self, request, queryset):
        self._set_status(request, queryset, StatusField.ORDER, OrderStatus.PROCESSING)

    @admin.action(description="Set order status Ready", permissions=["change"])
    def set_status_ready(self, request, queryset):
        self._set_status(request, queryset, StatusField.ORDER, OrderStatus.READY)

    @admin.action(description="Set order status Delivered", permissions=["change"])
    def set_status_delivered(self, request, queryset):
        self._set_status(request, queryset, StatusField.ORDER, OrderStatus.DELIVERED)

    @admin.action(description="Set order status Cancelled", permissions=["change"])
    def set_status_cancelled(self, request, queryset):
        self._set_status(request, queryset, StatusField.ORDER, OrderStatus.CANCELLED)

    @admin.action(description="Export selected orders as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return orders_csv_response(queryset.order_by("-created_at", "-id"), export_filename())
