"""`/ws/buyback/...`: every operation of the contract served, each response validated against it (conftest.py),
the documented examples working, tenancy (another merchant's trade-in or listing is not found) and refusals
with their codes and nothing changed."""

import base64
import json

import pytest
from django.test.client import encode_multipart

from remarket.accounts.permissions import Actor
from remarket.buyback import services
from remarket.buyback.listings import buyback_listing_publish
from remarket.buyback.models import BuybackPrice, TradeIn, TradeInMessage
from remarket.core import clock
from remarket.ledger.models import LedgerTransaction

from ..buyback.conftest import FLAWLESS, IDENTITY, NOW, PNG
from ..factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db
ROUTES = {
    ("GET", "/ws/buyback/v1/orders"),
    ("GET", "/ws/buyback/v1/orders/pending-reply"),
    ("GET", "/ws/buyback/v1/orders/suspend-reasons"),
    ("GET", "/ws/buyback/v1/orders/{buybackOrderId}"),
    ("GET", "/ws/buyback/v1/orders/{buybackOrderId}/messages"),
    ("POST", "/ws/buyback/v1/orders/{buybackOrderId}/messages"),
    ("PUT", "/ws/buyback/v1/orders/{buybackOrderId}/suspend"),
    ("PUT", "/ws/buyback/v1/orders/{buybackOrderId}/validate"),
    ("GET", "/ws/buyback/v1/orders/{buybackOrderId}/counter-offers/reasons"),
    ("PUT", "/ws/buyback/v2/orders/{buybackOrderId}/counter-offers"),
    ("GET", "/ws/buyback/v1/listings"),
    ("GET", "/ws/buyback/v1/listings/{buybackListingId}"),
    ("PUT", "/ws/buyback/v1/listings/{buybackListingId}"),
    ("GET", "/ws/buyback/v1/competitors/{listingId}"),
}


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def variant(marketplace):
    return VariantFactory()


@pytest.fixture
def bb_listing(seller, variant):
    actor = Actor.of(_staff(seller))
    return buyback_listing_publish(actor=actor, variant_id=variant.pk, grade="DIAMOND", prices={"FR": (30000, "EUR")})


def _staff(seller):
    from remarket.accounts.models import User

    return User.objects.filter(merchant=seller.merchant).first()


def _received(seller, marketplace, variant, bb_listing):
    customer = Actor.of(UserFactory())
    t = services.tradein_accept(
        actor=customer, market=marketplace.fr, variant_id=variant.pk, answers=FLAWLESS, identity=IDENTITY
    )
    services.tradein_ship(actor=customer, reference=t.reference, tracking_number="8R41352499203")
    services.tradein_receive(actor=Actor.of(_staff(seller)), reference=t.reference)
    return TradeIn.objects.get(pk=t.pk), customer


def put(seller, url, body=None, **extra):
    return seller.client.put(url, json.dumps(body or {}), content_type="application/json", **seller.headers(), **extra)


def test_every_buyback_operation_of_the_contract_is_served(contract, seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    first = len(contract.checked)
    ref, lid = t.reference, bb_listing.public_id
    seller.get("/ws/buyback/v1/orders")
    seller.get("/ws/buyback/v1/orders/pending-reply")
    seller.get("/ws/buyback/v1/orders/suspend-reasons")
    seller.get(f"/ws/buyback/v1/orders/{ref}")
    seller.get(f"/ws/buyback/v1/orders/{ref}/messages")
    seller.post(f"/ws/buyback/v1/orders/{ref}/messages", {"message": "Hello", "files": []})
    seller.get(f"/ws/buyback/v1/orders/{ref}/counter-offers/reasons")
    seller.client.put(
        f"/ws/buyback/v2/orders/{ref}/counter-offers",
        encode_multipart("BoUnDaRy", {"price": "250", "reasons": ["scratched_screen"], "files": []}),
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **seller.headers(),
    )
    seller.get("/ws/buyback/v1/listings")
    seller.get(f"/ws/buyback/v1/listings/{lid}")
    put(seller, f"/ws/buyback/v1/listings/{lid}", {"prices": {"FR": {"amount": "34.50", "currency": "EUR"}}})
    seller.get(f"/ws/buyback/v1/competitors/{lid}")
    put(seller, f"/ws/buyback/v1/orders/{ref}/suspend", {"reasons": ["parcel_damaged"]})
    put(seller, f"/ws/buyback/v1/orders/{ref}/validate")
    served = {(m, p) for m, p, _ in contract.checked[first:]}
    assert served == ROUTES
    assert sum(1 for p in contract.spec["paths"] if p.startswith("/ws/buyback/")) == 12


def test_orders_list_and_one_order(seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    body = seller.get("/ws/buyback/v1/orders").json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    order = body["results"][0]
    assert order["orderPublicId"] == t.reference
    assert (order["status"], order["market"], order["originalPrice"]) == (
        "RECEIVED",
        "FR",
        {"value": 300.0, "currency": "EUR"},
    )
    assert order["listing"] == {"sku": "", "productId": variant.pk, "title": str(variant), "grade": "DIAMOND"}
    assert order["customer"]["lastName"] == "Durand" and order["customer"]["dateOfBirth"] == "1988-04-12"
    assert order["returnAddress"] == {
        "address1": "12 rue de la Paix",
        "city": "Paris",
        "zipcode": "75002",
        "country": "FR",
    }
    assert order["trackingNumber"] == "8R41352499203"
    assert seller.get(f"/ws/buyback/v1/orders/{t.reference}").json() == order
    assert seller.get("/ws/buyback/v1/orders", {"status": "PAID"}).json()["count"] == 0
    assert seller.get("/ws/buyback/v1/orders", {"status": "RECEIVED", "productId": variant.pk}).json()["count"] == 1
    assert seller.get("/ws/buyback/v1/orders", {"creationDate": "2026-11-03"}).json()["count"] == 0
    assert seller.get("/ws/buyback/v1/orders", {"receivedDate": "2026-11-02"}).json()["count"] == 1
    assert seller.get("/ws/buyback/v1/orders/pending-reply").json()["count"] == 1
    bad = seller.get("/ws/buyback/v1/orders", {"status": "LOST"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "WS_FILTER_INVALID")


def test_another_merchant_sees_none_of_it(seller, rival, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    assert rival.get("/ws/buyback/v1/orders").json()["count"] == 0
    response = rival.get(f"/ws/buyback/v1/orders/{t.reference}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "BUYBACK_ORDER_NOT_FOUND")
    response = put(rival, f"/ws/buyback/v1/orders/{t.reference}/validate")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "BUYBACK_ORDER_NOT_FOUND")
    response = put(rival, f"/ws/buyback/v1/orders/{t.reference}/suspend", {"reasons": ["parcel_empty"]})
    assert response.status_code == 404
    response = rival.get(f"/ws/buyback/v1/listings/{bb_listing.public_id}")
    assert (response.status_code, response.json()["errors"][0]["title"]) == (422, "BUYBACK_LISTING_NOT_FOUND")
    response = put(
        rival, f"/ws/buyback/v1/listings/{bb_listing.public_id}", {"prices": {"FR": {"amount": "1", "currency": "EUR"}}}
    )
    assert response.status_code == 422
    assert rival.get(f"/ws/buyback/v1/competitors/{bb_listing.public_id}").status_code == 404
    assert TradeIn.objects.get(pk=t.pk).status == "RECEIVED"
    assert BuybackPrice.objects.get(listing=bb_listing).price_minor == 30000


def test_validate_pays_once(seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    response = put(seller, f"/ws/buyback/v1/orders/{t.reference}/validate")
    assert (response.status_code, response.json()["status"]) == (200, "PAID")
    assert response.json()["paymentDate"] == "2026-11-02T10:00:00Z"
    again = put(seller, f"/ws/buyback/v1/orders/{t.reference}/validate")
    assert (again.status_code, again.json()["error"]["code"]) == (422, "BUYBACK_TRANSITION_REFUSED")
    assert LedgerTransaction.objects.filter(kind="tradein_payout").count() == 1


def test_suspend_with_the_documented_example_and_a_bad_reason(seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    bad = put(seller, f"/ws/buyback/v1/orders/{t.reference}/suspend", {"reasons": ["bored"]})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "BUYBACK_SUSPEND_REASON_INVALID")
    assert TradeIn.objects.get(pk=t.pk).status == "RECEIVED"
    ok = put(seller, f"/ws/buyback/v1/orders/{t.reference}/suspend", {"reasons": ["parcel_damaged", "wrong_device"]})
    assert ok.status_code == 200
    assert [r["identifier"] for r in ok.json()["suspendReasons"]] == ["parcel_damaged", "wrong_device"]
    assert ok.json()["status"] == "SUSPENDED"
    reasons = seller.get("/ws/buyback/v1/orders/suspend-reasons").json()
    # in the language of the caller's Accept-Language (fr-fr)
    assert {"identifier": "parcel_empty", "message": "Colis vide", "category": "Problème de transport"} in reasons


def test_counter_offer_multipart_with_a_photo(seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    reasons = seller.get(f"/ws/buyback/v1/orders/{t.reference}/counter-offers/reasons").json()
    assert [c["id"] for c in reasons] == ["functional", "esthetics", "other"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    def send(price, reason="scratched_screen"):
        data = {
            "price": price,
            "reasons": [reason],
            "comment": "The screen is too scratched.",
            "files": [SimpleUploadedFile("s.png", PNG)],
        }
        return seller.client.put(
            f"/ws/buyback/v2/orders/{t.reference}/counter-offers",
            encode_multipart("BoUnDaRy", data),
            content_type="multipart/form-data; boundary=BoUnDaRy",
            **seller.headers(),
        )

    above = send("300")
    assert (above.status_code, above.json()["error"]["code"]) == (422, "BUYBACK_COUNTER_ABOVE_QUOTE")
    assert TradeIn.objects.get(pk=t.pk).counter_minor is None
    assert send("250", reason="nope").status_code == 422
    ok = send("250.50")
    assert ok.status_code == 204 and ok.content == b""
    t.refresh_from_db()
    assert (t.status, t.counter_minor, t.counter_comment) == ("COUNTER_PROPOSAL", 25050, "The screen is too scratched.")
    order = seller.get(f"/ws/buyback/v1/orders/{t.reference}").json()
    assert order["counterOfferPrice"] == {"value": 250.5, "currency": "EUR"}
    assert order["counterOfferReasons"][0]["identifier"] == "scratched_screen"
    messages = seller.get(f"/ws/buyback/v1/orders/{t.reference}/messages").json()
    assert messages["count"] == 1 and messages["results"][0]["attachments"][0].startswith(
        "http://testserver/merchant/trade-ins/files/"
    )


def test_messages_with_the_documented_example(seller, marketplace, variant, bb_listing):
    t, _ = _received(seller, marketplace, variant, bb_listing)
    photo = base64.b64encode(PNG).decode()
    response = seller.post(
        f"/ws/buyback/v1/orders/{t.reference}/messages",
        {"message": "Scratched screen", "files": [{"name": "photo_1.jpg", "content": photo}]},
    )
    assert response.status_code == 201
    assert (response.json()["body"], response.json()["author"]) == ("Scratched screen", "Merchant")
    empty = seller.post(f"/ws/buyback/v1/orders/{t.reference}/messages", {"message": "", "files": []})
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "BUYBACK_MESSAGE_INVALID")
    not_image = seller.post(
        f"/ws/buyback/v1/orders/{t.reference}/messages",
        {"message": "x", "files": [{"name": "a", "content": base64.b64encode(b"hello").decode()}]},
    )
    assert not_image.status_code == 422
    assert TradeInMessage.objects.filter(trade_in=t).count() == 1


def test_listings_pages_by_cursor_and_the_documented_price_update(seller, marketplace, bb_listing):
    staff = Actor.of(_staff(seller))
    more = [
        buyback_listing_publish(
            actor=staff, variant_id=VariantFactory().pk, grade="GOLD", prices={"FR": (1000 + i, "EUR")}
        )
        for i in range(3)
    ]
    first = seller.get("/ws/buyback/v1/listings", {"pageSize": 2}).json()
    assert [r["id"] for r in first["results"]] == [str(bb_listing.public_id), str(more[0].public_id)]
    assert first["next"].endswith(f"cursor={more[1].public_id}")
    second = seller.get("/ws/buyback/v1/listings", {"pageSize": 2, "cursor": str(more[1].public_id)}).json()
    assert ([r["id"] for r in second["results"]], second["next"]) == ([str(m.public_id) for m in more[1:]], None)
    one = seller.get(f"/ws/buyback/v1/listings/{bb_listing.public_id}").json()
    assert one["prices"] == {"FR": {"amount": "300.00", "currency": "EUR"}}
    assert (one["aestheticGradeCode"], one["markets"], one["sku"]) == ("FUNCTIONAL_FLAWLESS", ["FR"], None)
    example = {"prices": {"FR": {"amount": "34.50", "currency": "EUR"}}}
    response = put(seller, f"/ws/buyback/v1/listings/{bb_listing.public_id}", example)
    assert (response.status_code, response.json()) == (202, {})
    assert BuybackPrice.objects.get(listing=bb_listing).price_minor == 3450
    offline = put(
        seller,
        f"/ws/buyback/v1/listings/{bb_listing.public_id}",
        {"prices": {"FR": {"amount": "0", "currency": "EUR"}}},
    )
    assert offline.status_code == 202
    assert seller.get(f"/ws/buyback/v1/listings/{bb_listing.public_id}").json()["markets"] == []
    bad = put(
        seller,
        f"/ws/buyback/v1/listings/{bb_listing.public_id}",
        {"prices": {"FR": {"amount": "1", "currency": "USD"}}},
    )
    assert (bad.status_code, bad.json()["errors"][0]["title"]) == (400, "BUYBACK_CURRENCY_MISMATCH")
    assert BuybackPrice.objects.get(listing=bb_listing).price_minor == 0
    assert seller.get("/ws/buyback/v1/listings", {"pageSize": 0}).status_code == 400
    assert seller.get("/ws/buyback/v1/listings/not-a-uuid").status_code == 400


def test_competitors_price_to_win(seller, rival, marketplace, variant, bb_listing):
    from remarket.accounts.models import User

    rival_actor = Actor.of(User.objects.filter(merchant=rival.merchant).first())
    rival_listing = buyback_listing_publish(
        actor=rival_actor, variant_id=variant.pk, grade="DIAMOND", prices={"FR": (31000, "EUR")}
    )
    mine = seller.get(f"/ws/buyback/v1/competitors/{bb_listing.public_id}").json()
    assert mine == [
        {
            "listing_id": str(bb_listing.public_id),
            "product_id": str(variant.public_id),
            "market": "FR",
            "price": {"amount": "300.00", "currency": "EUR"},
            "price_to_win": {"amount": "310.01", "currency": "EUR"},
            "winner_price": {"amount": "310.00", "currency": "EUR"},
            "is_winning": False,
        }
    ]
    theirs = rival.get(f"/ws/buyback/v1/competitors/{rival_listing.public_id}").json()
    assert (theirs[0]["is_winning"], theirs[0]["price_to_win"]["amount"]) == (True, "310.00")


def test_without_a_token_each_family_answers_its_documented_shape(marketplace, bb_listing, client):
    response = client.get("/ws/buyback/v1/orders")
    assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")
    listings = client.get("/ws/buyback/v1/listings")
    assert (listings.status_code, listings.json()["errors"][0]["title"]) == (400, "WS_AUTH_REQUIRED")
