"""A till's world: the New York store with units on its shelf, an online offer for the endless aisle, a second
store with its own shelf and clerk (for tenancy)."""

import uuid
from dataclasses import dataclass

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.counter import CounterLine, counter_sale
from remarket.markets.models import Location
from remarket.offers.models import Listing, ListingMarket, LocationStock

from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory, VariantFactory

ADDRESS_NY = {
    "first_name": "Walt",
    "last_name": "Whitman",
    "street": "328 Mickle St",
    "postal_code": "10012",
    "city": "New York",
    "state": "NY",
    "country": "US",
    "phone": "(212) 736-5000",
}


@dataclass
class Till:
    nyc: Location
    other: Location
    shelf: Listing  # 3 units at nyc, $599.00
    other_shelf: Listing  # 2 units at the other store
    online: Listing  # 50 units online, $449.00, another merchant
    clerk: object
    other_clerk: object

    @property
    def actor(self) -> Actor:
        return Actor.of(self.clerk)

    @property
    def other_actor(self) -> Actor:
        return Actor.of(self.other_clerk)


def shelf_listing(market, location, *, merchant, units: int, price_minor: int, ean: str = "", sku: str = "") -> Listing:
    listing = ListingFactory(
        merchant=merchant, quantity=0, variant=VariantFactory(ean=ean), **({"sku": sku} if sku else {})
    )
    ListingMarket.objects.create(listing=listing, market=market, currency=market.currency, price_minor=price_minor)
    LocationStock.objects.create(location=location, listing=listing, available=units)
    return listing


@pytest.fixture
def till(marketplace) -> Till:
    return build_till(marketplace)


def build_till(marketplace, *, shelf_units: int = 3) -> Till:
    first_party = MerchantFactory(is_first_party=True, name="remarket", slug="remarket", country="US")
    other = Location.objects.create(
        channel=marketplace.store_us,
        code="nyc-brooklyn",
        name="remarket Brooklyn",
        town="New York",
        region="NY",
        postcode="11201",
    )
    shelf = shelf_listing(
        marketplace.us,
        marketplace.nyc,
        merchant=first_party,
        units=shelf_units,
        price_minor=59900,
        ean="0194252707000",
        sku="NYC-IP13-128",
    )
    other_shelf = shelf_listing(marketplace.us, other, merchant=first_party, units=2, price_minor=39900)
    online = ListingMarketFactory(
        market=marketplace.us,
        currency="USD",
        price_minor=44900,
        min_price_minor=None,
        listing=ListingFactory(merchant=MerchantFactory(country="US"), quantity=50),
    ).listing
    return Till(
        nyc=marketplace.nyc,
        other=other,
        shelf=shelf,
        other_shelf=other_shelf,
        online=online,
        clerk=UserFactory(username="clerk", role=Role.CLERK, location=marketplace.nyc),
        other_clerk=UserFactory(role=Role.CLERK, location=other),
    )


def cash_sale(till: Till, *, sale_id=None, units: int = 1, given_minor: int = 70000, **more):
    return counter_sale(
        actor=till.actor,
        sale_id=sale_id or uuid.uuid4(),
        lines=[CounterLine(till.shelf.pk, units)],
        tender="cash",
        cash_given_minor=given_minor,
        **more,
    )
