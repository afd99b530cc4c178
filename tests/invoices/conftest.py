"""Orders sold, shipped and refunded through the real services, for the invoice tests. /ws/ responses here are
checked against the seller contract like in tests/ws."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.events.outbox import drain
from remarket.orders.models import SubOrder
from remarket.orders.services import orderlines_refund, suborder_accept, suborder_ship

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory
from ..ws.conftest import contract, ws_responses_follow_the_contract  # noqa: F401  (fixtures)

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
ADDRESS_US = {
    "first_name": "Walt",
    "last_name": "Whitman",
    "street": "328 Mickle St",
    "postal_code": "10012",
    "city": "New York",
    "state": "NY",
    "country": "US",
    "phone": "(212) 736-5000",
}


def merchant_actor(merchant) -> Actor:
    return Actor(user_id=None, role=Role.MERCHANT, merchant_id=merchant.pk)


def offer(market, *, merchant=None, price_minor=49900, **listing):
    """A published offer of 50 units in `market`."""
    merchant = merchant or MerchantFactory(country=market.code)
    return ListingMarketFactory(
        market=market,
        price_minor=price_minor,
        min_price_minor=None,
        listing=ListingFactory(merchant=merchant, quantity=50, **listing),
    ).listing


def sell(marketplace, *listings, market: str = "fr", at: dt.datetime = NOW) -> SubOrder:
    """A paid order of one unit of each listing (one merchant), not yet accepted."""
    market_, channel, address = (
        (marketplace.fr, marketplace.web_fr, ADDRESS_FR)
        if market == "fr"
        else (marketplace.us, marketplace.web_us, ADDRESS_US)
    )
    with clock.frozen(at):
        order = checkout_start(
            market=market_,
            channel=channel,
            items=[Item(l.pk, 1) for l in listings],
            email="buyer@example.com",
            shipping_address=address,
        )
        checkout_pay(order=order, card_number=PAY_OK)
    return order.suborders.get()


def ship(sub: SubOrder, *, at: dt.datetime = NOW) -> SubOrder:
    """Accept and ship, then deliver the outbox (which issues the invoice)."""
    actor = merchant_actor(sub.merchant)
    with clock.frozen(at):
        suborder_accept(actor=actor, suborder_id=sub.pk)
        suborder_ship(actor=actor, suborder_id=sub.pk, tracking_number=f"TRK{sub.pk}", carrier="Colissimo")
        drain()
    sub.refresh_from_db()
    return sub


def refund(sub: SubOrder, line_ids: list[int] | None = None, *, at: dt.datetime = NOW) -> None:
    with clock.frozen(at):
        orderlines_refund(actor=merchant_actor(sub.merchant), suborder_id=sub.pk, line_ids=line_ids)
        drain()


@pytest.fixture
def fr_offer(marketplace):
    return offer(marketplace.fr)
