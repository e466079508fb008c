"""A demo catalog for a Karachi women's clothing shop, for `manage.py seed_catalog`.

Everything is derived from fixed seeds, so the same count always describes the same
products; products already in the catalog (same name in the same category) are left
as they are, which makes seeding idempotent. Pictures are drawn locally with Pillow
and stored through `ProductImage.image`, i.e. in the default media storage.
"""

import io
import itertools
import random
import textwrap
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from catalog.models import Category, Product, ProductImage, Size

SEED = "beautique-demo-catalog"

COLOURS = {
    "Maroon": (128, 0, 32),
    "Emerald": (0, 120, 80),
    "Mustard": (214, 162, 20),
    "Blush Pink": (222, 150, 160),
    "Ivory": (236, 228, 206),
    "Navy": (24, 38, 92),
    "Teal": (0, 118, 128),
    "Peach": (245, 170, 130),
    "Lilac": (182, 150, 206),
    "Black": (22, 22, 26),
    "Mint": (152, 214, 180),
    "Rust": (170, 70, 30),
    "Sky Blue": (120, 180, 230),
    "Bottle Green": (10, 82, 50),
    "Fuchsia": (200, 30, 120),
    "Champagne": (222, 200, 160),
}

FABRICS = [
    "Chiffon",
    "Lawn",
    "Silk",
    "Organza",
    "Velvet",
    "Net",
    "Khaddar",
    "Jamawar",
    "Georgette",
    "Raw Silk",
]

# Category slug -> (styles, price range in PKR).
STYLES = {
    "maxi": (["Maxi", "Flared Maxi", "Tiered Maxi", "Angrakha Maxi"], (6500, 22000)),
    "lehanga-choli": (
        ["Lehanga Choli", "Bridal Lehanga", "Mirror Work Lehanga", "Gota Lehanga Choli"],
        (24000, 95000),
    ),
    "long-shirt": (
        ["Long Shirt", "Kalidar Shirt", "A-Line Long Shirt", "Straight Long Shirt"],
        (3500, 9500),
    ),
    "shalwar-kameez": (
        ["Shalwar Kameez", "Embroidered Suit", "Printed 3-Piece Suit", "Chikankari Suit"],
        (4500, 16000),
    ),
    "gharara": (
        ["Gharara", "Farshi Gharara", "Festive Gharara Set", "Tilla Gharara"],
        (15000, 48000),
    ),
}
OTHER_CATEGORY_PRICES = (5000, 20000)

DETAILS = [
    "hand embroidery on the neckline and sleeves",
    "gota and kinari borders",
    "delicate mirror work",
    "tilla embroidery",
    "a digital print inspired by Mughal tiles",
    "resham thread work",
    "pearl and sequin detailing",
    "Lucknowi chikankari",
]
OCCASIONS = [
    "Eid",
    "mehndi and dholki nights",
    "everyday wear",
    "wedding functions",
    "summer afternoons",
    "formal dinners",
]
SIZES = list(Size.values)
SALE_PERCENTAGES = [10, 15, 20, 25, 30, 40]
PICTURE_SIZE = (480, 640)


@dataclass
class DemoProduct:
    name: str
    category: Category
    regular_price: Decimal
    sale_price: Decimal | None
    description: str
    sizes: list[str]
    colors: list[str]
    is_bestseller: bool
    picture_count: int
    age: timedelta
    palette: list[tuple[int, int, int]] = field(repr=False)

    def product(self) -> Product:
        """The product this describes, unsaved and without pictures."""
        return Product(
            name=self.name,
            category=self.category,
            regular_price=self.regular_price,
            sale_price=self.sale_price,
            description=self.description,
            sizes=self.sizes,
            colors=self.colors,
            is_bestseller=self.is_bestseller,
        )


@dataclass
class SeedResult:
    created: int = 0
    existing: int = 0
    images: int = 0
    per_category: dict[str, int] = field(default_factory=dict)


def demo_products(categories: list[Category], count: int) -> list[DemoProduct]:
    """The first `count` demo products, spread round-robin over `categories`."""
    combinations = {}
    for category in categories:
        styles, _ = STYLES.get(category.slug, ([category.name], OTHER_CATEGORY_PRICES))
        options = list(itertools.product(COLOURS, FABRICS, styles))
        random.Random(f"{SEED}:{category.slug}").shuffle(options)
        combinations[category.pk] = options
    products = []
    for index in range(count):
        category = categories[index % len(categories)]
        options = combinations[category.pk]
        round_, position = divmod(index // len(categories), len(options))
        colour, fabric, style = options[position]
        name = f"{colour} {fabric} {style}"
        if round_:
            name = f"{name} No. {round_ + 1}"
        products.append(
            _demo_product(
                name,
                category,
                colour=colour,
                fabric=fabric,
                style=style,
                age=timedelta(hours=5 * index + 1),
            )
        )
    return products


def _demo_product(
    name: str, category: Category, *, colour: str, fabric: str, style: str, age: timedelta
) -> DemoProduct:
    rng = random.Random(f"{SEED}:{category.slug}:{name}")
    _, (low, high) = STYLES.get(category.slug, ([], OTHER_CATEGORY_PRICES))
    regular = Decimal(round(rng.uniform(low, high), -2))
    sale = None
    if rng.random() < 0.3:
        off = rng.choice(SALE_PERCENTAGES)
        sale = Decimal(round(regular * (100 - off) / 100 / 50) * 50)
    others = rng.sample([c for c in COLOURS if c != colour], rng.choice([0, 1, 1, 2]))
    first_size = rng.randint(0, 2)
    sizes = SIZES[first_size : rng.randint(first_size + 2, len(SIZES))]
    description = (
        f"Our {style.lower()} in {colour.lower()} {fabric.lower()}, finished with "
        f"{rng.choice(DETAILS)}. Made for {rng.choice(OCCASIONS)}; stitched in Karachi "
        f"and ready to wear. Available in {', '.join(sizes)}."
    )
    return DemoProduct(
        name=name,
        category=category,
        regular_price=regular,
        sale_price=sale,
        description=description,
        sizes=sizes,
        colors=[colour, *others],
        is_bestseller=rng.random() < 0.25,
        picture_count=rng.randint(1, 3),
        age=age,
        palette=[COLOURS[c] for c in [colour, *others]],
    )


def product_picture(product: DemoProduct, number: int) -> bytes:
    """A JPEG: a gradient in the product's colour, a pattern, and its name on a panel."""
    main = product.palette[(number - 1) % len(product.palette)]
    light = tuple(channel + (255 - channel) * 55 // 100 for channel in main)
    mask = Image.linear_gradient("L").resize(PICTURE_SIZE)
    picture = Image.composite(
        Image.new("RGB", PICTURE_SIZE, light), Image.new("RGB", PICTURE_SIZE, main), mask
    )
    draw = ImageDraw.Draw(picture)
    accent = tuple(channel + (255 - channel) * 30 // 100 for channel in main)
    width, height = PICTURE_SIZE
    if number % 3 == 1:
        for offset in range(-height, width, 48):
            draw.line([(offset, 0), (offset + height, height)], fill=accent, width=6)
    elif number % 3 == 2:
        for y in range(24, height, 56):
            for x in range(24 + (y // 56 % 2) * 28, width, 56):
                draw.ellipse([x - 7, y - 7, x + 7, y + 7], fill=accent)
    else:
        for inset in (16, 30):
            draw.rectangle([inset, inset, width - inset, height - inset], outline=accent, width=4)
    ink = (30, 24, 28) if sum(light) > 450 else (255, 255, 255)
    panel = (255, 255, 255) if ink != (255, 255, 255) else (30, 24, 28)
    draw.rounded_rectangle([36, height - 210, width - 36, height - 40], radius=18, fill=panel)
    text_ink = (30, 24, 28) if panel == (255, 255, 255) else (255, 255, 255)
    title = "\n".join(textwrap.wrap(product.name, width=20))
    draw.multiline_text(
        (width // 2, height - 150),
        title,
        fill=text_ink,
        font=ImageFont.load_default(size=30),
        anchor="mm",
        align="center",
    )
    draw.text(
        (width // 2, height - 68),
        f"BEAUTIQUE  ·  {number}/{product.picture_count}",
        fill=text_ink,
        font=ImageFont.load_default(size=18),
        anchor="mm",
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@transaction.atomic
def seed_demo_catalog(*, count: int) -> SeedResult:
    """Create the first `count` demo products that are not in the catalog yet."""
    categories = list(Category.objects.filter(is_active=True).order_by("position", "name"))
    result = SeedResult()
    if not categories:
        return result
    wanted = demo_products(categories, count)
    present = set(
        Product.objects.filter(name__in={p.name for p in wanted}).values_list("category_id", "name")
    )
    now = timezone.now()
    pictures = []
    for spec in wanted:
        if (spec.category.pk, spec.name) in present:
            result.existing += 1
            continue
        product = spec.product()
        product.save()
        Product.objects.filter(pk=product.pk).update(
            created_at=now - spec.age, updated_at=now - spec.age
        )
        for number in range(1, spec.picture_count + 1):
            picture = ProductImage(product=product, position=number - 1)
            picture.image.save(
                f"{slugify(spec.name)}-{number}.jpg",
                ContentFile(product_picture(spec, number)),
                save=False,
            )
            pictures.append(picture)
        result.created += 1
        result.per_category[spec.category.name] = result.per_category.get(spec.category.name, 0) + 1
    ProductImage.objects.bulk_create(pictures)
    result.images = len(pictures)
    return result
