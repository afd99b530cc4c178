"""The index follows the catalog and the offers: each refresh recomputes exactly what it is given, a rebuild
gives the same rows, and stock moved by orders reaches the index through the outbox."""

import pytest
from django.db import connection

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.events.outbox import drain
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket
from remarket.offers.services import ListingRow, listings_apply
from remarket.search.models import SearchDocument, SearchEntry, SearchModel, SearchModelValue
from remarket.search.query import Filters
from remarket.search.selectors import products_search
from remarket.search.services import IndexRefresh, search_index_rebuild, search_index_refresh, search_merchant_refresh

from ..conftest import ADDRESS_FR, PAY_DECLINED

pytestmark = pytest.mark.django_db


def found(shop, q="", **kw):
    return [(h.slug, h.price_minor, h.offers) for h in products_search(market=shop.mp.fr, q=q, **kw).hits]


def grades(shop):
    return [(v.key, v.count) for v in products_search(market=shop.mp.fr).facets["grade"]]


def snapshot():
    entries = sorted(
        SearchEntry.objects.values_list(
            "market_id",
            "variant_id",
            "grade",
            "model_id",
            "category_id",
            "brand",
            "storage_gb",
            "colour",
            "release_year",
            "price_minor",
            "offers",
        )
    )
    documents = sorted(SearchDocument.objects.values_list("model_id", "title", "body"))
    models = sorted(
        (*row[:-2], sorted(row[-2].split(",")), sorted(row[-1].split(",")))
        for row in SearchModel.objects.values_list(
            "market_id",
            "model_id",
            "category_id",
            "brand",
            "release_year",
            "price_minor",
            "offers",
            "grades",
            "storages",
        )
    )
    values = sorted(SearchModelValue.objects.values_list("market_id", "model_id", "facet", "value"))
    return entries, documents, models, values


def test_a_price_change_shows_once_its_variant_is_refreshed(shop):
    term = shop.offers["tab-good"]
    ListingMarket.objects.filter(pk=term.pk).update(price_minor=17900)
    assert ("galaxy-tab-s9", 19900, 1) in found(shop)  # the index is a projection: nothing moves by itself
    assert search_index_refresh(variant_ids=[term.listing.variant_id]) == IndexRefresh(documents=0, entries=1)
    assert ("galaxy-tab-s9", 17900, 1) in found(shop)


def test_listings_apply_then_refresh_of_the_variants_it_touched(shop):
    pixel = shop.variants[("pixel-7", 128, "Obsidian")]
    result = listings_apply(
        merchant=shop.m1,
        rows=[
            ListingRow(sku="TAB-GOOD", market="FR", price="149.00"),
            ListingRow(sku="PIXEL-FR", market="FR", variant_id=pixel.pk, grade="GOOD", price="280", quantity=2),
        ],
    )
    assert not result.errors
    touched = Listing.objects.filter(pk__in=result.created + result.updated).values_list("variant_id", flat=True)
    search_index_refresh(variant_ids=touched)
    assert found(shop, sort="price_asc") == [
        ("galaxy-tab-s9", 14900, 1),
        ("pixel-7", 28000, 1),
        ("galaxy-s23", 35000, 2),
        ("iphone-13", 39000, 5),
        ("iphone-13-pro", 60000, 2),
        ("macbook-air-13-m2", 75000, 2),
    ]
    assert found(shop, "pixel") == [("pixel-7", 28000, 1)]


def test_sold_out_and_unpublished_offers_leave_the_results(shop):
    Listing.objects.filter(pk=shop.offers["tab-good"].listing_id).update(quantity=0)
    ListingMarket.objects.filter(pk=shop.offers["mba-vg"].pk).update(published=False)
    search_index_refresh(
        variant_ids=[shop.offers["tab-good"].listing.variant_id, shop.offers["mba-vg"].listing.variant_id]
    )
    assert [h[0] for h in found(shop)] == ["iphone-13", "iphone-13-pro", "galaxy-s23", "macbook-air-13-m2"]
    assert found(shop, "macbook") == [("macbook-air-13-m2", 99000, 1)]
    assert grades(shop) == [("PREMIUM", 1), ("EXCELLENT", 4), ("GOOD", 2), ("FAIR", 1)]
    facets = products_search(market=shop.mp.fr).facets
    assert [v.key for v in facets["category"]] == ["laptops", "phones", "smartphones"]


def test_a_suspended_merchant_takes_its_offers_out(shop):
    Merchant.objects.filter(pk=shop.m2.pk).update(status=Merchant.Status.SUSPENDED)
    search_merchant_refresh(merchant_id=shop.m2.pk)
    assert found(shop) == [
        ("iphone-13", 39000, 3),
        ("iphone-13-pro", 60000, 1),
        ("galaxy-s23", 52000, 1),
        ("macbook-air-13-m2", 75000, 1),
        ("galaxy-tab-s9", 19900, 1),
    ]
    assert grades(shop) == [("EXCELLENT", 3), ("VERY_GOOD", 1), ("GOOD", 2)]


def test_a_catalog_change_rewrites_the_document_and_the_entries(shop):
    model = shop.models["galaxy-tab-s9"]
    model.name, model.category = "Galaxy Tab S9 FE", shop.categories["smartphones"]
    model.save()
    assert found(shop, "fe") == []
    assert search_index_refresh(model_ids=[model.pk]) == IndexRefresh(documents=1, entries=1)
    assert found(shop, "galaxy fe") == [("galaxy-tab-s9", 19900, 1)]
    assert found(shop, "tablets") == []
    facets = products_search(market=shop.mp.fr).facets
    assert [(v.key, v.count) for v in facets["category"]] == [("laptops", 1), ("phones", 4), ("smartphones", 4)]


def test_refreshing_changes_nothing_when_nothing_changed_and_matches_a_rebuild(shop):
    before = snapshot()
    search_index_refresh(
        variant_ids=[shop.variants[k].pk for k in shop.variants], model_ids=[m.pk for m in shop.models.values()]
    )
    assert snapshot() == before
    ListingMarket.objects.filter(pk=shop.offers["s23-good"].pk).update(price_minor=33300)
    Listing.objects.filter(pk=shop.offers["i13-256-fair"].listing_id).update(quantity=0)
    search_index_refresh(
        variant_ids=[shop.offers["s23-good"].listing.variant_id, shop.offers["i13-256-fair"].listing.variant_id]
    )
    incremental = snapshot()
    assert incremental != before
    search_index_rebuild()
    assert snapshot() == incremental


def test_the_full_text_index_stays_in_step_with_the_documents(shop):
    model = shop.models["iphone-13"]
    model.name = "iPhone 13 Renewed Edition"
    model.save()
    search_index_refresh(model_ids=[model.pk])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")  # raises when out of step
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'edition'")
        else:
            cursor.execute(
                "SELECT count(*) FROM search_document WHERE tsv IS DISTINCT FROM "
                "setweight(to_tsvector('simple', title), 'A') || "
                "setweight(to_tsvector('simple', body), 'B')"
            )
            assert cursor.fetchone() == (0,)
            cursor.execute("SELECT model_id FROM search_document WHERE tsv @@ to_tsquery('simple', 'edition')")
        assert cursor.fetchall() == [(model.pk,)]


def test_orders_move_stock_and_the_outbox_brings_the_index_along(shop):
    last = shop.offers["i13-blue-exc-2"]  # 1 unit at 430.00
    order = checkout_start(
        market=shop.mp.fr,
        channel=shop.mp.web_fr,
        items=[Item(last.listing_id, 1)],
        email="buyer@example.com",
        shipping_address=ADDRESS_FR,
    )
    assert ("iphone-13", 39000, 5) in found(shop)
    drain()
    assert ("iphone-13", 39000, 4) in found(shop)
    assert found(shop, filters=Filters(grades=("EXCELLENT",), storages=(128,)))[0] == ("iphone-13", 45000, 2)
    checkout_pay(order=order, card_number=PAY_DECLINED)  # unpaid: the unit comes back
    drain()
    assert found(shop, filters=Filters(grades=("EXCELLENT",), storages=(128,)))[0] == ("iphone-13", 43000, 3)


def test_a_change_event_from_a_write_reaches_the_index_after_commit(shop):
    """What listings_apply emits in its own transaction (see remarket/search/handlers.py)."""
    from django.db import transaction

    from remarket.events.outbox import emit
    from remarket.search.handlers import TOPIC

    term = shop.offers["tab-good"]
    with transaction.atomic():
        ListingMarket.objects.filter(pk=term.pk).update(price_minor=15500)
        emit(TOPIC, {"variant_ids": [term.listing.variant_id]})
    assert ("galaxy-tab-s9", 19900, 1) in found(shop)
    drain()
    assert ("galaxy-tab-s9", 15500, 1) in found(shop)


def test_the_index_follows_listing_writes_and_merchant_suspension_through_the_outbox(marketplace):
    from remarket.events.outbox import drain
    from remarket.merchants.services import merchant_status_set
    from remarket.offers.services import ListingRow, listings_apply
    from remarket.search.query import Filters
    from remarket.search.selectors import products_search

    from ..factories import MerchantFactory, VariantFactory

    variant = VariantFactory()
    search_index_refresh(model_ids=[variant.model_id])  # what a catalog write does (catalog_import emits it)
    merchant = MerchantFactory()
    listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku="A", market="FR", price="100", quantity=1, variant_id=variant.pk, grade="GOOD")],
    )
    assert products_search(market=marketplace.fr, q=variant.model.name, filters=Filters()).hits == []
    drain()
    found = products_search(market=marketplace.fr, q=variant.model.name, filters=Filters())
    assert [h.slug for h in found.hits] == [variant.model.slug]
    merchant_status_set(merchant_id=merchant.pk, status="suspended")
    drain()
    assert products_search(market=marketplace.fr, q=variant.model.name, filters=Filters()).hits == []
