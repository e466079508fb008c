"""Catalog writes: creating, changing, hiding and deleting products, and adding images.

Every product rule lives in `validate_product_fields`, which checks one product's
complete field values. The services below call it with the merged result of a
change (stored values overlaid with the new ones); the Django admin's product form
can call it the same way from its `clean()`. Failures are Django `ValidationError`s
keyed by field (`sizes`, `colors.1`, `images.0`), which the API answers as 422s.
"""

from decimal import Decimal, InvalidOperation
from functools import partial
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Max, Q

from beautique.money import format_money
from catalog.models import Category, Product, ProductImage, Size
from catalog.uploads import check_image_files, delete_stored_files, store_images

CATALOG = "catalog"
"""The namespace of the public catalog's kept answers (beautique.httpcache)."""

NAME_LENGTH = (3, 255)
DESCRIPTION_LENGTH = (10, 2000)
COLOR_MAX_LENGTH = 50
IMAGE_URL_MAX_LENGTH = ProductImage._meta.get_field("url").max_length

EDITABLE_FIELDS = (
    "name",
    "category",
    "regular_price",
    "sale_price",
    "description",
    "sizes",
    "colors",
    "is_bestseller",
    "is_active",
)
REQUIRED_FIELDS = ("name", "category", "regular_price", "description", "sizes", "colors")
NEW_PRODUCT_DEFAULTS = {"sale_price": None, "images": [], "is_bestseller": False, "is_active": True}

http_url = URLValidator(schemes=["http", "https"])


def product_field_values(product: Product) -> dict:
    """A stored product's editable values, to merge a change into."""
    return {field: getattr(product, field) for field in EDITABLE_FIELDS}


def validate_product_fields(values: dict, *, product: Product | None = None) -> dict:
    """Check one product's complete field values; answer them cleaned, or raise every problem.

    `values` holds every field of `EDITABLE_FIELDS` (a missing required one is an
    error), and `images` (a list of URLs) only when the image list is being set.
    `category` is a `Category` or a category's name or slug, in any case. `product` is
    the product being changed, if any: it may keep a category that has since been
    deactivated, and its current images count as valid URLs however they are written
    (a local upload is served from this site's host, which need not look like a
    public domain).

    Answers the values to store: names and colors trimmed, sizes upper-cased, the
    category resolved, prices as `Decimal`. Raises `ValidationError` with a message
    list per field path.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def fail(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    for field in REQUIRED_FIELDS:
        if values.get(field) is None:
            fail(field, f"{field.replace('_', ' ').capitalize()} is required.")

    checks = {
        "name": partial(clean_text, label="Name", length=NAME_LENGTH),
        "category": partial(clean_category, product=product),
        "regular_price": partial(clean_price, label="Regular price"),
        "description": partial(clean_text, label="Description", length=DESCRIPTION_LENGTH),
        "sizes": clean_sizes,
        "colors": clean_colors,
        "is_bestseller": partial(clean_flag, label="is_bestseller"),
        "is_active": partial(clean_flag, label="is_active"),
    }
    for field, check in checks.items():
        if values.get(field) is not None:
            cleaned[field] = check(values[field], fail=partial(prefixed, fail, field))

    sale_price = values.get("sale_price")
    cleaned["sale_price"] = None
    if sale_price is not None:
        cleaned["sale_price"] = clean_price(
            sale_price, label="Sale price", fail=partial(prefixed, fail, "sale_price")
        )
        regular_price = cleaned.get("regular_price")
        if (
            "sale_price" not in errors
            and regular_price is not None
            and "regular_price" not in errors
            and cleaned["sale_price"] >= regular_price
        ):
            fail(
                "sale_price",
                f"Sale price must be below the regular price ({format_money(regular_price)}).",
            )

    if "images" in values:
        current = list(product.images.all()) if product is not None and product.pk else []
        cleaned["images"] = clean_image_urls(
            values["images"], current=current, fail=partial(prefixed, fail, "images")
        )

    if errors:
        raise ValidationError(errors)
    return cleaned


def prefixed(fail, field: str, message: str, item: int | None = None) -> None:
    fail(field if item is None else f"{field}.{item}", message)


def clean_text(value, *, label: str, length: tuple[int, int], fail) -> str:
    if not isinstance(value, str):
        fail(f"{label} must be text.")
        return value
    text = value.strip()
    low, high = length
    if not low <= len(text) <= high:
        fail(f"{label} must be {low}-{high} characters (it has {len(text)}).")
    return text


def clean_category(value, *, product: Product | None, fail) -> Category | None:
    current_id = product.category_id if product is not None else None
    if isinstance(value, Category):
        if not value.is_active and value.pk != current_id:
            fail(f'The category "{value.name}" is not active.')
        return value
    if not isinstance(value, str) or not value.strip():
        fail("Category must be the name or slug of an active category.")
        return None
    text = value.strip()
    category = (
        Category.objects.filter(Q(name__iexact=text) | Q(slug__iexact=text))
        .filter(Q(is_active=True) | Q(pk=current_id))
        .first()
    )
    if category is None:
        fail(f'There is no active category named "{text}".')
    return category


def clean_price(value, *, label: str, fail) -> Decimal | None:
    if isinstance(value, bool):
        fail(f"{label} must be a number.")
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        fail(f"{label} must be a number.")
        return None
    if not price.is_finite():
        fail(f"{label} must be a number.")
        return None
    if not Decimal(0) <= price <= Product.MAX_PRICE:
        fail(f"{label} must be between 0 and {Product.MAX_PRICE:,}.")
    elif price.as_tuple().exponent < -2 and price != price.quantize(Decimal("0.01")):
        fail(f"{label} can have at most 2 decimal places.")
    return price


def clean_flag(value, *, label: str, fail) -> bool:
    if not isinstance(value, bool):
        fail(f"{label} must be true or false.")
    return value


def within_field_limits(field: str, value: list, *, fail) -> bool:
    """Whether `value` passes the model field's own validators (the list's length cap).

    Checked before the items, so an oversized list is refused at once, whatever its size.
    """
    try:
        Product._meta.get_field(field).run_validators(value)
    except ValidationError as error:
        for message in error.messages:
            fail(message)
        return False
    return True


def clean_sizes(value, *, fail) -> list[str]:
    if not isinstance(value, list) or not value:
        fail(f"Choose at least one size from {', '.join(Size.values)}.")
        return value
    if not within_field_limits("sizes", value, fail=fail):
        return value
    sizes: list[str] = []
    for index, item in enumerate(value):
        size = item.strip().upper() if isinstance(item, str) else item
        if size not in Size.values:
            fail(f'"{item}" is not a size; choose from {", ".join(Size.values)}.', index)
        elif size in sizes:
            fail(f"{size} is listed twice.", index)
        sizes.append(size)
    return sizes


def clean_colors(value, *, fail) -> list[str]:
    if not isinstance(value, list) or not value:
        fail("Add at least one color.")
        return value
    if not within_field_limits("colors", value, fail=fail):
        return value
    colors: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        color = item.strip() if isinstance(item, str) else ""
        key = color.casefold()
        if not color:
            fail("A color cannot be empty.", index)
        elif len(color) > COLOR_MAX_LENGTH:
            fail(f"A color can have at most {COLOR_MAX_LENGTH} characters.", index)
        elif key in seen:
            fail(f"{color} is listed twice.", index)
        seen.add(key)
        colors.append(color)
    return colors


def image_matches(image: ProductImage, url: str) -> bool:
    """Whether `url` is how the API shows `image` (local files are shown absolute)."""
    src = image.src
    return url == src or (src.startswith("/") and urlsplit(url).path == src)


def clean_image_urls(value, *, current: list[ProductImage], fail) -> list[str]:
    if not isinstance(value, list):
        fail("Images must be a list of URLs.")
        return value
    if too_many := Product.too_many_images(len(value)):
        fail(too_many)
    urls: list[str] = []
    for index, item in enumerate(value):
        url = item.strip() if isinstance(item, str) else ""
        if url in urls:
            fail("This image is listed twice.", index)
        elif not any(image_matches(image, url) for image in current):
            if len(url) > IMAGE_URL_MAX_LENGTH:
                fail(f"An image URL can have at most {IMAGE_URL_MAX_LENGTH} characters.", index)
            else:
                try:
                    http_url(url)
                except ValidationError:
                    fail("Enter an http:// or https:// URL.", index)
        urls.append(url)
    return urls


def replace_images(*, product: Product, urls: list[str]) -> list[str]:
    """Make `urls` the product's image list, in that order.

    A URL showing one of the product's images keeps that image (and its uploaded file);
    other URLs become new external images. Answers the stored file names of uploaded
    images that were dropped, to delete once the change is committed.
    """
    remaining = list(product.images.all())
    kept, added = [], []
    for position, url in enumerate(urls):
        image = next((image for image in remaining if image_matches(image, url)), None)
        if image is None:
            added.append(ProductImage(product=product, url=url, position=position))
        else:
            remaining.remove(image)
            image.position = position
            kept.append(image)
    ProductImage.objects.filter(pk__in=[image.pk for image in remaining]).delete()
    ProductImage.objects.bulk_update(kept, ["position"])
    ProductImage.objects.bulk_create(added)
    return [image.image.name for image in remaining if image.image]


def create_product(*, data: dict) -> Product:
    """Create a product from the staff's field values (`images`: external URLs)."""
    cleaned = validate_product_fields({**NEW_PRODUCT_DEFAULTS, **data})
    urls = cleaned.pop("images")
    with transaction.atomic():
        product = Product.objects.create(**cleaned)
        ProductImage.objects.bulk_create(
            ProductImage(product=product, url=url, position=position)
            for position, url in enumerate(urls)
        )
    return product


def update_product(*, product: Product, data: dict) -> Product:
    """Change any subset of a product's fields; the rules apply to the merged result.

    `is_active: True` restores a soft-deleted product; `images` replaces the image
    list (uploaded files left out of it are deleted from the storage after commit).
    Raises `Product.DoesNotExist` when the product has been deleted for good meanwhile.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        cleaned = validate_product_fields(
            {**product_field_values(product), **data}, product=product
        )
        urls = cleaned.pop("images", None)
        for field, value in cleaned.items():
            setattr(product, field, value)
        product.save()
        if urls is not None:
            dropped = replace_images(product=product, urls=urls)
            transaction.on_commit(partial(delete_stored_files, dropped))
    return product


def deactivate_product(*, product: Product) -> None:
    """Soft delete: hide the product from customers, keeping it for staff and orders.

    Raises `Product.DoesNotExist` when the product has been deleted for good meanwhile.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        product.is_active = False
        product.save(update_fields=["is_active", "updated_at"])


def delete_product(*, product: Product) -> None:
    """Remove a product for good, with its image rows; uploaded files go after commit.

    Order lines keep their snapshot (their product link becomes null). The product row
    is locked first: orders being placed hold it until their lines are committed, and
    the delete waits for them, so it unlinks their lines too; orders arriving meanwhile
    wait and then find the product gone. Raises `Product.DoesNotExist` when it is
    already deleted.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        names = list(product.images.exclude(image="").values_list("image", flat=True))
        product.delete()
        transaction.on_commit(partial(delete_stored_files, names))


def add_product_images(*, product: Product, files, field: str = "images") -> list[ProductImage]:
    """Append uploaded image files to a product, all or nothing.

    Every file is checked (size, and decoded as JPEG/PNG/WebP/GIF) before anything is
    stored, then stored by `store_product_images`. Errors are keyed `field` /
    `field.<index>`.
    """
    return store_product_images(
        product=product, images=check_image_files(files, field=field), field=field
    )


def store_product_images(
    *, product: Product, images: list, position: int | None = None, field: str = "images"
) -> list[ProductImage]:
    """Store checked images (`catalog.uploads.check_image_files`) as the product's
    pictures, all or nothing: the API's uploads and the admin's pictures alike.

    The product row is locked while its pictures are counted (a product may hold at
    most `Product.MAX_IMAGES`) and the new ones are placed at `position` on, or after
    its last one. If storing or the transaction fails part way, the files already
    stored are deleted again and no row remains. Raises `Product.DoesNotExist` when the
    product has been deleted for good meanwhile.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product.pk)
            summary = product.images.aggregate(count=Count("id"), last=Max("position"))
            if too_many := Product.too_many_images(len(images), existing=summary["count"]):
                raise ValidationError({field: [too_many]})
            if position is None:
                position = 0 if summary["last"] is None else summary["last"] + 1
            rows, stored = store_images(product=product, images=images, first_position=position)
            product.save(update_fields=["updated_at"])
    except Exception:
        delete_stored_files(stored)
        raise
    return rows
