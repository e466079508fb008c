"""Catalog writes: creating, changing, hiding and deleting products, and adding images.

A product's own rules (lengths, price ranges, sizes, colors, the sale below the
regular price) are its model's: `Product.full_clean`, which the Django admin's form
runs too. The services add the business rules of a change: the category is named by
its name or slug and must be active (a product may keep one deactivated since), and
an image list is checked as a whole. Failures are Django `ValidationError`s keyed by
field path (`sizes`, `colors.1`, `images.0`), which the API answers as 422s.
"""

from functools import partial
from urllib.parse import urlsplit

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q

from catalog.models import Category, Product, ProductImage
from catalog.uploads import check_image_files, delete_stored_files, store_images

CATALOG = "catalog"
"""The namespace of the public catalog's kept answers (beautique.httpcache)."""

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


def apply_product_fields(product: Product, values: dict) -> list[str] | None:
    """Set `values` (any of `EDITABLE_FIELDS`, and `images`) on `product` and check the
    product as a whole; answer the image URLs to store when `images` is given.

    `category` is a `Category` or a category's name or slug, in any case; it must be
    active unless it is the product's current one. `images` is a list of URLs; the
    product's current images count as valid however their URLs are written (a local
    upload is served from this site's host, which need not look like a public domain).
    Raises `ValidationError` with every problem, keyed by field path.
    """
    errors: dict[str, list[str]] = {}

    def fail(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    exclude = {"category"}
    if "category" in values:
        category = resolve_category(
            values["category"], current_id=product.category_id, fail=partial(fail, "category")
        )
        if category is not None:
            product.category = category
    elif product.category_id is None:
        fail("category", "This field is required.")
    for field in EDITABLE_FIELDS:
        if field != "category" and field in values:
            setattr(product, field, values[field])

    urls = None
    if "images" in values:
        current = list(product.images.all()) if not product._state.adding else []
        urls = clean_image_urls(values["images"], current=current, fail=partial(prefixed, fail))
    try:
        product.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        for path, messages in with_item_paths(error).items():
            errors.setdefault(path, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return urls


def with_item_paths(error: ValidationError) -> dict[str, list[str]]:
    """A model's validation errors by API path: an entry's problem (`params["item"]`, see
    `catalog.models.item_error`) under `field.<index>`."""
    paths: dict[str, list[str]] = {}
    for field, problems in error.error_dict.items():
        for problem in problems:
            item = (problem.params or {}).get("item")
            path = "non_field_errors" if field == NON_FIELD_ERRORS else field
            if item is not None:
                path = f"{path}.{item}"
            paths.setdefault(path, []).extend(problem.messages)
    return paths


def prefixed(fail, message: str, item: int | None = None) -> None:
    fail("images" if item is None else f"images.{item}", message)


def resolve_category(value: Category | str, *, current_id: int | None, fail) -> Category | None:
    """The category named by `value` (a `Category`, or a name or slug in any case), if it
    may take the product: an active one, or the one it already has."""
    if isinstance(value, Category):
        if not value.is_active and value.pk != current_id:
            fail(f'The category "{value.name}" is not active.')
        return value
    text = value.strip()
    if not text:
        fail("Category must be the name or slug of an active category.")
        return None
    category = (
        Category.objects.filter(Q(name__iexact=text) | Q(slug__iexact=text))
        .filter(Q(is_active=True) | Q(pk=current_id))
        .first()
    )
    if category is None:
        fail(f'There is no active category named "{text}".')
    return category


def image_matches(image: ProductImage, url: str) -> bool:
    """Whether `url` is how the API shows `image` (local files are shown absolute)."""
    src = image.src
    return url == src or (src.startswith("/") and urlsplit(url).path == src)


def clean_image_urls(urls: list[str], *, current: list[ProductImage], fail) -> list[str]:
    """An image list: at most `Product.MAX_IMAGES`, each once, each a current image or a
    URL the `ProductImage.url` field takes."""
    if too_many := Product.too_many_images(len(urls)):
        fail(too_many)
    url_field = ProductImage._meta.get_field("url")
    cleaned: list[str] = []
    for index, item in enumerate(urls):
        url = item.strip()
        if url in cleaned:
            fail("This image is listed twice.", index)
        elif not any(image_matches(image, url) for image in current):
            try:
                if not url:
                    raise ValidationError(url_field.error_messages["invalid"])
                url_field.clean(url, None)
            except ValidationError as error:
                for message in error.messages:
                    fail(message, index)
        cleaned.append(url)
    return cleaned


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
    product = Product()
    urls = apply_product_fields(product, data) or []
    with transaction.atomic():
        product.save(force_insert=True)
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
        urls = apply_product_fields(product, data)
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
