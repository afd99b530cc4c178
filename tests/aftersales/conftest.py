"""Orders sold, shipped and returned through the real services, the clock injected."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import services
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.events.outbox import drain
from remarket.orders.models import SubOrder
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

# a Monday; shipped the same day, Standard delay (3 business days): delivered Thursday 8 October
SOLD_AT = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
DELIVERED_ON = dt.date(2026, 10, 8)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def merchant_of(sub: SubOrder) -> Actor:
    return Actor(user_id=None, role=Role.MERCHANT, merchant_id=sub.merchant_id)


def fr_offer(marketplace, *, merchant=None, price_minor=49900, quantity=50):
    merchant = merchant or MerchantFactory(country="FR")
    return ListingMarketFactory(
        market=marketplace.fr,
        price_minor=price_minor,
        min_price_minor=None,
        listing=ListingFactory(merchant=merchant, quantity=quantity),
    ).listing


def sell_and_ship(marketplace, customer, *listings, at: dt.datetime = SOLD_AT, units: int = 1, ship=True):
    """A paid order of the customer (units of each listing, one merchant), accepted and shipped the same day."""
    with clock.frozen(at):
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(l.pk, units) for l in listings],
            email="buyer@example.com",
            shipping_address=ADDRESS_FR,
            customer_id=customer.pk,
        )
        checkout_pay(order=order, card_number=PAY_OK)
        sub = order.suborders.get()
        if ship:
            suborder_accept(actor=merchant_of(sub), suborder_id=sub.pk)
            suborder_ship(
                actor=merchant_of(sub), suborder_id=sub.pk, tracking_number=f"TRK{sub.pk}", carrier="Colissimo"
            )
        drain()
    return SubOrder.objects.select_related("order__market").get(pk=sub.pk)


def open_return(actor, sub, *, at, reason="changed_mind", **kw):
    with clock.frozen(at):
        units = kw.pop("units", None) or {l.pk: l.quantity for l in sub.lines.all()}
        return services.return_open(actor=actor, suborder_id=sub.pk, units=units, reason=reason, **kw)


@pytest.fixture
def customer(db):
    return UserFactory(role=Role.CUSTOMER)


@pytest.fixture
def customer_actor(customer) -> Actor:
    return Actor.of(customer)


@pytest.fixture
def shipped(marketplace, customer):
    return sell_and_ship(marketplace, customer, fr_offer(marketplace))


# a Monday four months after SOLD_AT, well within the 12-month warranty (it ends on 8 October 2027)
CLAIM_AT = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)


def open_claim(actor, sub, *, at=CLAIM_AT, issue="battery", problem="The battery dies within an hour.", **kw):
    from remarket.aftersales import claims

    with clock.frozen(at):
        return claims.claim_open(actor=actor, order_line_id=sub.lines.first().pk, issue=issue, problem=problem, **kw)
