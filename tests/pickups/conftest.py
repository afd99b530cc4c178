"""A partner network in France with two corners, another partner's corner, clerks and partner managers, and an
order checked out for collection at the first corner."""

from dataclasses import dataclass

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.markets.models import Channel, Location, Partner
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import UserFactory

CONTACT = {k: ADDRESS_FR[k] for k in ("first_name", "last_name", "phone")}


@dataclass
class Network:
    partner: Partner
    other_partner: Partner
    paris: Location
    lyon: Location
    rival: Location  # the other partner's
    clerk: Actor
    lyon_clerk: Actor
    rival_clerk: Actor
    manager_user: object
    rival_manager_user: object


@pytest.fixture
def network(marketplace) -> Network:
    partner = Partner.objects.create(name="Telco", commission_bp=500)
    other = Partner.objects.create(name="Other Shops", commission_bp=300)
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    rival_channel = Channel.objects.create(code="other-fr", kind="partner", market=marketplace.fr, partner=other)
    paris = Location.objects.create(
        channel=channel,
        code="telco-paris-11",
        name="Telco Paris Bastille",
        town="Paris",
        postcode="75011",
        latitude="48.853000",
        longitude="2.369000",
        service_pickup=True,
        service_returns=True,
    )
    lyon = Location.objects.create(
        channel=channel,
        code="telco-lyon-2",
        name="Telco Lyon Bellecour",
        town="Lyon",
        postcode="69002",
        latitude="45.757800",
        longitude="4.832000",
        service_pickup=True,
        service_returns=True,
    )
    rival = Location.objects.create(
        channel=rival_channel,
        code="other-paris-4",
        name="Other Paris Marais",
        town="Paris",
        postcode="75004",
        latitude="48.856000",
        longitude="2.357000",
        service_pickup=True,
        service_returns=True,
    )

    def clerk(location):
        return Actor.of(UserFactory(role=Role.CLERK, location=location))

    return Network(
        partner,
        other,
        paris,
        lyon,
        rival,
        clerk(paris),
        clerk(lyon),
        clerk(rival),
        UserFactory(role=Role.PARTNER, partner=partner),
        UserFactory(role=Role.PARTNER, partner=other),
    )


def pickup_order(marketplace, offer, location, *, email="a@b.fr"):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email=email,
        shipping_address=CONTACT,
        pickup_location_id=location.pk,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    order.refresh_from_db()
    return order


def ship(order, merchant_actor):
    sub = order.suborders.get()
    suborder_accept(actor=merchant_actor, suborder_id=sub.pk)
    suborder_ship(actor=merchant_actor, suborder_id=sub.pk, tracking_number="6A0001", carrier="Colissimo")
    return sub
