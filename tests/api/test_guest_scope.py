"""Guests' Idempotency-Keys belong to each guest's own session, never to every guest at once."""

import pytest
from django.test import Client

from remarket.orders.models import Order

from ..conftest import ADDRESS_FR

pytestmark = pytest.mark.django_db


def test_two_guests_with_the_same_key_and_body_get_two_orders(offer):
    body = {
        "market": "FR",
        "email": "same@example.com",
        "items": [{"listing_id": offer.listing_id, "quantity": 1}],
        "shipping_address": ADDRESS_FR,
    }
    one, two = Client(), Client()
    first = one.post("/api/v1/checkout", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = two.post("/api/v1/checkout", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"] and Order.objects.count() == 2
    again = one.post("/api/v1/checkout", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json() == first.json() and Order.objects.count() == 2
