from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders import summaries
from orders.models import Order, OrderItem, PaymentMethod
from orders.phone import canonical_phone


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user with no usable password: quick to create, for `changed_by`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"clerk{n}")
    is_staff = True
    # "!" is how Django spells an unusable password (what set_unusable_password stores).
    password = "!"


class OrderFactory(factory.django.DjangoModelFactory):
    """An order saved as it is given, in any statuses, and counted in the dashboard's
    summaries as the order services count the orders they place."""

    class Meta:
        model = Order

    order_id = factory.Sequence(lambda n: f"BQ-20261121-{n + 1:03d}")
    customer_name = "Ayesha Khan"
    phone = "0300-1234567"
    phone_digits = factory.LazyAttribute(lambda order: canonical_phone(order.phone))
    whatsapp = "+92 300 1234567"
    email = "ayesha@example.com"
    address = "House 12, Street 4, Gulshan-e-Iqbal"
    city = "Karachi"
    total_amount = Decimal("0.00")
    payment_method = PaymentMethod.EASYPAISA
    order_date = factory.LazyFunction(timezone.localdate)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        summaries.add(orders=[order])
        return order


class OrderItemFactory(factory.django.DjangoModelFactory):
    """A line added to a saved order, counted in its product's sales unless the order is
    cancelled (the order's own summary row, total included, is the order factory's)."""

    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    product_uuid = factory.LazyAttribute(lambda item: item.product.pk)
    name = factory.LazyAttribute(lambda item: item.product.name)
    size = "M"
    color = "Maroon"
    quantity = 1
    unit_price = factory.LazyAttribute(lambda item: item.product.effective_price)
    line_total = factory.LazyAttribute(lambda item: item.unit_price * item.quantity)
    image = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        line = super()._create(model_class, *args, **kwargs)
        summaries.add(lines=[line])
        return line


def order_payload(*lines, **overrides) -> dict:
    """A valid `POST /api/orders` body ordering `lines` (dicts with at least `product_id`)."""
    body = {
        "customer_name": "Ayesha Khan",
        "phone": "0300-1234567",
        "whatsapp": "+92 300 1234567",
        "email": "ayesha@example.com",
        "address": "House 12, Street 4, Gulshan-e-Iqbal",
        "city": "Karachi",
        "country": "Pakistan",
        "notes": "Please call before delivery",
        "payment_method": "Easypaisa",
        "items": [{"size": "M", "color": "Maroon", "quantity": 1, **line} for line in lines],
    }
    body.update(overrides)
    return body
