"""/ws/listings: reading the merchant's listings and updating one in real time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, ShippingOption

from ..factories import ListingFactory, ListingMarketFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Listing.objects.values_list("sku", "quantity", "grade", "warranty_months", "comment")),
        sorted(
            ListingMarket.objects.values_list(
                "listing__sku", "market__code", "price_minor", "min_price_minor", "max_price_minor", "published"
            )
        ),
    )


# ---- reading ----------------------------------------------------------------------------------------------


def test_a_listing_in_the_contracts_fields(seller, listing, marketplace):
    listing.comment = "Boxed, with a new charger"
    listing.warranty_months = 24
    listing.save()
    term = listing.terms.get()
    term.max_price_minor = 59900
    term.save()
    ShippingOption.objects.create(terms=term, carrier="Colissimo", price_minor=490, delay_days=2)
    body = seller.get(f"/ws/listings/{listing.public_id}").json()
    variant = listing.variant
    assert body == {
        "id": str(listing.public_id),
        "listing_id": listing.pk,
        "product_id": str(variant.public_id),
        "backmarket_id": variant.pk,
        "title": f"Apple {variant.model.name} - 128 GB - {variant.colour}",
        "shippings": [
            {
                "shipping_price": "4.90",
                "shipping_delay": 48,
                "shipper": "Colissimo",
                "shipper_display": "Colissimo",
                "country_code": "fr-fr",
            }
        ],
        "state": 0,
        "grade": "EXCELLENT",
        "quantity": 5,
        "currency": "EUR",
        "sku": listing.sku,
        "publication_state": 2,
        "warranty_delay": 24,
        "price": "499.00",
        "comment": "Boxed, with a new charger",
        "min_price": "450.00",
        "max_price": "599.00",
        "new_battery": False,
        "statuscode": 200,
    }


def test_a_listing_is_found_by_uuid_legacy_id_sku_or_query_ids(seller, listing):
    urls = [
        f"/ws/listings/{listing.public_id}",
        f"/ws/listings/{listing.pk}",
        f"/ws/listings/detail?sku={listing.sku.lower()}",
        f"/ws/listings/detail?listing_id={listing.pk}",
        f"/ws/listings/detail?id={listing.public_id}",
    ]
    assert {seller.get(url).json()["listing_id"] for url in urls} == {listing.pk}


@pytest.mark.parametrize(
    "url, code",
    [
        ("/ws/listings/detail", "WS_LISTING_REF_MISSING"),
        ("/ws/listings/detail?listing_id=abc", "WS_LISTING_ID_INVALID"),
        ("/ws/listings/detail?id=42", "WS_LISTING_ID_INVALID"),
        ("/ws/listings/not-an-id", "WS_LISTING_ID_INVALID"),
    ],
)
def test_a_malformed_listing_reference_is_400(seller, listing, url, code):
    response = seller.get(url)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)


def test_an_offline_listing_and_one_without_terms_in_the_market(seller, listing, marketplace):
    listing.terms.update(published=False)
    bare = ListingFactory(merchant=seller.merchant)
    offline, unpriced = seller.get("/ws/listings").json()["results"]
    assert (offline["publication_state"], offline["price"]) == (1, "499.00")
    assert {k: unpriced[k] for k in ("listing_id", "publication_state", "price", "min_price", "max_price")} == {
        "listing_id": bare.pk,
        "publication_state": 1,
        "price": "0.00",
        "min_price": None,
        "max_price": "0.00",
    }


def test_a_suspended_merchants_listings_show_as_deactivated(seller, listing):
    Merchant.objects.filter(pk=seller.merchant.pk).update(status="suspended")
    assert seller.get("/ws/listings").json()["results"][0]["publication_state"] == 4
    assert seller.get("/ws/listings", {"publication_state": 4}).json()["count"] == 1
    assert seller.get("/ws/listings", {"publication_state": 2}).json()["count"] == 0


def test_filters_by_publication_state_and_quantity(seller, marketplace):
    made = {}
    for sku, quantity, published in [("ON-0", 0, True), ("ON-9", 9, True), ("OFF-3", 3, False)]:
        made[sku] = ListingMarketFactory(
            market=marketplace.fr,
            published=published,
            listing=ListingFactory(merchant=seller.merchant, sku=sku, quantity=quantity),
        ).listing
    ListingFactory(merchant=seller.merchant, sku="US-ONLY")

    def skus(**query):
        return [r["sku"] for r in seller.get("/ws/listings", query).json()["results"]]

    assert skus(publication_state=2) == ["ON-0", "ON-9"]
    assert skus(publication_state=1) == ["OFF-3", "US-ONLY"]
    assert skus(publication_state=0) == skus(publication_state=3) == []
    assert skus(min_quantity=3) == ["ON-9", "OFF-3", "US-ONLY"]
    assert skus(publication_state=2, max_quantity=5) == ["ON-0"]


def test_the_list_costs_the_same_few_queries_for_1_or_50_listings(seller, marketplace):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert seller.get("/ws/listings", {"page-size": 50}).status_code == 200
        return len(queries)

    ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=seller.merchant))
    one = count_queries()
    for _ in range(49):
        term = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=seller.merchant))
        ShippingOption.objects.create(terms=term, carrier="UPS")
    assert count_queries() == one <= 8  # token, market, merchant, count, page, terms, shippings (+ savepoints)


# ---- tenancy ----------------------------------------------------------------------------------------------


def test_another_merchants_listing_is_not_found_whatever_the_way_in(seller, rival, listing):
    before = snapshot()
    for url in (
        f"/ws/listings/{listing.public_id}",
        f"/ws/listings/{listing.pk}",
        f"/ws/listings/detail?sku={listing.sku}",
        f"/ws/listings/detail?id={listing.public_id}",
    ):
        response = rival.get(url)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "OFFER_NOT_FOUND"), url
    response = rival.post(f"/ws/listings/{listing.public_id}", {"quantity": 0})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "OFFER_NOT_FOUND")
    assert snapshot() == before


# ---- updating one listing ------------------------------------------------------------------------------------


def test_an_update_changes_only_the_fields_sent(seller, listing):
    listing.warranty_months = 18
    listing.save()
    response = seller.post(f"/ws/listings/{listing.public_id}", {"quantity": 2, "price": "479,90"})
    assert response.status_code == 200
    body = response.json()
    assert (body["quantity"], body["price"], body["min_price"], body["warranty_delay"]) == (2, "479.90", "450.00", 18)
    assert (body["publication_state"], body["shippings_response"], body["statuscode"]) == (2, [], 200)
    assert snapshot()[1] == [(listing.sku, "FR", 47990, 45000, None, True)]


def test_pub_state_takes_a_listing_offline_and_back_and_quantity_0_keeps_it_listed(seller, listing):
    url = f"/ws/listings/{listing.pk}"
    assert seller.post(url, {"pub_state": 1}).json()["publication_state"] == 1
    assert seller.post(url, {"quantity": 0}).json()["publication_state"] == 1
    back = seller.post(url, {"pub_state": 2}).json()
    assert (back["publication_state"], back["quantity"]) == (2, 0)


def test_an_update_accepts_form_encoded_bodies(seller, listing):
    url = f"/ws/listings/{listing.pk}"
    urlencoded = seller.client.post(
        url, "quantity=7&price=489.00", content_type="application/x-www-form-urlencoded", **seller.headers()
    )
    assert (urlencoded.status_code, urlencoded.json()["quantity"], urlencoded.json()["price"]) == (200, 7, "489.00")
    multipart = seller.client.post(url, {"quantity": "6"}, **seller.headers())
    assert (multipart.status_code, multipart.json()["quantity"]) == (200, 6)


def test_an_update_adds_the_listing_to_another_market(seller, listing, marketplace):
    response = seller.post(
        f"/ws/listings/{listing.pk}", {"price": "549.99", "currency": "USD"}, HTTP_ACCEPT_LANGUAGE="en-us"
    )
    assert (response.json()["currency"], response.json()["price"], response.json()["min_price"]) == (
        "USD",
        "549.99",
        None,
    )
    assert sorted(listing.terms.values_list("market__code", "price_minor")) == [("FR", 49900), ("US", 54999)]


def test_shipper_fields_replace_the_shipping_options_of_the_market(seller, listing):
    ShippingOption.objects.create(terms=listing.terms.get(), carrier="Colissimo", price_minor=490, delay_days=2)
    response = seller.post(
        f"/ws/listings/{listing.pk}",
        {
            "shipper_1": "UPS",
            "shipping_price_1": "3,90",
            "shipping_delay_1": 36,
            "shipper_display_1": "UPS",
            "shipper_2": "DHL Express",
            "shipping_price_2": 12,
            "shipper_3": None,
        },
    )
    body = response.json()
    assert body["shippings_response"] == ["Shipping method 1 (UPS) updated", "Shipping method 2 (DHL Express) updated"]
    assert [(s["shipper"], s["shipping_price"], s["shipping_delay"]) for s in body["shippings"]] == [
        ("DHL Express", "12.00", 72),
        ("UPS", "3.90", 48),
    ]
    assert sorted(ShippingOption.objects.values_list("carrier", "price_minor", "delay_days")) == [
        ("DHL Express", 1200, 3),
        ("UPS", 390, 2),
    ]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"price": "-5"}, "MONEY_NEGATIVE"),
        ({"price": "cheap"}, "MONEY_INVALID"),
        ({"price": "100.00"}, "OFFER_PRICE_BELOW_MIN"),
        ({"min_price": "600"}, "OFFER_PRICE_BELOW_MIN"),
        ({"max_price": "400"}, "OFFER_PRICE_ABOVE_MAX"),
        ({"quantity": -1}, "OFFER_QUANTITY_NEGATIVE"),
        ({"quantity": "lots"}, "OFFER_QUANTITY_INVALID"),
        ({"warranty_delay": 6}, "OFFER_WARRANTY_TOO_SHORT"),
        ({"warranty_delay": "a year"}, "OFFER_WARRANTY_INVALID"),
        ({"shipper_1": "UPS", "shipping_delay_1": "soon"}, "OFFER_SHIPPING_INVALID"),
        ({"shipper_1": "UPS", "shipping_price_1": "-1"}, "MONEY_NEGATIVE"),
        ({"grade": 2}, "CATALOG_GRADE_NUMERIC"),
        ({"grade": "2"}, "CATALOG_GRADE_NUMERIC"),
        ({"grade": "STALLONE"}, "CATALOG_GRADE_STALLONE"),
        ({"grade": "GOOD"}, "OFFER_GRADE_CHANGED"),
        ({"currency": "USD", "price": "500"}, "OFFER_CURRENCY_MISMATCH"),
        ({"pub_state": 7}, "OFFER_PUB_STATE_INVALID"),
    ],
)
def test_a_bad_update_is_a_400_string_with_our_code_and_changes_nothing(seller, listing, body, code):
    before = snapshot()
    response = seller.post(f"/ws/listings/{listing.public_id}", body)
    assert response.status_code == 400
    assert response.json().startswith(f"{code}: ")
    assert snapshot() == before


def test_an_update_needs_a_price_where_the_listing_has_none_yet(seller, listing):
    response = seller.post(f"/ws/listings/{listing.pk}", {"quantity": 3}, HTTP_ACCEPT_LANGUAGE="en-us")
    assert response.json().startswith("OFFER_PRICE_MISSING: ")


def test_a_suspended_merchant_cannot_update(seller, listing):
    Merchant.objects.filter(pk=seller.merchant.pk).update(status="suspended")
    response = seller.post(f"/ws/listings/{listing.pk}", {"quantity": 3})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "MERCHANT_CANNOT_PUBLISH")


def test_a_body_that_is_not_json_is_a_400_string(seller, listing):
    response = seller.client.post(
        f"/ws/listings/{listing.pk}", "{nope", content_type="application/json", **seller.headers()
    )
    assert (response.status_code, response.json()) == (400, "WS_BODY_INVALID: The body is not JSON.")
