"""beautique.serializers.ModelSerializer: fields built once per class, each instance its own."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from orders.models import OrderItem
from orders.serializers import OrderDetailSerializer, OrderItemSerializer


def test_each_instance_has_its_own_fields_bound_to_it():
    first, second = OrderDetailSerializer(), OrderDetailSerializer()
    assert first.fields.keys() == second.fields.keys()
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field.parent is first
        assert second.fields[name].parent is second


@pytest.mark.parametrize("host", ["shop.example", "beautique.pk"])
def test_each_instance_renders_with_its_own_context(host, settings):
    settings.ALLOWED_HOSTS = [host]
    request = Request(RequestFactory().get("/", HTTP_HOST=host))
    item = OrderItem(image="/media/look.jpg", unit_price=1, line_total=1, quantity=1)
    data = OrderItemSerializer(item, context={"request": request}).data
    assert data["image"] == f"http://{host}/media/look.jpg"
