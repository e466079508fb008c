"""Query parameters of the staff order list and its CSV export (docs/api.md, "Staff", "Orders").

Every invalid value is a form error, which django-filter's backend raises as a DRF
`ValidationError`: the exception handler answers a 422 naming the parameter.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters import rest_framework as filters

from orders.models import DeliveryStatus, Order, OrderStatus, PaymentMethod, PaymentStatus
from orders.phone import canonical_phone_or_none, digits_only
from orders.selectors import STAFF_ORDER_ORDERINGS, check_date_range

# A search term with fewer digits than this is not looked for in phone numbers: "BQ-2026"
# or "Flat 3" would otherwise match a great many of them.
MIN_PHONE_SEARCH_DIGITS = 4


class StaffOrderFilterForm(forms.Form):
    """Checks the date range as a whole: a start after the end is an error."""

    def clean(self):
        cleaned = super().clean()
        try:
            check_date_range(cleaned.get("start_date"), cleaned.get("end_date"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def phone_search(term: str) -> Q | None:
    """Orders whose phone matches `term` in any notation, or None if `term` has too few digits.

    A whole number (`0300-1234567`, `+92 300 1234567`) is compared in its canonical form,
    served by the `phone_digits` index. A fragment (`1234567`, `0300 12`) is looked for
    inside the canonical numbers, without the leading zeros of a trunk or dialling prefix,
    which the canonical form never holds.
    """
    digits = digits_only(term)
    if len(digits) < MIN_PHONE_SEARCH_DIGITS:
        return None
    canonical = canonical_phone_or_none(term)
    if canonical:
        return Q(phone_digits=canonical)
    return Q(phone_digits__contains=digits.lstrip("0") or digits)


class StaffOrderFilter(filters.FilterSet):
    payment_status = filters.ChoiceFilter(
        choices=PaymentStatus.choices, help_text="Orders with this payment status."
    )
    order_status = filters.ChoiceFilter(
        choices=OrderStatus.choices, help_text="Orders with this order status."
    )
    delivery_status = filters.ChoiceFilter(
        choices=DeliveryStatus.choices, help_text="Orders with this delivery status."
    )
    payment_method = filters.ChoiceFilter(
        choices=PaymentMethod.choices, help_text="Orders paid with this method."
    )
    search = filters.CharFilter(
        method="filter_search",
        help_text="Case-insensitive text found in the order id, customer name or email, "
        "or a phone number (or at least 4 of its digits) in any notation. Blank = no filter.",
    )
    start_date = filters.DateFilter(
        field_name="order_date",
        lookup_expr="gte",
        help_text="Orders placed on or after this store-local date (`YYYY-MM-DD`); "
        "not after `end_date`.",
    )
    end_date = filters.DateFilter(
        field_name="order_date",
        lookup_expr="lte",
        help_text="Orders placed on or before this store-local date (`YYYY-MM-DD`).",
    )
    ordering = filters.ChoiceFilter(
        method="order_orders",
        choices=[(value, value) for value in STAFF_ORDER_ORDERINGS],
        empty_label=None,
        help_text="Sort order (default `-created_at`, newest first).",
    )

    class Meta:
        model = Order
        fields = []
        form = StaffOrderFilterForm

    def filter_search(self, queryset, name, value: str):
        term = value.strip()
        if not term:
            return queryset
        condition = (
            Q(order_id__icontains=term)
            | Q(customer_name__icontains=term)
            | Q(email__icontains=term)
        )
        phone = phone_search(term)
        if phone is not None:
            condition |= phone
        return queryset.filter(condition)

    def order_orders(self, queryset, name, value: str):
        return queryset.order_by(*STAFF_ORDER_ORDERINGS[value])
