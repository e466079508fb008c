import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce, Lower

import beautique.postgres  # noqa: F401  (registers the `has_element` JSON lookup)
from beautique.money import format_money
from catalog.words import search_text, terms_of, vocabulary_of


class Size(models.TextChoices):
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"
    XXL = "XXL"


def item_error(message: str, code: str, index: int, value) -> ValidationError:
    """A problem with one entry of a list field: `params["item"]` is its index, which the
    API reports as the path `field.<index>` (`catalog.services.with_item_paths`)."""
    return ValidationError(message, code=code, params={"item": index, "value": value})


def validate_sizes(sizes: list) -> None:
    """Each entry a known size (already upper-cased by `Product.clean_fields`), each once.
    A list over the length cap is left to that cap, unread."""
    if len(sizes) > len(Size.values):
        return
    problems, seen = [], set()
    for index, size in enumerate(sizes):
        if size not in Size.values:
            message = f'"%(value)s" is not a size; choose from {", ".join(Size.values)}.'
            problems.append(item_error(message, "unknown_size", index, size))
        elif size in seen:
            problems.append(item_error("%(value)s is listed twice.", "repeated", index, size))
        seen.add(size)
    if problems:
        raise ValidationError(problems)


def validate_colors(colors: list) -> None:
    """Each entry a name of 1-50 characters, each once in any case. A list over the
    length cap is left to that cap, unread."""
    if len(colors) > Product.MAX_COLORS:
        return
    problems, seen = [], set()
    for index, color in enumerate(colors):
        key = color.casefold()
        if not color:
            problems.append(item_error("A color cannot be empty.", "empty", index, color))
        elif len(color) > Product.COLOR_MAX_LENGTH:
            message = f"A color can have at most {Product.COLOR_MAX_LENGTH} characters."
            problems.append(item_error(message, "too_long", index, color))
        elif key in seen:
            problems.append(item_error("%(value)s is listed twice.", "repeated", index, color))
        seen.add(key)
    if problems:
        raise ValidationError(problems)


NAME_LENGTH = (3, 255)
DESCRIPTION_LENGTH = (10, 2000)


def length_messages(label: str, low: int, high: int) -> dict[str, str]:
    """The one message for a text outside `low`-`high` characters, either way."""
    message = f"{label} must be {low}-{high} characters (it has %(show_value)d)."
    return {"min_length": message, "max_length": message}


def range_messages(label: str, high: Decimal) -> dict[str, str]:
    message = f"{label} must be between 0 and {high:,}."
    return {"min_value": message, "max_value": message}


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Categories are listed by position, then name."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="category_name_ci_unique",
                violation_error_message="There is already a category with this name "
                "(names are compared ignoring case).",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, **kwargs):
        """A renamed category renames itself in its products' search text too."""
        renamed = not self._state.adding and self.name != getattr(self, "saved_name", self.name)
        super().save(**kwargs)
        if renamed:
            products = list(self.products.only("name", "colors", "description"))
            for product in products:
                product.refresh_search_text(category_name=self.name)
            Product.objects.bulk_update(products, ["search_document"], batch_size=1000)
            SearchWord.remember(self.name, in_catalog=True)
        self.saved_name = self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        category = super().from_db(db, field_names, values)
        category.saved_name = category.__dict__.get("name")
        return category

    def clean_fields(self, exclude=None):
        self.name = self.name.strip()
        super().clean_fields(exclude=exclude)


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """What customers may see and buy: active products in active categories."""
        return self.filter(is_active=True, category__is_active=True)

    def page_and_total(self, offset: int, limit: int) -> tuple[list["Product"], int] | None:
        """A page and the number of all results, for pagination; None where a count
        and a slice are as cheap (every list but a search).

        A search's results (`catalog.search`, annotated `search_rank`) are ordered by a
        rank no index holds, so a count and a page would each go over every result:
        here one pass finds the page's ids with the total beside them (a window
        count), and a second reads those rows by primary key.
        """
        if "search_rank" not in self.query.annotations:
            return None
        found = list(
            self.annotate(found=models.Window(models.Count("pk"))).values_list("pk", "found")[
                offset : offset + limit
            ]
        )
        if not found:
            return [], self.count() if offset else 0
        rows = {product.pk: product for product in self.filter(pk__in=[pk for pk, _ in found])}
        return [rows[pk] for pk, _ in found], found[0][1]


class Product(models.Model):
    """A garment in the catalog. Its fields carry its rules (`full_clean`), which the
    staff API (through `catalog.services`) and the admin's form both apply."""

    MAX_PRICE = Decimal("1000000")
    MAX_IMAGES = 10
    MAX_COLORS = 30
    COLOR_MAX_LENGTH = 50

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        max_length=NAME_LENGTH[1],
        validators=[MinLengthValidator(NAME_LENGTH[0])],
        error_messages=length_messages("Name", *NAME_LENGTH),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    regular_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE)],
        error_messages=range_messages("Regular price", MAX_PRICE),
    )
    sale_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE)],
        error_messages=range_messages("Sale price", MAX_PRICE),
    )
    effective_price = models.GeneratedField(
        expression=Coalesce("sale_price", "regular_price"),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
        db_persist=True,
    )
    description = models.TextField(
        max_length=DESCRIPTION_LENGTH[1],
        validators=[
            MinLengthValidator(DESCRIPTION_LENGTH[0]),
            MaxLengthValidator(DESCRIPTION_LENGTH[1]),
        ],
        error_messages=length_messages("Description", *DESCRIPTION_LENGTH),
    )
    sizes = models.JSONField(
        default=list,
        validators=[MaxLengthValidator(len(Size.values)), validate_sizes],
        error_messages={
            "blank": f"Choose at least one size from {', '.join(Size.values)}.",
            "max_length": f"A product has at most %(limit_value)d sizes "
            f"({', '.join(Size.values)}), each once; this list has %(show_value)d.",
        },
        help_text="Size codes from S, M, L, XL, XXL.",
    )
    colors = models.JSONField(
        default=list,
        validators=[MaxLengthValidator(MAX_COLORS), validate_colors],
        error_messages={
            "blank": "Add at least one color.",
            "max_length": "A product can have at most %(limit_value)d colors; "
            "this list has %(show_value)d.",
        },
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
    # What `catalog.search` looks in (`catalog.words.search_text`), kept by `save()`: the
    # name alone, to rank name matches first, and the name, category, colors and
    # description together (a full-text index serves it on PostgreSQL, migration 0007).
    search_name = models.TextField(default="", editable=False)
    search_document = models.TextField(default="", editable=False)

    objects = ProductQuerySet.as_manager()

    SEARCHED_FIELDS = frozenset({"name", "category", "category_id", "colors", "description"})

    class Meta:
        ordering = ["-created_at"]
        # PostgreSQL also has GIN indexes for the size and color filters (migration 0003)
        # and the search's full-text index (0007), and scans this table without
        # parallel workers (0010): SQLite cannot express them.
        constraints = [
            models.CheckConstraint(
                condition=Q(regular_price__gte=0, regular_price__lte=1000000),
                name="product_regular_price_range",
                violation_error_message="Regular price must be between 0 and 1,000,000.",
            ),
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True)
                | Q(sale_price__gte=0, sale_price__lt=models.F("regular_price")),
                name="product_sale_below_regular",
                violation_error_message="Sale price must be below the regular price.",
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

    def save(self, **kwargs):
        """Keep the search text in step with the fields it is made of, and the search
        vocabulary with its words."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not self.SEARCHED_FIELDS & set(update_fields):
            super().save(**kwargs)
            return
        self.refresh_search_text()
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name", "search_document"}
        super().save(**kwargs)
        SearchWord.remember(self.search_document, in_catalog=True)

    def refresh_search_text(self, *, category_name: str | None = None) -> None:
        self.search_name = search_text(self.name)
        self.search_document = search_text(
            self.name, category_name or self.category.name, *self.colors, self.description
        )

    def clean_fields(self, exclude=None):
        """Trim the texts and the colors and upper-case the sizes, then check every field."""
        self.name = self.name.strip()
        self.description = self.description.strip()
        if isinstance(self.sizes, list):
            self.sizes = [size.strip().upper() for size in self.sizes]
        if isinstance(self.colors, list):
            self.colors = [color.strip() for color in self.colors]
        super().clean_fields(exclude=exclude)

    def clean(self):
        """A sale is below the regular price: said with the price, on the sale's field
        (the `product_sale_below_regular` constraint holds it in the database)."""
        if (
            self.sale_price is not None
            and self.regular_price is not None
            and self.sale_price >= self.regular_price
        ):
            raise ValidationError(
                {
                    "sale_price": "Sale price must be below the regular price "
                    f"({format_money(self.regular_price)})."
                }
            )

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
    url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": "Enter an http:// or https:// URL.",
            "max_length": "An image URL can have at most %(limit_value)d characters.",
        },
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(image="") & ~Q(url="")) | (~Q(image="") & Q(url="")),
                name="product_image_file_or_url",
                violation_error_message="Upload a picture or enter its URL: one of the two.",
            ),
        ]

    def __str__(self):
        return self.src

    @property
    def src(self) -> str:
        """The picture's URL: absolute for external and Cloudinary images, site-relative on local disk."""
        return self.image.url if self.image else self.url


def validate_terms(text: str) -> None:
    if len(terms_of(text)) < 2:
        raise ValidationError(
            "List at least two terms that mean the same, separated by commas.", code="too_few"
        )


class SearchSynonym(models.Model):
    """Terms shoppers use for one thing (a garment, a fabric, a work, a color or an
    occasion), any of which finds products written with the others: `lehenga, lehnga,
    lehanga`. Staff edit them in the admin; a change applies to the next search."""

    terms = models.CharField(
        max_length=500,
        unique=True,
        validators=[validate_terms],
        help_text="Two or more terms separated by commas, e.g. “kurti, long shirt”. "
        "A term may have several words; case and punctuation do not matter.",
    )

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    def save(self, **kwargs):
        super().save(**kwargs)
        SearchWord.remember(self.terms, in_catalog=False)

    def clean_fields(self, exclude=None):
        self.terms = ", ".join(terms_of(self.terms))
        super().clean_fields(exclude=exclude)


class SearchWord(models.Model):
    """A word of the catalog (products' text, categories' names) or of a synonym: what
    a misspelt query word is corrected to. Words are added as that text is saved and
    kept: a word no product uses any more corrects to a search that finds nothing."""

    MAX_LENGTH = 100

    word = models.CharField(max_length=MAX_LENGTH, primary_key=True)
    in_catalog = models.BooleanField(
        default=False,
        help_text="A product's or a category's word (not only a synonym's): a term whose "
        "words begin none of these finds nothing, and the search leaves it out.",
    )

    def __str__(self):
        return self.word

    @classmethod
    def remember(cls, text: str, *, in_catalog: bool) -> None:
        """Add the words of `text`; a catalog word is marked so even if a synonym had it."""
        remember_words(vocabulary_of(text), in_catalog=in_catalog)


def remember_words(words, *, in_catalog: bool) -> None:
    rows = [
        SearchWord(word=word, in_catalog=in_catalog)
        for word in sorted(words)
        if len(word) <= SearchWord.MAX_LENGTH
    ]
    if in_catalog:
        SearchWord.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["word"],
            update_fields=["in_catalog"],
            batch_size=1000,
        )
    else:
        SearchWord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
