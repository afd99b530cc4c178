"""A return refunded in the US (sales tax on top, remitted by the marketplace): the ledger gives back exactly what
the line's sale posted, to the cent, and the merchant's balance keeps only the parcel's shipping."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import services
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.events.outbox import drain
from remarket.ledger.models import Account, LedgerEntry, Line
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from ..money_checks import ledger_sums

pytestmark = pytest.mark.django_db(transaction=True)
SOLD_AT = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)
ADDRESS_NYC = {
    "first_name": "Walt",
    "last_name": "Whitman",
    "street": "328 Mickle St",
    "postal_code": "10012",
    "city": "New York",
    "state": "NY",
    "country": "US",
    "phone": "(212) 736-5000",
}


def test_a_us_return_reverses_sale_tax_and_commission_to_the_cent(marketplace):
    customer = UserFactory(role=Role.CUSTOMER)
    merchant = MerchantFactory(country="US")
    listing = ListingMarketFactory(
        market=marketplace.us,
        price_minor=49999,
        min_price_minor=None,
        listing=ListingFactory(merchant=merchant, quantity=5),
    ).listing
    staff = Actor(user_id=None, role=Role.MERCHANT, merchant_id=merchant.pk)
    with clock.frozen(SOLD_AT):
        order = checkout_start(
            market=marketplace.us,
            channel=marketplace.web_us,
            items=[Item(listing.pk)],
            email="walt@example.com",
            shipping_address=ADDRESS_NYC,
            customer_id=customer.pk,
        )
        checkout_pay(order=order, card_number=PAY_OK)
        sub = order.suborders.get()
        suborder_accept(actor=staff, suborder_id=sub.pk)
        suborder_ship(actor=staff, suborder_id=sub.pk, tracking_number="1Z999", carrier="UPS")
        drain()
    line = sub.lines.get()
    assert (line.tax_scheme, line.tax_minor) == ("sales_tax", 4437)  # 8.875 % of $499.99, half up
    with clock.frozen(SOLD_AT + dt.timedelta(days=5)):
        request = services.return_open(
            actor=Actor.of(customer), suborder_id=sub.pk, units={line.pk: 1}, reason="not_as_described"
        )
        services.return_receive(actor=staff, return_id=request.pk)
        request = services.return_inspect(actor=staff, return_id=request.pk)
        drain()
    assert request.refund_minor == 49999 + 4437
    refund = {
        (e.account, e.line): e.amount_minor
        for e in LedgerEntry.objects.filter(transaction__suborder=sub, transaction__kind="refund")
    }
    commission = line.commission_minor
    assert refund == {
        (Account.GATEWAY_CLEARING, Line.SALE): -(49999 + 4437),
        (Account.MERCHANT_PAYABLE, Line.SALE): 49999,
        (Account.TAX_PAYABLE, Line.TAX): 4437,
        (Account.MERCHANT_PAYABLE, Line.COMMISSION): -commission,
        (Account.COMMISSION, Line.COMMISSION): commission,
    }
    assert ledger_sums() == {}
    left = {}
    for e in LedgerEntry.objects.filter(transaction__suborder=sub):
        left[(e.account, e.line)] = left.get((e.account, e.line), 0) + e.amount_minor
    assert {k: v for k, v in left.items() if v and k[1] != Line.SHIPPING and k[0] != Account.GATEWAY_CLEARING} == {}
