import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.api.v1.api import api
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.offers.models import Listing
from remarket.orders.models import Order

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db
OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_committed_openapi_document_matches_the_code():
    assert json.loads(OPENAPI.read_text()) == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"))), (
        "docs/openapi.json drifted: run `make openapi` and commit it"
    )


def test_openapi_and_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "remarket API"
    assert client.get("/api/v1/docs").status_code == 200


def test_product_api_shows_offers_per_grade_in_few_queries(client, offer):
    slug = offer.listing.variant.model.slug
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/v1/catalog/products/{slug}?market=FR").json()
    assert len(queries) <= 5
    [variant] = body["variants"]
    assert (variant["offer_count"], variant["from_price_minor"], body["variant_id"]) == (1, 49900, variant["id"])
    assert body["offers"] == [
        {
            "listing_id": offer.listing_id,
            "sku": offer.listing.sku,
            "grade": "EXCELLENT",
            "merchant": offer.listing.merchant.name,
            "merchant_quality": 100,
            "price_minor": 49900,
            "shipping_minor": 0,
            "currency": "EUR",
            "quantity": 5,
            "warranty_months": 12,
            "best": True,
            "battery_health_pct": 80,
            "battery_measured": False,
            "new_price_minor": None,
            "saving_minor": None,
            "delivery_on": body["offers"][0]["delivery_on"],
            "delivery_business_days": 3,
            "return_days": 30,
        }
    ]
    [excellent] = [g for g in body["grades"] if g["grade"] == "EXCELLENT"]
    assert (excellent["label"], excellent["offer_count"], excellent["best"]) == ("Excellent", 1, body["offers"][0])
    assert excellent["looks"] and body["images"] == [] and body["new_prices"] == {}
    with CaptureQueriesContext(connection) as queries:  # served from the cache
        assert client.get(f"/api/v1/catalog/products/{slug}?market=FR").json() == body
    assert len(queries) == 0


@pytest.mark.parametrize(
    "url, code",
    [
        ("/api/v1/catalog/products/nope", "CATALOG_PRODUCT_NOT_FOUND"),
        ("/api/v1/catalog/products/x?market=ZZ", "MARKET_NOT_FOUND"),
        ("/api/v1/merchant/orders/999999", "ORDER_NOT_FOUND"),
        ("/api/v1/orders/6f9619ff-8b86-d011-b42d-00cf4fc964ff", "ORDER_NOT_FOUND"),
    ],
)
def test_unknown_things_are_404_with_a_code(client, merchant_token, url, code):
    response = client.get(url, **bearer(merchant_token))
    assert (response.status_code, response.json()["code"]) == (404, code)


def test_merchant_endpoints_need_a_valid_token(client, offer):
    response = client.get("/api/v1/merchant/listings", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert (response.status_code, response.json()["code"]) == (401, "AUTH_REQUIRED")


def checkout_body(offer, **over):
    return {
        "market": "FR",
        "email": "api@example.com",
        "items": [{"listing_id": offer.listing_id, "quantity": 1}],
        "shipping_address": ADDRESS_FR,
        **over,
    }


def test_checkout_and_pay_through_the_api_with_idempotency(client, offer):
    headers = {"HTTP_IDEMPOTENCY_KEY": "order-123"}
    first = client.post("/api/v1/checkout", checkout_body(offer), content_type="application/json", **headers)
    again = client.post("/api/v1/checkout", checkout_body(offer), content_type="application/json", **headers)
    assert first.status_code == 201 and again.status_code == 201 and first.json() == again.json()
    assert Order.objects.count() == 1 and Listing.objects.get().quantity == 4
    other = client.post(
        "/api/v1/checkout", checkout_body(offer, email="x@example.com"), content_type="application/json", **headers
    )
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    order_id = first.json()["id"]
    paid = client.post(f"/api/v1/orders/{order_id}/pay", {"card_number": PAY_OK}, content_type="application/json")
    assert paid.json()["payment_status"] == "captured" and paid.json()["state"] == 1


def test_malformed_checkout_is_422_and_changes_nothing(client, offer):
    response = client.post("/api/v1/checkout", {"market": "FR"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, "REQUEST_INVALID")
    bad_postcode = checkout_body(offer, shipping_address={**ADDRESS_FR, "postal_code": "ABC"})
    response = client.post("/api/v1/checkout", bad_postcode, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "CHECKOUT_POSTCODE_INVALID")
    assert not Order.objects.exists() and Listing.objects.get().quantity == 5


@pytest.mark.parametrize(
    "field, value, position",
    [
        ("street", "6 place des Vosges\x00", 18),  # NUL: cuts the label printer's string
        ("last_name", "Hugo\u202eoguH", 4),  # right-to-left override: shows a name other than the one stored
        ("city", "Paris\nCedex", 5),  # a line break in a one-line field
        ("street2", "\x1b[2J", 0),  # a terminal escape, for whoever reads the logs
    ],
)
def test_an_address_with_a_control_character_is_refused_and_changes_nothing(client, offer, field, value, position):
    body = checkout_body(offer, shipping_address={**ADDRESS_FR, field: value})
    response = client.post("/api/v1/checkout", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "CHECKOUT_ADDRESS_INVALID")
    assert response.json()["details"]["field"] == field and response.json()["details"]["position"] == position
    assert not Order.objects.exists() and Listing.objects.get().quantity == 5


def test_an_address_line_longer_than_200_characters_is_refused(client, offer):
    body = checkout_body(offer, shipping_address={**ADDRESS_FR, "street": "x" * 201})
    response = client.post("/api/v1/checkout", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "CHECKOUT_ADDRESS_INVALID")
    assert not Order.objects.exists()


def paid_order(marketplace, offer):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    return order.suborders.get()


def test_merchant_accepts_and_ships_through_the_api(client, marketplace, offer, merchant_token):
    sub = paid_order(marketplace, offer)
    listed = client.get("/api/v1/merchant/orders?state=1", **bearer(merchant_token)).json()
    assert [o["order_id"] for o in listed] == [sub.pk]
    accepted = client.post(
        f"/api/v1/merchant/orders/{sub.pk}/accept", **bearer(merchant_token), HTTP_IDEMPOTENCY_KEY="acc-1"
    )
    replay = client.post(
        f"/api/v1/merchant/orders/{sub.pk}/accept", **bearer(merchant_token), HTTP_IDEMPOTENCY_KEY="acc-1"
    )
    assert accepted.json()["state"] == 3 and replay.status_code == 200 and replay.json() == accepted.json()
    shipped = client.post(
        f"/api/v1/merchant/orders/{sub.pk}/ship",
        {"tracking_number": "1Z999", "carrier": "UPS"},
        content_type="application/json",
        **bearer(merchant_token),
    )
    assert shipped.json()["state"] == 9 and shipped.json()["tracking_number"] == "1Z999"
    twice = client.post(
        f"/api/v1/merchant/orders/{sub.pk}/ship",
        {"tracking_number": "2", "carrier": "UPS"},
        content_type="application/json",
        **bearer(merchant_token),
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "ORDER_ALREADY_SHIPPED")


def test_listings_write_reports_rows_and_is_idempotent(client, offer, merchant_token):
    rows = [
        {"sku": offer.listing.sku, "market": "FR", "price": "459.00", "quantity": 9},
        {"sku": "NEW-1", "market": "FR", "price": "10"},
    ]
    response = client.post(
        "/api/v1/merchant/listings",
        rows,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="feed-1",
        **bearer(merchant_token),
    )
    body = response.json()
    assert body["updated"] == [offer.listing_id] and [e["code"] for e in body["errors"]] == ["OFFER_VARIANT_UNKNOWN"]
    offer.refresh_from_db()
    assert offer.price_minor == 45900 and Listing.objects.get(pk=offer.listing_id).quantity == 9


def test_tenancy_merchant_b_sees_and_changes_nothing_of_merchant_a(
    client, marketplace, offer, merchant_token, other_merchant_user
):
    from remarket.accounts.services import api_token_issue

    sub = paid_order(marketplace, offer)
    other = bearer(api_token_issue(user=other_merchant_user, name="b")[1])
    assert client.get("/api/v1/merchant/orders", **other).json() == []
    assert offer.listing.sku not in [l["sku"] for l in client.get("/api/v1/merchant/listings", **other).json()]
    assert client.get(f"/api/v1/merchant/orders/{sub.pk}", **other).status_code == 404
    assert client.post(f"/api/v1/merchant/orders/{sub.pk}/accept", **other).status_code == 404
    write = client.post(
        "/api/v1/merchant/listings",
        [{"sku": offer.listing.sku, "market": "FR", "quantity": 0}],
        content_type="application/json",
        **other,
    )
    assert write.json()["errors"][0]["code"] == "OFFER_VARIANT_UNKNOWN"  # B's own new SKU, not A's listing
    assert Listing.objects.get(pk=offer.listing_id).quantity == 4
    sub.refresh_from_db()
    assert sub.state == 1


def test_ops_gmv_needs_an_operator(client, offer, merchant_token, operator_user):
    from remarket.accounts.services import api_token_issue

    assert client.get("/api/v1/ops/gmv?since=2026-01-01&until=2027-01-01", **bearer(merchant_token)).status_code == 403
    token = api_token_issue(user=operator_user, name="ops")[1]
    body = client.get("/api/v1/ops/gmv?since=2026-01-01&until=2027-01-01", **bearer(token)).json()
    assert body["total_eur_minor"] == 0 and body["cells"] == []


def test_merchant_profile_listings_with_terms_and_competition(client, offer, merchant_token):
    me = client.get("/api/v1/merchant/me", **bearer(merchant_token)).json()
    assert (me["status"], me["quality_score"]) == ("active", 100)
    [listing] = client.get("/api/v1/merchant/listings", **bearer(merchant_token)).json()
    assert listing["terms"][0]["market"] == "FR" and listing["terms"][0]["price_minor"] == 49900
    standing = client.get(
        f"/api/v1/merchant/listings/{offer.listing_id}/competition?market=FR", **bearer(merchant_token)
    ).json()
    assert standing["is_winning"] is True and standing["competitors"][0]["mine"] is True


def test_operator_manages_merchant_status_through_the_api(client, offer, operator_user, merchant_token):
    from remarket.accounts.services import api_token_issue

    token = bearer(api_token_issue(user=operator_user, name="ops")[1])
    merchant_id = offer.listing.merchant_id
    ok = client.post(
        f"/api/v1/ops/merchants/{merchant_id}/status", {"status": "warned"}, content_type="application/json", **token
    )
    assert ok.json()["status"] == "warned"
    refused = client.post(
        f"/api/v1/ops/merchants/{merchant_id}/status", {"status": "applied"}, content_type="application/json", **token
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "MERCHANT_STATUS_REFUSED")
    assert (
        client.post(
            f"/api/v1/ops/merchants/{merchant_id}/status",
            {"status": "warned"},
            content_type="application/json",
            **bearer(merchant_token),
        ).status_code
        == 403
    )
    assert client.get("/api/v1/catalog/categories/tree").json()[0]["slug"] == "smartphones"


def test_a_customer_fills_a_cart_and_checks_it_out_through_the_api(client, marketplace, offer):
    from remarket.accounts.services import api_token_issue

    from ..factories import UserFactory

    token = bearer(api_token_issue(user=UserFactory(), name="app")[1])
    added = client.post(
        "/api/v1/cart/items",
        {"market": "FR", "listing_id": offer.listing_id, "quantity": 2},
        content_type="application/json",
        **token,
    )
    version = added.json()["version"]
    assert version and added.json() == {
        "market": "FR",
        "items": [{"listing_id": offer.listing_id, "quantity": 2}],
        "version": version,
    }
    unknown = client.post(
        "/api/v1/cart/items", {"market": "FR", "listing_id": 999999}, content_type="application/json", **token
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "OFFER_NOT_FOUND")
    order = client.post(
        "/api/v1/cart/checkout",
        {"email": "me@example.com", "shipping_address": ADDRESS_FR},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="c1",
        **token,
    )
    assert order.status_code == 201 and order.json()["total_minor"] == 99800
    # emptied, and it remembers the version it was checked out as
    assert client.get("/api/v1/cart", **token).json() == {"market": "FR", "items": [], "version": version}
    replay = client.post(
        "/api/v1/cart/checkout",
        {"email": "me@example.com", "shipping_address": ADDRESS_FR},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="c1",
        **token,
    )
    assert replay.status_code == 201 and replay.json() == order.json()  # a retry gets the same order
    # without the key too: the same cart version checked out again answers its order
    again = client.post(
        "/api/v1/cart/checkout",
        {"email": "me@example.com", "shipping_address": ADDRESS_FR},
        content_type="application/json",
        **token,
    )
    assert again.status_code == 200 and again.json()["id"] == order.json()["id"]
    assert Order.objects.count() == 1
