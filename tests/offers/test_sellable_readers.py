"""Whether a merchant can sell is one rule (`Merchant.status_can_sell`), and which offers are on sale one filter
(`ListingMarket.objects.on_sale` / `sellable`, and the SQL of offers/selectors.py built from the same statuses):
for every status, each reader — the home page's "from" price, the product page and its API, search, the
merchant's `/ws/` listings, add to cart, the quote and checkout — says the same thing."""

import pytest

from remarket.checkout.quote import checkout_quote
from remarket.checkout.services import Item, checkout_start
from remarket.core.errors import NotFound
from remarket.merchants.models import Merchant
from remarket.merchants.selectors import merchant_can_sell
from remarket.offers.models import ListingMarket
from remarket.offers.selectors import lowest_prices_by_model, offer_published, product_page
from remarket.offers.services import ListingRow, listings_apply
from remarket.search.selectors import products_search
from remarket.search.services import search_index_rebuild

from ..conftest import ADDRESS_FR
from ..factories import MerchantFactory, VariantFactory
from ..ws.conftest import seller_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", Merchant.Status.values)
def test_every_reader_agrees_on_a_merchants_offers(client, marketplace, status):
    variant = VariantFactory()
    live, merchant = MerchantFactory(status="active"), MerchantFactory(status="active")
    for seller, sku, price in ((live, "LIVE", "300"), (merchant, "THIS", "200")):
        listings_apply(
            merchant=seller,
            rows=[ListingRow(sku=sku, market="FR", price=price, quantity=1, variant_id=variant.pk, grade="GOOD")],
        )
    Merchant.objects.filter(pk=merchant.pk).update(status=status)  # the lifecycle's or the quality review's move
    merchant.refresh_from_db()
    sells = status in Merchant.SELLING
    this = ListingMarket.objects.get(listing__sku="THIS")

    # the rule, read three ways
    assert Merchant.status_can_sell(status) is merchant.can_sell is merchant_can_sell(merchant_id=merchant.pk) is sells
    # the filter
    assert ListingMarket.objects.on_sale().filter(pk=this.pk).exists() is sells
    assert ListingMarket.objects.sellable().filter(pk=this.pk).exists() is sells
    # the home page's "from" price
    assert lowest_prices_by_model(market=marketplace.fr)[variant.model_id] == (20000 if sells else 30000)
    home = client.get("/fr/").content.decode()
    assert ("200,00" in home, "300,00" in home) == (sells, not sells)  # one "from" price per product
    # the product page (offers/selectors.py SQL) and its API
    [grade] = [g for g in product_page(slug=variant.model.slug, market=marketplace.fr).grades if g.grade == "GOOD"]
    assert (grade.best.sku, grade.others) == (("THIS", 1) if sells else ("LIVE", 0))
    api = client.get(f"/api/v1/catalog/products/{variant.model.slug}", {"market": "FR"}).json()
    assert [o["sku"] for o in api["offers"]] == (["THIS"] if sells else ["LIVE"])  # the grade's best
    [good] = [g for g in api["grades"] if g["grade"] == "GOOD"]
    assert (good["offer_count"], good["best"]["sku"]) == ((2, "THIS") if sells else (1, "LIVE"))
    assert api["variants"][0]["from_price_minor"] == (20000 if sells else 30000)
    # search, from its index
    search_index_rebuild()
    [hit] = products_search(market=marketplace.fr, q=variant.model.name).hits
    assert hit.price_minor == (20000 if sells else 30000)
    # the merchant's own /ws/ listings: deactivated (4) when it cannot sell
    [public] = seller_for(merchant).get("/ws/listings").json()["results"]
    assert public["publication_state"] == (2 if sells else 4)
    # add to cart, the quote, checkout
    assert offer_published(market=marketplace.fr, listing_id=this.listing_id) is sells
    added = client.post("/fr/cart/add/", {"listing_id": this.listing_id})
    assert (added.status_code == 404) is not sells
    for read in (
        lambda: checkout_quote(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(this.listing_id, 1)],
            shipping_address=ADDRESS_FR,
        ),
        lambda: checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(this.listing_id, 1)],
            email="buyer@example.com",
            shipping_address=ADDRESS_FR,
        ),
    ):
        if sells:
            read()
        else:
            with pytest.raises(NotFound) as refused:
                read()
            assert refused.value.code == "OFFER_NOT_FOUND"
