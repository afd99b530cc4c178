"""Property: whatever sequence of partial refunds is asked for a shipped line — valid, too large, empty, repeated —
no refund gives back more than was paid, each ledger transaction balances, a refused ask changes nothing, and once
every unit is back the line's sale is reversed to the cent (with the shipping for a withdrawal)."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remarket.core.errors import DomainError
from remarket.ledger.calc import units_share
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.offers.models import ShippingOption
from remarket.orders.models import LineRefund, OrderLine
from remarket.orders.services import orderline_units_refund
from remarket.orders.states import LineState
from remarket.payments.models import PaymentIntent, Refund

from ..factories import MerchantFactory
from .conftest import fr_offer, sell_and_ship

pytestmark = pytest.mark.django_db(transaction=True)


@given(
    amount=st.integers(0, 10**9),
    quantity=st.integers(1, 12),
    chunks=st.lists(st.integers(1, 12), min_size=1, max_size=12),
)
def test_unit_shares_never_exceed_and_add_up_to_the_amount(amount, quantity, chunks):
    before, given_back = 0, 0
    for chunk in chunks:
        if chunk > quantity - before:
            with pytest.raises(ValueError):
                units_share(amount, quantity=quantity, before=before, units=chunk)
            continue
        part = units_share(amount, quantity=quantity, before=before, units=chunk)
        assert part >= 0
        before += chunk
        given_back += part
        assert given_back <= amount
        assert abs(given_back - amount * before / quantity) <= 0.5  # the running total, rounded once
    if before == quantity:
        assert given_back == amount


def _books(sub):
    return (
        LedgerTransaction.objects.filter(suborder=sub).count(),
        Refund.objects.filter(intent__order=sub.order).count(),
        LineRefund.objects.filter(order_line__suborder=sub).count(),
        list(OrderLine.objects.filter(suborder=sub).values_list("state", "refunded_quantity")),
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantity=st.integers(1, 4),
    price=st.integers(101, 250_000),
    asks=st.lists(st.integers(-1, 5), min_size=1, max_size=7),
    withdrawal=st.booleans(),
)
def test_any_sequence_of_partial_refunds(marketplace, customer, quantity, price, asks, withdrawal):
    listing = fr_offer(marketplace, merchant=MerchantFactory(country="FR"), price_minor=price)
    ShippingOption.objects.create(terms=listing.terms.get(), carrier="Colissimo", price_minor=490, delay_days=3)
    sub = sell_and_ship(marketplace, customer, listing, units=quantity)
    line = sub.lines.get()
    intent = PaymentIntent.objects.get(order=sub.order)
    back = 0
    for ask in asks:
        left = quantity - back
        before = _books(sub)
        try:
            orderline_units_refund(suborder_id=sub.pk, units={line.pk: ask}, reason="property", withdrawal=withdrawal)
        except DomainError as err:
            assert not 0 < ask <= left, err.code
            assert err.code in (
                "ORDER_QUANTITY_INVALID",
                "ORDER_UNITS_ALREADY_REFUNDED",
                "ORDER_LINE_TRANSITION_REFUSED",
            )
            assert _books(sub) == before  # refused: nothing changed
            continue
        assert 0 < ask <= left
        back += ask
        intent.refresh_from_db()
        assert intent.refunded_minor <= intent.amount_minor
    sums = defaultdict(int)
    for e in LedgerEntry.objects.filter(transaction__suborder=sub):
        sums[(e.transaction_id, e.currency)] += e.amount_minor
    assert set(sums.values()) <= {0}  # every transaction balances
    line.refresh_from_db()
    assert line.refunded_quantity == back
    refunded = sum(Refund.objects.filter(intent=intent).values_list("amount_minor", flat=True))
    lines_back = units_share(line.total_minor, quantity=quantity, before=0, units=back) if back else 0
    shipping_back = 490 if withdrawal and back == quantity else 0
    assert refunded == lines_back + shipping_back <= intent.amount_minor
    if back < quantity:
        assert line.state == LineState.SHIPPED
        return
    assert line.state == LineState.REFUNDED_AFTER_SHIPPING
    net = defaultdict(int)
    for e in LedgerEntry.objects.filter(transaction__suborder=sub):
        net[(e.account, e.line)] += e.amount_minor
    kept = {k: v for k, v in net.items() if v}
    if withdrawal:
        assert kept == {}  # the whole order came back: the sale and its shipping reversed to the cent
    else:
        assert sum(v for (account, _line), v in kept.items() if account == "gateway_clearing") == 490
