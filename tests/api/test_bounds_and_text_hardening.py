"""Quantities and prices bounded before the database, and control characters refused in what a merchant writes
for someone else to read: each refusal has its field's code, and nothing is written."""

import pytest

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.offers.models import Listing, ListingMarket
from remarket.orders.models import Shipment

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _snapshot():
    return (
        sorted(Listing.objects.values_list("pk", "sku", "quantity", "warranty_months", "comment")),
        sorted(ListingMarket.objects.values_list("pk", "price_minor", "min_price_minor", "max_price_minor")),
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"quantity": 2**31}, "OFFER_QUANTITY_TOO_LARGE"),
        ({"quantity": 1_000_001}, "OFFER_QUANTITY_TOO_LARGE"),
        ({"price": "100000000.01"}, "OFFER_PRICE_TOO_LARGE"),
        ({"price": str(10**30)}, "MONEY_INVALID"),  # past Decimal's context: to_minor's code
        ({"max_price": "100000000.01"}, "OFFER_MAX_PRICE_TOO_LARGE"),
        ({"warranty_months": 2**15}, "OFFER_WARRANTY_TOO_LONG"),
        ({"comment": "like new\x00"}, "OFFER_COMMENT_INVALID"),
        ({"comment": "ok\u202eevil"}, "OFFER_COMMENT_INVALID"),
        ({"comment": "x" * 2001}, "OFFER_COMMENT_TOO_LONG"),
        ({"sku": "A\x1b[31m"}, "OFFER_SKU_INVALID"),
    ],
)
def test_a_listing_row_past_a_bound_is_refused_with_its_code_and_nothing_changes(
    client, offer, merchant_token, change, code
):
    before = _snapshot()
    row = {"sku": offer.listing.sku, "market": "FR", **change}
    response = client.post(
        "/api/v1/merchant/listings", [row], content_type="application/json", **bearer(merchant_token)
    )
    assert response.status_code == 200
    assert [e["code"] for e in response.json()["errors"]] == [code]
    assert _snapshot() == before


def test_the_largest_allowed_values_are_written(client, offer, merchant_token):
    row = {
        "sku": offer.listing.sku,
        "market": "FR",
        "quantity": 1_000_000,
        "price": "100000000.00",
        "warranty_months": 120,
        "comment": "line one\nline two\ttabbed",
    }
    response = client.post(
        "/api/v1/merchant/listings", [row], content_type="application/json", **bearer(merchant_token)
    )
    assert response.json()["errors"] == []
    offer.refresh_from_db()
    offer.listing.refresh_from_db()
    assert (offer.listing.quantity, offer.price_minor, offer.listing.warranty_months, offer.listing.comment) == (
        1_000_000,
        10**10,
        120,
        "line one\nline two\ttabbed",
    )


@pytest.fixture
def accepted(client, marketplace, offer, merchant_token):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="b@example.com",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    sub = order.suborders.get()
    assert client.post(f"/api/v1/merchant/orders/{sub.pk}/accept", **bearer(merchant_token)).status_code == 200
    return sub


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"tracking_number": "6A1\x00", "carrier": "Colissimo"}, "ORDER_TRACKING_INVALID"),
        ({"tracking_number": "6A1\n6A2", "carrier": "Colissimo"}, "ORDER_TRACKING_INVALID"),
        ({"tracking_number": "6A1", "carrier": "La\x07Poste"}, "ORDER_CARRIER_INVALID"),
        (
            {"tracking_number": "6A1", "carrier": "Colissimo", "tracking_url": "javascript:alert(1)"},
            "ORDER_TRACKING_URL_INVALID",
        ),
        (
            {"tracking_number": "6A1", "carrier": "Colissimo", "tracking_url": "https://t.invalid/\x00"},
            "ORDER_TRACKING_URL_INVALID",
        ),
    ],
)
def test_shipping_with_a_control_character_is_refused_and_nothing_ships(client, accepted, merchant_token, body, code):
    response = client.post(
        f"/api/v1/merchant/orders/{accepted.pk}/ship", body, content_type="application/json", **bearer(merchant_token)
    )
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert Shipment.objects.count() == 0


def test_the_back_office_refuses_a_carrier_with_a_control_character(client, accepted, merchant_user):
    client.force_login(merchant_user)
    client.post(f"/merchant/orders/{accepted.pk}/ship/", {"tracking_number": "6A1", "carrier": "UPS\x1b"})
    assert Shipment.objects.count() == 0
    client.post(f"/merchant/orders/{accepted.pk}/ship/", {"tracking_number": "6A1", "carrier": "UPS"})
    assert list(Shipment.objects.values_list("carrier", "tracking_number")) == [("UPS", "6A1")]
