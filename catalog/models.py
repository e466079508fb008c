import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce, Lower

import beautique.postgres  # noqa: F401  (registers the `has_element` JSON lookup)


class Size(models.TextChoices):
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"
    XXL = "XXL"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Categories are listed by position, then name."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="category_name_ci_unique"),
        ]

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """What customers may see and buy: active products in active categories."""
        return self.filter(is_active=True, category__is_active=True)


class Product(models.Model):
    MAX_PRICE = Decimal("1000000")
    MAX_IMAGES = 10
    MAX_COLORS = 30

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    regular_price = models.DecimalField(max_digits=10, decimal_places=2)
    sale_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    effective_price = models.GeneratedField(
        expression=Coalesce("sale_price", "regular_price"),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
        db_persist=True,
    )
    description = models.TextField(max_length=2000)
    sizes = models.JSONField(
        default=list,
        validators=[
            MaxLengthValidator(
                len(Size.values),
                message=f"A product has at most %(limit_value)d sizes ({', '.join(Size.values)}), "
                "each once; this list has %(show_value)d.",
            )
        ],
        help_text="Size codes from S, M, L, XL, XXL.",
    )
    colors = models.JSONField(
        default=list,
        validators=[
            MaxLengthValidator(
                MAX_COLORS,
                message="A product can have at most %(limit_value)d colors; "
                "this list has %(show_value)d.",
            )
        ],
        help_text="Color names as customers see them.",
    )
    color_keys = models.GeneratedField(
        expression=Cast(Lower(Cast("colors", models.TextField())), models.JSONField()),
        output_field=models.JSONField(),
        db_persist=True,
    )
    is_bestseller = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # PostgreSQL also has GIN indexes for the size and color filters and trigram
        # indexes for search (migration 0003): SQLite cannot express them.
        constraints = [
            models.CheckConstraint(
                condition=Q(regular_price__gte=0, regular_price__lte=1000000),
                name="product_regular_price_range",
            ),
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True)
                | Q(sale_price__gte=0, sale_price__lt=models.F("regular_price")),
                name="product_sale_below_regular",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "category"], name="product_active_category"),
            models.Index(fields=["is_active", "is_bestseller"], name="product_active_bestseller"),
            models.Index(fields=["-created_at"], name="product_created"),
            models.Index(fields=["effective_price"], name="product_effective_price"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def too_many_images(cls, count: int, *, existing: int | None = None) -> str | None:
        """Why a product cannot hold `count` images (None when it can); with `existing`,
        `count` more are being added to the `existing` it holds. Every door (the API's
        lists and uploads, the admin's pictures) asks here."""
        if existing is None:
            if count <= cls.MAX_IMAGES:
                return None
            return f"A product can have at most {cls.MAX_IMAGES} images."
        room = cls.MAX_IMAGES - existing
        if count <= room:
            return None
        return (
            f"A product can have at most {cls.MAX_IMAGES} images: "
            f"this one has {existing}, so {max(room, 0)} more can be added."
        )

    @property
    def discount_percentage(self) -> int | None:
        if self.sale_price is None or not self.regular_price:
            return None
        off = (self.regular_price - self.sale_price) / self.regular_price * 100
        return int(off.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class ProductImage(models.Model):
    """One picture of a product: an uploaded file in the media storage, or an external URL."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/%Y/%m/", blank=True)
    url = models.URLField(max_length=1000, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(image="") & ~Q(url="")) | (~Q(image="") & Q(url="")),
                name="product_image_file_or_url",
            ),
        ]

    def __str__(self):
        return self.src

    @property
    def src(self) -> str:
        """The picture's URL: absolute for external and Cloudinary images, site-relative on local disk."""
        return self.image.url if self.image else self.url
