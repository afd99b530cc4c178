"""A partner's commission: posted with each sale at (or collected at) its locations, at its rate or its
category's, reversed with the refund, the ledger balanced; statements and payouts like the merchants'."""

import datetime as dt

import pytest

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction, PartnerPayout, PartnerRate
from remarket.ledger.partners import partner_balance, partner_payout_run, partner_statement
from remarket.orders.models import OrderLine
from remarket.orders.services import orderlines_cancel

from ..conftest import ADDRESS_FR, PAY_OK
from .conftest import pickup_order

pytestmark = pytest.mark.django_db


def _balanced():
    sums = {}
    for e in LedgerEntry.objects.select_related("transaction"):
        key = (e.transaction_id, e.currency)
        sums[key] = sums.get(key, 0) + e.amount_minor
    return set(sums.values()) <= {0}


def test_commission_posted_with_the_sale_and_reversed_with_its_refund(marketplace, offer, network, merchant_actor):
    order = pickup_order(marketplace, offer, network.paris)
    line = OrderLine.objects.get(suborder__order=order)
    assert line.partner_commission_minor == line.total_minor * 500 // 10_000
    (txn,) = LedgerTransaction.objects.filter(order=order, kind="partner_commission")
    entries = {(e.account, e.partner_id): e.amount_minor for e in txn.entries.all()}
    assert entries == {
        (Account.COMMISSION, None): line.partner_commission_minor,
        (Account.PARTNER_PAYABLE, network.partner.pk): -line.partner_commission_minor,
    }
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == line.partner_commission_minor
    assert partner_balance(partner_id=network.other_partner.pk, currency="EUR") == 0
    orderlines_cancel(actor=merchant_actor, suborder_id=line.suborder_id)
    assert LedgerTransaction.objects.filter(order=order, kind="partner_commission_refund").count() == 1
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == 0
    assert _balanced()


def test_a_category_rate_overrides_the_partners_and_the_web_earns_no_partner_anything(marketplace, offer, network):
    category = offer.listing.variant.model.category
    PartnerRate.objects.create(partner=network.partner, category=category, commission_bp=200)
    order = pickup_order(marketplace, offer, network.paris)
    line = OrderLine.objects.get(suborder__order=order)
    assert line.partner_commission_minor == line.total_minor * 200 // 10_000
    # a home delivery: no partner, no entry
    from remarket.checkout.services import Item, checkout_pay, checkout_start

    web = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="c@d.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=web, card_number=PAY_OK)
    assert not LedgerTransaction.objects.filter(order=web, kind__startswith="partner").exists()
    assert OrderLine.objects.get(suborder__order=web).partner_commission_minor == 0


def test_the_monthly_statement_and_payout_pay_once(marketplace, offer, network):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        order = pickup_order(marketplace, offer, network.paris)
    earned = OrderLine.objects.get(suborder__order=order).partner_commission_minor
    start = dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
    kwargs = dict(partner_id=network.partner.pk, currency="EUR", period=dt.date(2026, 11, 1), start=start, end=end)
    statement = partner_statement(**kwargs)
    assert (statement.opening_minor, statement.commission_minor, statement.closing_minor) == (0, earned, earned)
    with clock.frozen(dt.datetime(2026, 11, 20, tzinfo=dt.UTC)):
        with pytest.raises(DomainError) as err:
            partner_payout_run(**kwargs)
        assert err.value.code == "PAYOUT_PERIOD_OPEN"
    with clock.frozen(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)):
        payout = partner_payout_run(**kwargs)
        assert partner_payout_run(**kwargs).pk == payout.pk
    assert payout.amount_minor == earned and PartnerPayout.objects.count() == 1
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == 0
    assert _balanced()


def test_a_partial_refund_reverses_the_partners_share_of_the_units_given_back(
    marketplace, offer, network, merchant_actor
):
    from remarket.checkout.services import Item, checkout_pay, checkout_start
    from remarket.ledger.calc import units_share
    from remarket.orders.services import orderline_units_refund

    from .conftest import CONTACT, ship

    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, 3)],
        email="a@b.fr",
        shipping_address=CONTACT,
        pickup_location_id=network.paris.pk,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    sub = ship(order, merchant_actor)
    line = OrderLine.objects.get(suborder=sub)
    earned = line.partner_commission_minor
    assert earned and line.quantity == 3
    orderline_units_refund(suborder_id=sub.pk, units={line.pk: 1}, reason="one back", withdrawal=True)
    first = units_share(earned, quantity=3, before=0, units=1)
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == earned - first
    orderline_units_refund(suborder_id=sub.pk, units={line.pk: 2}, reason="the rest", withdrawal=True)
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == 0
    assert LedgerTransaction.objects.filter(order=order, kind="partner_commission_refund").count() == 2
    assert _balanced()
