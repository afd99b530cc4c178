import datetime as dt
from dataclasses import dataclass

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_issue
from remarket.markets.models import Channel, Location, Market, Partner

from .factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory, VariantFactory

PAY_OK, PAY_DECLINED, PAY_3DS, PAY_TIMEOUT = "4242424242424242", "4000000000000002", "4000000000003220", "4000000000000119"
ADDRESS_FR = {"first_name": "Victor", "last_name": "Hugo", "street": "6 place des Vosges", "postal_code": "75004",
              "city": "Paris", "country": "FR", "phone": "06 12 34 56 78"}


@dataclass
class Marketplace:
    fr: Market
    us: Market
    web_fr: Channel
    web_us: Channel
    store_us: Channel
    nyc: Location


def build_marketplace() -> Marketplace:
    from remarket.markets.fx import FxRate
    fr = Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Paris",
                               vat_rate_bp=2000)
    us = Market.objects.create(code="US", country="US", currency="USD", language="en-US",
                               time_zone="America/New_York", prices_include_tax=False)
    web_fr = Channel.objects.create(code="web-fr", kind="web", market=fr)
    web_us = Channel.objects.create(code="web-us", kind="web", market=us)
    store_us = Channel.objects.create(code="store-us", kind="store", market=us)
    nyc = Location.objects.create(channel=store_us, code="nyc-soho", name="remarket New York — SoHo", town="New York",
                                  postcode="10012")
    FxRate.objects.bulk_create([FxRate(currency="EUR", month=dt.date(2026, m, 1), per_usd="0.8670") for m in (1, 6)])
    return Marketplace(fr, us, web_fr, web_us, store_us, nyc)


@pytest.fixture
def marketplace(db) -> Marketplace:
    return build_marketplace()


@pytest.fixture
def offer(marketplace):
    """A published French offer of 5 units."""
    return ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=5))


@pytest.fixture
def merchant_user(offer):
    return UserFactory(role=Role.MERCHANT, merchant=offer.listing.merchant)


@pytest.fixture
def merchant_actor(merchant_user) -> Actor:
    return Actor.of(merchant_user)


@pytest.fixture
def merchant_token(merchant_user) -> str:
    return api_token_issue(user=merchant_user, name="test")[1]


@pytest.fixture
def other_merchant_user(marketplace):
    other = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=MerchantFactory()))
    return UserFactory(role=Role.MERCHANT, merchant=other.listing.merchant)


@pytest.fixture
def operator_user(db):
    return UserFactory(role=Role.OPERATOR, is_staff=True, is_superuser=True)


__all__ = ["PAY_OK", "PAY_DECLINED", "PAY_3DS", "PAY_TIMEOUT", "ADDRESS_FR", "VariantFactory"]
