"""Trade-ins over /api/v1: the customer's journey and the merchant's, replays with the Idempotency-Key, tenancy,
refusals with their codes."""

import base64

import pytest
from django.test import Client

from remarket.accounts.services import api_token_issue
from remarket.buyback.models import TradeIn
from remarket.ledger.models import LedgerTransaction

from .conftest import FLAWLESS, IDENTITY, PNG

pytestmark = pytest.mark.django_db


def _auth(actor) -> dict:
    from remarket.accounts.models import User

    user = User.objects.get(pk=actor.user_id)
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='t')[1]}"}


def _post(client, url, body, headers, **extra):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def test_the_customer_and_the_merchant_over_the_api(bb, marketplace):
    client, me, shop = Client(), _auth(bb.customer_actor), _auth(bb.merchant_actor)
    quote = _post(
        client, "/api/v1/trade-ins/quote", {"market": "FR", "variant_id": bb.variant.pk, "answers": FLAWLESS}, me
    )
    assert (quote.status_code, quote.json()) == (
        200,
        {"variant_id": bb.variant.pk, "grade": "DIAMOND", "price_minor": 30000, "currency": "EUR"},
    )
    body = {
        "market": "FR",
        "variant_id": bb.variant.pk,
        "answers": FLAWLESS,
        "quote_minor": 30000,
        "identity": IDENTITY,
    }
    made = _post(client, "/api/v1/trade-ins", body, me, HTTP_IDEMPOTENCY_KEY="k1")
    assert made.status_code == 201 and made.json()["status"] == "TO_SEND"
    replay = _post(client, "/api/v1/trade-ins", body, me, HTTP_IDEMPOTENCY_KEY="k1")
    assert replay.json()["reference"] == made.json()["reference"] and TradeIn.objects.count() == 1
    ref = made.json()["reference"]
    assert _post(client, f"/api/v1/trade-ins/{ref}/ship", {"tracking_number": "X1"}, me).json()["status"] == "SENT"
    assert _post(client, f"/api/v1/merchant/trade-ins/{ref}/receive", {}, shop).json()["status"] == "RECEIVED"
    listed = client.get("/api/v1/merchant/trade-ins", {"status": "RECEIVED"}, **shop).json()
    assert (listed["count"], listed["results"][0]["reference"]) == (1, ref)
    counter = {
        "price_minor": 25000,
        "reasons": ["body_scratched"],
        "files": [{"name": "a.png", "content": base64.b64encode(PNG).decode()}],
    }
    assert (
        _post(client, f"/api/v1/merchant/trade-ins/{ref}/counter-offer", counter, shop).json()["status"]
        == "COUNTER_PROPOSAL"
    )
    accepted = _post(client, f"/api/v1/trade-ins/{ref}/accept-counter-offer", {}, me)
    assert (accepted.json()["status"], accepted.json()["paid_minor"]) == ("PAID", 25000)
    again = _post(client, f"/api/v1/merchant/trade-ins/{ref}/pay", {}, shop)
    assert (again.status_code, again.json()["code"]) == (409, "BUYBACK_ALREADY_PAID")
    assert LedgerTransaction.objects.filter(kind="tradein_payout").count() == 1
    assert client.get("/api/v1/trade-ins", **me).json()["count"] == 1


def test_refusals_and_tenancy_over_the_api(bb, marketplace):
    client, me, shop, rival = Client(), _auth(bb.customer_actor), _auth(bb.merchant_actor), _auth(bb.rival_actor)
    nobody = _post(
        client, "/api/v1/trade-ins/quote", {"market": "US", "variant_id": bb.variant.pk, "answers": FLAWLESS}, me
    )
    assert (nobody.status_code, nobody.json()["code"]) == (422, "BUYBACK_NO_BUYER")
    body = {"market": "FR", "variant_id": bb.variant.pk, "answers": FLAWLESS, "identity": IDENTITY}
    ref = _post(client, "/api/v1/trade-ins", body, me).json()["reference"]
    _post(client, f"/api/v1/merchant/trade-ins/{ref}/receive", {}, shop)
    other = _post(client, f"/api/v1/merchant/trade-ins/{ref}/validate", {}, rival)
    assert (other.status_code, other.json()["code"]) == (404, "BUYBACK_ORDER_NOT_FOUND")
    assert client.get(f"/api/v1/merchant/trade-ins/{ref}", **rival).status_code == 404
    stranger = _auth(bb.other_customer_actor)
    assert client.get(f"/api/v1/trade-ins/{ref}", **stranger).status_code == 404
    counter = {
        "price_minor": 30000,
        "reasons": ["body_scratched"],
        "files": [{"name": "a.png", "content": base64.b64encode(PNG).decode()}],
    }
    above = _post(client, f"/api/v1/merchant/trade-ins/{ref}/counter-offer", counter, shop)
    assert (above.status_code, above.json()["code"]) == (422, "BUYBACK_COUNTER_ABOVE_QUOTE")
    assert TradeIn.objects.get(reference=ref).status == "RECEIVED"
    customer_as_merchant = client.get("/api/v1/merchant/trade-ins", **me)
    assert customer_as_merchant.status_code == 403


def test_a_merchant_publishes_a_listing_over_the_api(bb, marketplace):
    client, shop = Client(), _auth(bb.merchant_actor)
    body = {
        "variant_id": bb.variant.pk,
        "grade": "SILVER",
        "sku": "BB-1",
        "prices": [{"market": "FR", "price_minor": 9000, "currency": "EUR"}],
    }
    made = _post(client, "/api/v1/merchant/buyback-listings", body, shop)
    assert made.status_code == 200
    assert (made.json()["grade"], made.json()["prices"]) == (
        "SILVER",
        [{"market": "FR", "price_minor": 9000, "currency": "EUR"}],
    )
    assert len(client.get("/api/v1/merchant/buyback-listings", **shop).json()) == 3
    bad = _post(client, "/api/v1/merchant/buyback-listings", {**body, "grade": "MINT"}, shop)
    assert (bad.status_code, bad.json()["code"]) == (400, "BUYBACK_GRADE_INVALID")
