"""The merchant's listings page searched and filtered: SKU or model words, model, grade, market, online, best
offer and stock, the query kept on the pagination links; a value the page does not offer refused with its code;
only the merchant's own offers, ever."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import Role
from remarket.offers.merchant_listings import ListingQuery, listing_query_parse, terms_for_merchant_search

from ..factories import (
    ListingFactory,
    ListingMarketFactory,
    MerchantFactory,
    ProductModelFactory,
    UserFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(marketplace):
    """One merchant's four offers and a rival's: a Pixel and three iPhones of two models."""
    merchant = MerchantFactory()
    pixel = VariantFactory(model=ProductModelFactory(brand="Google", name="Pixel 8", slug="pixel-8"), colour="Obsidian")
    iphone = VariantFactory(model=ProductModelFactory(brand="Apple", name="iPhone 15", slug="iphone-15"), colour="Blue")
    iphone_pro = VariantFactory(model=ProductModelFactory(brand="Apple", name="iPhone 15 Pro", slug="iphone-15-pro"))
    offers = {
        "pixel": ListingMarketFactory(
            market=marketplace.fr, listing=ListingFactory(merchant=merchant, variant=pixel, sku="PX8-A", grade="GOOD")
        ),
        "iphone_sold_out": ListingMarketFactory(
            market=marketplace.fr,
            listing=ListingFactory(merchant=merchant, variant=iphone, sku="IP15-B", grade="VERY_GOOD", quantity=0),
        ),
        "iphone_offline": ListingMarketFactory(
            market=marketplace.fr,
            published=False,
            listing=ListingFactory(merchant=merchant, variant=iphone, sku="IP15-C", grade="EXCELLENT"),
        ),
        "pro_losing": ListingMarketFactory(
            market=marketplace.fr,
            price_minor=99900,
            min_price_minor=90000,
            listing=ListingFactory(merchant=merchant, variant=iphone_pro, sku="IP15P-D", grade="EXCELLENT"),
        ),
    }
    # a rival sells the same Pro in the same grade for less: it wins that backbox
    ListingMarketFactory(
        market=marketplace.fr,
        price_minor=79900,
        min_price_minor=70000,
        listing=ListingFactory(variant=iphone_pro, sku="RIVAL-1", grade="EXCELLENT"),
    )
    user = UserFactory(role=Role.MERCHANT, merchant=merchant)
    return merchant, offers, user


def _shown(client, query: str) -> set[int]:
    page = client.get("/merchant/listings/" + query)
    assert page.status_code == 200, page.content.decode()[:500]
    return {int(n) for n in re.findall(r'data-terms="(\d+)"', page.content.decode())}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"pixel", "iphone_sold_out", "iphone_offline", "pro_losing"}),
        ("?q=ip15-c", {"iphone_offline"}),  # a SKU, whatever its case
        ("?q=iphone+pro", {"pro_losing"}),  # every word found in the model
        ("?q=obsidian", {"pixel"}),  # the colour
        ("?grade=VERY_GOOD", {"iphone_sold_out"}),
        ("?market=US", set()),
        ("?online=no", {"iphone_offline"}),
        ("?online=yes&stock=in", {"pixel", "pro_losing"}),
        ("?stock=out", {"iphone_sold_out"}),
        ("?winning=yes", {"pixel"}),  # sold out and offline offers win nothing; the rival wins the Pro
        ("?winning=no", {"iphone_sold_out", "iphone_offline", "pro_losing"}),
        ("?q=iphone&winning=no&stock=in", {"iphone_offline", "pro_losing"}),
    ],
)
def test_each_filter_shows_exactly_the_matching_offers(client, shop, query, expected):
    merchant, offers, user = shop
    client.force_login(user)
    assert _shown(client, query) == {offers[name].pk for name in expected}


def test_the_model_filter_lists_the_merchants_models_and_keeps_to_one(client, shop):
    merchant, offers, user = shop
    client.force_login(user)
    page = client.get("/merchant/listings/").content.decode()
    assert page.count('<option value="') >= 3 and "Apple iPhone 15 Pro" in page and "Google Pixel 8" in page
    model_id = offers["iphone_offline"].listing.variant.model_id
    assert _shown(client, f"?model={model_id}") == {offers["iphone_sold_out"].pk, offers["iphone_offline"].pk}


def test_the_query_is_kept_across_pages(client, marketplace):
    merchant = MerchantFactory()
    for n in range(55):
        ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=merchant, sku=f"KEEP-{n:02d}"))
    ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=merchant, sku="OTHER-1"))
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=merchant))
    first = client.get("/merchant/listings/?q=keep&stock=in").content.decode()
    assert 'href="?q=keep&amp;stock=in&amp;page=2"' in first
    second = client.get("/merchant/listings/?q=keep&stock=in&page=2").content.decode()
    assert len(re.findall(r'data-terms="\d+"', second)) == 5 and "OTHER-1" not in second
    assert 'href="?q=keep&amp;stock=in&amp;page=1"' in second


@pytest.mark.parametrize("query", ["?grade=MINT", "?online=maybe", "?stock=some", "?model=abc", "?market=FRANCE"])
def test_a_value_the_page_does_not_offer_is_refused_with_its_code(client, shop, query):
    merchant, offers, user = shop
    client.force_login(user)
    page = client.get("/merchant/listings/" + query)
    assert page.status_code == 400 and 'data-code="LISTING_FILTER_INVALID"' in page.content.decode()
    assert 'data-terms="' not in page.content.decode()


def test_only_the_merchants_own_offers_are_searched(shop):
    merchant, offers, user = shop
    found = terms_for_merchant_search(merchant_id=merchant.pk, query=listing_query_parse({"q": "rival"}))
    assert list(found) == []
    everything = terms_for_merchant_search(merchant_id=merchant.pk, query=ListingQuery())
    assert {t.pk for t in everything} == {o.pk for o in offers.values()}


def test_a_filtered_page_is_read_in_a_bounded_number_of_queries(client, shop, marketplace):
    merchant, offers, user = shop
    client.force_login(user)
    client.get("/merchant/listings/?winning=no")
    with CaptureQueriesContext(connection) as few:
        client.get("/merchant/listings/?winning=no&q=iphone")
    for n in range(10):
        ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=merchant, sku=f"IPX-{n}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/merchant/listings/?winning=no&q=ip")
    assert len(many) == len(few)
