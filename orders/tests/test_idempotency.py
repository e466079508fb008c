"""The Idempotency-Key header: a retried checkout never places a second order."""

import pytest

from catalog.tests.factories import ProductFactory
from orders.models import DailyOrderSequence, Order, OrderItem
from orders.tests.factories import order_payload

pytestmark = pytest.mark.django_db

URL = "/api/orders"


@pytest.fixture
def body():
    return order_payload({"product_id": str(ProductFactory().pk), "quantity": 2})


def test_a_repeat_with_the_same_key_returns_the_first_order_with_200(api_client, body):
    first = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})
    again = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.content == first.content
    assert Order.objects.count() == 1
    assert OrderItem.objects.count() == 1
    assert DailyOrderSequence.objects.get().last_number == 1
    order = Order.objects.get()
    assert order.idempotency_key == "cart-42"
    assert len(order.request_fingerprint) == 64


def test_fields_the_server_ignores_do_not_make_a_repeat_different(api_client, body):
    api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})
    body["items"][0]["price"] = 1
    body["items"][0]["name"] = "Anything"
    again = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})
    assert again.status_code == 200
    assert Order.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_422(api_client, body):
    first = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})
    body["items"][0]["quantity"] = 3
    other = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-42"})

    assert first.status_code == 201
    assert other.status_code == 422
    message = "This Idempotency-Key was already used with a different order."
    assert other.json() == {
        "detail": f"idempotency_key: {message}",
        "errors": {"idempotency_key": [message]},
    }
    assert Order.objects.count() == 1
    assert Order.objects.get().items.get().quantity == 2


def test_different_keys_place_different_orders(api_client, body):
    one = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-1"})
    two = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart-2"})
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["order_id"] != two.json()["order_id"]
    assert Order.objects.count() == 2


def test_without_a_key_every_request_places_an_order(api_client, body):
    api_client.post(URL, body, format="json")
    api_client.post(URL, body, format="json")
    assert Order.objects.count() == 2
    assert list(Order.objects.values_list("idempotency_key", flat=True)) == [None, None]


def test_a_key_of_255_characters_is_accepted_and_256_is_a_422(api_client, body):
    accepted = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "k" * 255})
    refused = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "k" * 256})

    assert accepted.status_code == 201
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "idempotency_key": ["Idempotency-Key must be at most 255 characters"]
    }
    assert Order.objects.count() == 1


def test_a_key_with_a_nul_character_is_a_422(api_client, body):
    """PostgreSQL text cannot hold NUL; some servers pass it on in a header."""
    response = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "cart\x0042"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "idempotency_key: Idempotency-Key cannot contain NUL characters",
        "errors": {"idempotency_key": ["Idempotency-Key cannot contain NUL characters"]},
    }
    assert not Order.objects.exists()


def test_an_invalid_first_request_does_not_use_up_the_key(api_client, body):
    bad = {**body, "city": "K"}
    assert (
        api_client.post(URL, bad, format="json", headers={"Idempotency-Key": "k1"}).status_code
        == 422
    )
    good = api_client.post(URL, body, format="json", headers={"Idempotency-Key": "k1"})
    assert good.status_code == 201
    assert Order.objects.count() == 1
