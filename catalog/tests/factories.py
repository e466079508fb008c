from decimal import Decimal

import factory

from catalog.models import Category, Product, ProductImage


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = factory.Sequence(lambda n: 100 + n)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Embroidered Lawn Suit {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(slug="maxi"))
    regular_price = Decimal("5000.00")
    sale_price = None
    description = "Soft lawn with hand embroidery, fully stitched."
    sizes = factory.LazyFunction(lambda: ["S", "M", "L"])
    colors = factory.LazyFunction(lambda: ["Maroon", "Sky Blue"])
    is_bestseller = False
    is_active = True


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    url = factory.Sequence(lambda n: f"https://res.cloudinary.com/demo/image/upload/p{n}.jpg")
    position = factory.Sequence(lambda n: n)


class UploadedProductImageFactory(ProductImageFactory):
    """A picture stored in the media storage rather than an external URL."""

    url = ""
    image = factory.django.ImageField(filename="look.jpg", format="JPEG", color="maroon")
