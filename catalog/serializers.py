from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beautique.fields import StringField
from beautique.schema import any_case_pattern, trimmed_text_pattern
from catalog.models import DESCRIPTION_LENGTH, NAME_LENGTH, Category, Product, ProductImage, Size

COLOR_MAX_LENGTH = Product.COLOR_MAX_LENGTH
IMAGE_URL_MAX_LENGTH = ProductImage._meta.get_field("url").max_length


class ProductSerializer(serializers.ModelSerializer):
    """The contract's product object, shared by the public and the staff catalog API.

    Render it with the `request` in the context so image URLs are absolute, from a
    queryset built by `catalog.selectors.with_product_relations`.
    """

    category = serializers.CharField(source="category.name", read_only=True)
    category_slug = serializers.CharField(source="category.slug", read_only=True)
    regular_price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    sale_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True
    )
    effective_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="The sale price when set, else the regular price.",
    )
    discount_percentage = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Whole-number percentage off the regular price, or null without a sale.",
    )
    images = serializers.SerializerMethodField(help_text="Absolute URLs, in display order.")
    sizes = serializers.ListField(
        child=serializers.ChoiceField(choices=Size.values), read_only=True
    )
    colors = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "category",
            "category_slug",
            "regular_price",
            "sale_price",
            "effective_price",
            "discount_percentage",
            "description",
            "images",
            "sizes",
            "colors",
            "is_bestseller",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_images(self, product: Product) -> list[str]:
        request = self.context.get("request")
        sources = [image.src for image in product.images.all()]
        if request is None:
            return sources
        return [request.build_absolute_uri(src) for src in sources]


class BestsellersQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=8, help_text="How many products (1-50, default 8)."
    )


class BestsellersSerializer(serializers.Serializer):
    products = ProductSerializer(many=True)


class CategorySerializer(serializers.ModelSerializer):
    value = serializers.CharField(source="name", help_text="The category's display name.")
    label = serializers.CharField(source="name", help_text="The category's display name.")
    count = serializers.IntegerField(
        source="product_count", help_text="Number of active products in the category."
    )

    class Meta:
        model = Category
        fields = ["value", "label", "slug", "count"]
        read_only_fields = fields


class CategoryListSerializer(serializers.Serializer):
    categories = CategorySerializer(many=True)


PRICE_RANGE = {
    "minimum": 0,
    "maximum": int(Product.MAX_PRICE),
    "exclusiveMinimum": False,
    "exclusiveMaximum": False,
}


class ProductCreateSerializer(serializers.Serializer):
    """Body of `POST /api/admin/products`: value types only.

    The product rules (lengths, ranges, sizes, the sale below the regular price, ...)
    are the `Product` model's, checked by `catalog.services` on the merged result;
    `schema_rules` states those a JSON Schema can for the OpenAPI document.
    """

    schema_rules = {
        "properties": {
            "name": {"pattern": trimmed_text_pattern(*NAME_LENGTH)},
            "category": {"pattern": trimmed_text_pattern(1)},
            "regular_price": PRICE_RANGE,
            "sale_price": PRICE_RANGE,
            "description": {"pattern": trimmed_text_pattern(*DESCRIPTION_LENGTH)},
            "sizes": {
                "minItems": 1,
                "maxItems": len(Size.values),
                "uniqueItems": True,
                "items": {"pattern": any_case_pattern(Size.values)},
            },
            "colors": {
                "minItems": 1,
                "maxItems": Product.MAX_COLORS,
                "uniqueItems": True,
                "items": {"pattern": trimmed_text_pattern(1, COLOR_MAX_LENGTH)},
            },
            "images": {
                "maxItems": Product.MAX_IMAGES,
                "uniqueItems": True,
                "items": {
                    "format": "uri",
                    "pattern": rf"^\s*(?=[^\s\x00]{{1,{IMAGE_URL_MAX_LENGTH}}}\s*$)"
                    r"[hH][tT][tT][pP][sS]?://[^\s\x00]+\s*$",
                },
            },
        }
    }

    name = StringField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="3-255 characters, once the spaces around it are trimmed.",
    )
    category = StringField(
        allow_blank=True, help_text="Name or slug of an active category, in any case."
    )
    regular_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="PKR, 0 to 1,000,000, at most 2 decimals."
    )
    sale_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="null for no sale, else at least 0 and below `regular_price` (which it is "
        "checked against once merged with the stored product), at most 2 decimals.",
    )
    description = StringField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="10-2000 characters, once the spaces around it are trimmed.",
    )
    sizes = serializers.ListField(
        child=StringField(allow_blank=True),
        help_text=f"At least one of {', '.join(Size.values)} (in any case), each once.",
    )
    colors = serializers.ListField(
        child=StringField(allow_blank=True),
        help_text=f"1-{Product.MAX_COLORS} color names, up to {COLOR_MAX_LENGTH} characters "
        "each, each once (in any case).",
    )
    images = serializers.ListField(
        child=StringField(allow_blank=True),
        required=False,
        help_text="Up to 10 http(s) image URLs, in display order. On an update the list "
        "replaces the product's images: send the current URLs to keep, reorder or remove them.",
    )
    is_bestseller = serializers.BooleanField(required=False, help_text="Default false.")
    is_active = serializers.BooleanField(
        required=False, help_text="Default true; `true` restores a soft-deleted product."
    )


class ProductUpdateSerializer(ProductCreateSerializer):
    """Body of `PUT` and `PATCH /api/admin/products/{id}`: any subset of the fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ProductImageUploadSerializer(serializers.Serializer):
    """Multipart body of `POST /api/admin/products/{id}/images` (for the schema)."""

    schema_rules = {
        "anyOf": [
            {"required": [name], "properties": {name: {"minItems": 1}}}
            for name in ("images", "files")
        ],
        "properties": {name: {"maxItems": Product.MAX_IMAGES} for name in ("images", "files")},
    }

    images = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="1-10 image files (JPEG, PNG, WebP or GIF), at most 5 MB each.",
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Accepted instead of `images`.",
    )


class ProductImagesAddedSerializer(serializers.Serializer):
    images = serializers.ListField(
        child=serializers.URLField(), help_text="Absolute URLs of the new images, in order."
    )
    product = ProductSerializer()
