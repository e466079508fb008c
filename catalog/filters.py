"""Query parameters of the product lists (docs/api.md, "Products").

Every invalid value is a form error, which django-filter's backend raises as a DRF
`ValidationError`: the exception handler answers a 422 naming the parameter.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.db.models import Q
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from catalog.models import Product, Size
from catalog.search import search_products
from catalog.selectors import PRODUCT_ORDERINGS

ORDERING_CHOICES = [
    ("newest", "Newest first"),
    ("price", "Price, lowest first"),
    ("-price", "Price, highest first"),
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
]


class StrictBooleanField(forms.Field):
    """`true` or `false` (any case); anything else is an error rather than "no filter"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # A plain text widget: django-filter's BooleanWidget turns unknown values into None.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class UpperCaseChoiceField(filter_fields.ChoiceField):
    """A choice typed in any case (`m` means `M`)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


class SizeFilter(filters.ChoiceFilter):
    field_class = UpperCaseChoiceField


class PriceBoundFilter(filters.NumberFilter):
    """An inclusive bound on `effective_price`: any number (`1e-9`, `-5`, `1e60`).

    Prices are 0 to `Product.MAX_PRICE` with 2 decimals, so the bound is rounded to the
    cent on its inner side (a minimum up, a maximum down) and held just outside that
    range. That never changes which products it selects, and the database is only
    ever given a number its price column can be compared with (PostgreSQL refuses
    `1e-999999` rather than matching nothing).
    """

    def __init__(self, *args, lookup_expr: str, **kwargs):
        super().__init__(*args, field_name="effective_price", lookup_expr=lookup_expr, **kwargs)

    def get_max_validator(self):
        return None

    def filter(self, qs, value):
        if value is None:
            return qs
        outside = Decimal("0.01")
        held = min(max(value, -outside), Product.MAX_PRICE + outside)
        rounding = ROUND_CEILING if self.lookup_expr == "gte" else ROUND_FLOOR
        return super().filter(qs, held.quantize(outside, rounding=rounding))


class ProductFilterForm(forms.Form):
    """Checks the price bounds together: a minimum above the maximum is an error."""

    def clean(self):
        cleaned = super().clean()
        low_name, low = self._bound(cleaned, "min_price", "minPrice")
        high_name, high = self._bound(cleaned, "max_price", "maxPrice")
        if low is not None and high is not None and low > high:
            self.add_error(low_name, f"{low_name} must not be greater than {high_name}.")
        return cleaned

    def _bound(self, cleaned, name, alias):
        for key in (name, alias):
            if cleaned.get(key) is not None:
                return key, cleaned[key]
        return name, None


class ProductFilter(filters.FilterSet):
    category = filters.CharFilter(
        method="filter_category",
        help_text="Category name or slug, case-insensitive (`Lehanga Choli` = `lehanga-choli`). "
        "An unknown category gives an empty list.",
    )
    search = filters.CharFilter(
        method="filter_search",
        help_text="Words a product must all match, in any case, in its name, category, "
        "colors or description; each word may begin a longer one (`chiff` finds chiffon). "
        "Synonyms staff keep in the admin count as the same word (`lehnga` = `lehenga` = "
        "`lehanga`, `kurti` = `long shirt`), and a word that neither is nor begins a word "
        "of the catalog is corrected to the catalog words one edit away, two from eight "
        "letters (`chifon` finds chiffon). Filler words (`dress`, `for`) are left out. "
        "Without `ordering`, results come best first: the more of the query's words in "
        "the name, the higher, then newest.",
    )
    min_price = PriceBoundFilter(
        lookup_expr="gte",
        help_text="Lowest effective price (PKR), inclusive; not above `max_price`.",
    )
    max_price = PriceBoundFilter(
        lookup_expr="lte", help_text="Highest effective price (PKR), inclusive."
    )
    # The storefront's camelCase spellings.
    minPrice = PriceBoundFilter(lookup_expr="gte", help_text="Alias of `min_price`.")
    maxPrice = PriceBoundFilter(lookup_expr="lte", help_text="Alias of `max_price`.")
    size = extend_schema_field(
        {
            "type": "string",
            "enum": Size.values,
            "description": "Products offered in this size (any case: `m` = `M`; "
            "another value is a 422).",
        }
    )(SizeFilter(field_name="sizes", lookup_expr="has_element", choices=Size.choices))
    color = filters.CharFilter(
        method="filter_color", help_text="Products offered in this color, case-insensitive."
    )
    is_bestseller = StrictBooleanFilter(
        help_text="`true` for bestsellers only, `false` for the others."
    )
    ordering = filters.ChoiceFilter(
        method="order_products",
        choices=ORDERING_CHOICES,
        empty_label=None,
        help_text="Sort order (default `newest`).",
    )

    class Meta:
        model = Product
        fields = []
        form = ProductFilterForm

    def filter_category(self, queryset, name, value: str):
        return queryset.filter(Q(category__name__iexact=value) | Q(category__slug__iexact=value))

    def filter_search(self, queryset, name, value: str):
        return search_products(queryset, value)

    def filter_color(self, queryset, name, value: str):
        return queryset.filter(color_keys__has_element=value.lower())

    def order_products(self, queryset, name, value: str):
        return queryset.order_by(*PRODUCT_ORDERINGS[value])


class StaffProductFilter(ProductFilter):
    """The public filters plus `is_active`, for the staff list of every product."""

    is_active = StrictBooleanFilter(
        help_text="`true` for active products only, `false` for soft-deleted ones."
    )

    class Meta(ProductFilter.Meta):
        pass
