"""Fixtures for trade-in: a merchant buying an iPhone back in France, a customer, a clerk at a location
offering trade-in."""

import datetime as dt
from dataclasses import dataclass

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.buyback.listings import buyback_listing_publish
from remarket.core import clock
from remarket.markets.models import Channel, Location

from ..factories import MerchantFactory, UserFactory, VariantFactory

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
FLAWLESS = {"turns_on": "yes", "functional": "yes", "screen": "flawless", "body": "flawless", "battery": "good"}
GOOD = {**FLAWLESS, "body": "visible"}  # GOLD
IDENTITY = {
    "first_name": "Camille",
    "last_name": "Durand",
    "birth_date": "1988-04-12",
    "address": {"street": "12 rue de la Paix", "postcode": "75002", "town": "Paris", "country": "FR"},
    "phone": "+33612345678",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Buyback:
    merchant: object
    merchant_actor: Actor
    rival: object
    rival_actor: Actor
    variant: object
    customer: object
    customer_actor: Actor
    other_customer_actor: Actor
    listing: object


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(NOW):
        yield


def merchant_actor_of(merchant) -> Actor:
    return Actor.of(UserFactory(role=Role.MERCHANT, merchant=merchant))


@pytest.fixture
def bb(marketplace) -> Buyback:
    merchant, rival = MerchantFactory(), MerchantFactory()
    m_actor, r_actor = merchant_actor_of(merchant), merchant_actor_of(rival)
    variant = VariantFactory()
    listing = buyback_listing_publish(
        actor=m_actor, variant_id=variant.pk, grade="DIAMOND", prices={"FR": (30000, "EUR")}
    )
    buyback_listing_publish(actor=m_actor, variant_id=variant.pk, grade="GOLD", prices={"FR": (20000, "EUR")})
    customer = UserFactory()
    return Buyback(
        merchant,
        m_actor,
        rival,
        r_actor,
        variant,
        customer,
        Actor.of(customer),
        Actor.of(UserFactory()),
        listing,
    )


@pytest.fixture
def corner(marketplace):
    """A partner corner in Paris offering trade-in, and its clerk."""
    from remarket.markets.models import Partner

    partner = Partner.objects.create(name="Telco")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    location = Location.objects.create(
        channel=channel,
        code="telco-paris",
        name="Telco Paris Opéra",
        town="Paris",
        postcode="75009",
        service_trade_in=True,
    )
    clerk = UserFactory(role=Role.CLERK, location=location)
    return location, Actor.of(clerk)
