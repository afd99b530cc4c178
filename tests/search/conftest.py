"""A small catalog whose every search result and facet count is worked out by hand in the tests.

FR (EUR) sellable offers, per product model — variant — grade — price:
  iPhone 13 (Apple, smartphones, 2021)   128 Blue EXCELLENT 450.00 and 430.00, 128 Blue GOOD 390.00,
                                          256 Blue FAIR 410.00, 128 Midnight EXCELLENT 460.00
  iPhone 13 Pro (Apple, smartphones, 2021) 128 Graphite EXCELLENT 600.00, 256 Graphite PREMIUM 800.00
  Galaxy S23 (Samsung, smartphones, 2023)  128 Phantom Black GOOD 350.00, 256 Cream EXCELLENT 520.00
  MacBook Air 13" M2 (Apple, laptops, 2022) 256 Midnight VERY_GOOD 750.00, 512 Silver EXCELLENT 990.00
  Galaxy Tab S9 (Samsung, tablets, 2023)   128 Graphite GOOD 199.00
and offers that must not show in FR: iPhone 12 (unpublished, out of stock, suspended merchant), Pixel 7 and one
iPhone 13 offer sold in the US only. Categories: Phones > Smartphones, Laptops, Tablets."""

from dataclasses import dataclass

import pytest

from remarket.catalog.models import Category, ProductModel, Variant
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket
from remarket.search.services import search_index_rebuild

from ..conftest import Marketplace, build_marketplace
from ..factories import NOW, MerchantFactory


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL-only tests of this folder are deselected (listed as such in the summary) when the suite
    runs on SQLite; `make test-postgres` runs them. They are never skipped."""
    import os

    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    here = str(__import__("pathlib").Path(__file__).parent)
    dropped = [i for i in items if str(i.path).startswith(here) and i.get_closest_marker("postgres")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]


@dataclass
class Shop:
    mp: Marketplace
    m1: Merchant
    m2: Merchant
    categories: dict[str, Category]
    models: dict[str, ProductModel]
    variants: dict[tuple[str, int, str], Variant]
    offers: dict[str, ListingMarket]


def _variant(models, variants, key, storage, colour):
    v = Variant.objects.create(model=models[key], storage_gb=storage, colour=colour)
    variants[(key, storage, colour)] = v
    return v


def build_shop() -> Shop:
    mp = build_marketplace()
    phones = Category.objects.create(slug="phones", name="Phones")
    categories = {
        "phones": phones,
        "smartphones": Category.objects.create(slug="smartphones", name="Smartphones", parent=phones),
        "laptops": Category.objects.create(slug="laptops", name="Laptops"),
        "tablets": Category.objects.create(slug="tablets", name="Tablets"),
    }
    specs = [
        ("iphone-13", "Apple", "iPhone 13", "smartphones", 2021),
        ("iphone-13-pro", "Apple", "iPhone 13 Pro", "smartphones", 2021),
        ("galaxy-s23", "Samsung", "Galaxy S23", "smartphones", 2023),
        ("macbook-air-13-m2", "Apple", 'MacBook Air 13" M2', "laptops", 2022),
        ("galaxy-tab-s9", "Samsung", "Galaxy Tab S9", "tablets", 2023),
        ("iphone-12", "Apple", "iPhone 12", "smartphones", 2020),
        ("pixel-7", "Google", "Pixel 7", "smartphones", 2022),
    ]
    models = {
        slug: ProductModel.objects.create(
            slug=slug, brand=brand, name=name, category=categories[cat], release_year=year, specs={"screen": "6.1 inch"}
        )
        for slug, brand, name, cat, year in specs
    }
    variants: dict = {}
    for key, storage, colour in [
        ("iphone-13", 128, "Blue"),
        ("iphone-13", 256, "Blue"),
        ("iphone-13", 128, "Midnight"),
        ("iphone-13-pro", 128, "Graphite"),
        ("iphone-13-pro", 256, "Graphite"),
        ("galaxy-s23", 128, "Phantom Black"),
        ("galaxy-s23", 256, "Cream"),
        ("macbook-air-13-m2", 256, "Midnight"),
        ("macbook-air-13-m2", 512, "Silver"),
        ("galaxy-tab-s9", 128, "Graphite"),
        ("iphone-12", 64, "Black"),
        ("pixel-7", 128, "Obsidian"),
    ]:
        _variant(models, variants, key, storage, colour)
    m1, m2 = MerchantFactory(name="Alpha Refurb"), MerchantFactory(name="Beta Refurb")
    banned = MerchantFactory(name="Gamma Refurb", status=Merchant.Status.SUSPENDED)
    offers = {}
    rows = [  # name, model, storage, colour, grade, merchant, market, price, quantity, published
        ("i13-blue-exc-1", "iphone-13", 128, "Blue", "EXCELLENT", m1, "fr", 45000, 3, True),
        ("i13-blue-exc-2", "iphone-13", 128, "Blue", "EXCELLENT", m2, "fr", 43000, 1, True),
        ("i13-blue-good", "iphone-13", 128, "Blue", "GOOD", m1, "fr", 39000, 2, True),
        ("i13-256-fair", "iphone-13", 256, "Blue", "FAIR", m2, "fr", 41000, 1, True),
        ("i13-midnight", "iphone-13", 128, "Midnight", "EXCELLENT", m1, "fr", 46000, 4, True),
        ("i13pro-exc", "iphone-13-pro", 128, "Graphite", "EXCELLENT", m1, "fr", 60000, 1, True),
        ("i13pro-premium", "iphone-13-pro", 256, "Graphite", "PREMIUM", m2, "fr", 80000, 1, True),
        ("s23-good", "galaxy-s23", 128, "Phantom Black", "GOOD", m2, "fr", 35000, 2, True),
        ("s23-exc", "galaxy-s23", 256, "Cream", "EXCELLENT", m1, "fr", 52000, 1, True),
        ("mba-vg", "macbook-air-13-m2", 256, "Midnight", "VERY_GOOD", m1, "fr", 75000, 1, True),
        ("mba-exc", "macbook-air-13-m2", 512, "Silver", "EXCELLENT", m2, "fr", 99000, 1, True),
        ("tab-good", "galaxy-tab-s9", 128, "Graphite", "GOOD", m1, "fr", 19900, 5, True),
        ("i12-unpublished", "iphone-12", 64, "Black", "EXCELLENT", m1, "fr", 25000, 1, False),
        ("i12-empty", "iphone-12", 64, "Black", "GOOD", m2, "fr", 20000, 0, True),
        ("i12-banned", "iphone-12", 64, "Black", "FAIR", banned, "fr", 15000, 3, True),
        ("pixel-us", "pixel-7", 128, "Obsidian", "GOOD", m1, "us", 30000, 1, True),
        ("i13-us", "iphone-13", 128, "Blue", "EXCELLENT", m2, "us", 50000, 1, True),
    ]
    for name, model, storage, colour, grade, merchant, market, price, quantity, published in rows:
        listing = Listing.objects.create(
            merchant=merchant,
            variant=variants[(model, storage, colour)],
            grade=grade,
            sku=name.upper(),
            quantity=quantity,
            updated_at=NOW,
        )
        the_market = getattr(mp, market)
        offers[name] = ListingMarket.objects.create(
            listing=listing, market=the_market, currency=the_market.currency, price_minor=price, published=published
        )
    search_index_rebuild()
    return Shop(mp, m1, m2, categories, models, variants, offers)


@pytest.fixture
def shop(db) -> Shop:
    return build_shop()
