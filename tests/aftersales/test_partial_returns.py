"""Partial returns: some of a line's units, or some lines of an order, refunded exactly for the part returned —
the gateway, the ledger (sale, tax, commission, payable), the credit note and the reports — and the shipping
given back when the whole order has come back."""

import datetime as dt
from collections import defaultdict

import pytest

from remarket.accounts.permissions import Actor
from remarket.aftersales import claims, services
from remarket.aftersales.models import ReturnRequest
from remarket.analytics.models import RefundFact, SaleFact
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.invoices.models import Invoice
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction, Line
from remarket.offers.models import ShippingOption
from remarket.orders.models import LineRefund, OrderLine
from remarket.orders.services import orderline_units_refund
from remarket.orders.states import LineState
from remarket.payments.models import PaymentIntent, Refund

from ..factories import MerchantFactory
from .conftest import CLAIM_AT, SOLD_AT, fr_offer, merchant_of, open_claim, sell_and_ship

pytestmark = pytest.mark.django_db(transaction=True)
LATER = SOLD_AT + dt.timedelta(days=10)


def _refund_sums(sub) -> dict:
    sums: dict = defaultdict(int)
    for e in LedgerEntry.objects.filter(transaction__suborder=sub, transaction__kind="refund"):
        sums[(e.account, e.line)] += e.amount_minor
    return {k: v for k, v in sums.items() if v}


def _net_sums(sub) -> dict:
    """Every account of the sub-order's sale and refunds, summed: all zero once everything came back."""
    sums: dict = defaultdict(int)
    for e in LedgerEntry.objects.filter(transaction__suborder=sub):
        sums[(e.account, e.line)] += e.amount_minor
    return {k: v for k, v in sums.items() if v}


def _return(actor, sub, units, *, at):
    merchant = merchant_of(sub)
    with clock.frozen(at):
        request = services.return_open(actor=actor, suborder_id=sub.pk, units=units, reason="changed_mind")
        services.return_receive(actor=merchant, return_id=request.pk)
        request = services.return_inspect(actor=merchant, return_id=request.pk)
        drain()
    return request


@pytest.fixture
def two_lines(marketplace, customer):
    """Three units of a phone at 333.33 and one case at 19.99 from one merchant, shipped for 6.00."""
    merchant = MerchantFactory(country="FR")
    phone = fr_offer(marketplace, merchant=merchant, price_minor=33333)
    case = fr_offer(marketplace, merchant=merchant, price_minor=1999)
    for listing in (phone, case):
        ShippingOption.objects.create(terms=listing.terms.get(), carrier="Colissimo", price_minor=600, delay_days=3)
    sub = sell_and_ship(marketplace, customer, phone, case, units=1)
    return sub


@pytest.fixture
def three_phones(marketplace, customer):
    merchant = MerchantFactory(country="FR")
    phone = fr_offer(marketplace, merchant=merchant, price_minor=33333)
    ShippingOption.objects.create(terms=phone.terms.get(), carrier="Colissimo", price_minor=600, delay_days=3)
    return sell_and_ship(marketplace, customer, phone, units=3)


def test_one_unit_of_three_is_refunded_for_its_third_to_the_cent(marketplace, customer, three_phones):
    sub = three_phones
    line = sub.lines.get()
    assert (line.quantity, line.total_minor, line.tax_minor, sub.shipping_minor) == (3, 99999, 16667, 600)
    commission = line.commission_minor
    request = _return(Actor.of(customer), sub, {line.pk: 1}, at=LATER)
    assert request.refund_minor == 33333  # one unit's price; the shipping stays while two units are kept
    line.refresh_from_db()
    assert (line.state, line.refunded_quantity) == (LineState.SHIPPED, 1)
    # VAT 166.67 in thirds, rounded on the running total: 55.56 now (then 55.55 and 55.56)
    third_commission = round(commission / 3)
    assert _refund_sums(sub) == {
        (Account.GATEWAY_CLEARING, Line.SALE): -33333,
        (Account.MERCHANT_PAYABLE, Line.SALE): 33333 - 5556,
        (Account.MERCHANT_PAYABLE, Line.TAX): 5556,
        (Account.MERCHANT_PAYABLE, Line.COMMISSION): -third_commission,
        (Account.COMMISSION, Line.COMMISSION): third_commission,
    }
    part = LineRefund.objects.get()
    assert (part.quantity, part.units_before, part.total_minor, part.tax_minor) == (1, 0, 33333, 5556)
    note = Invoice.objects.get(suborder=sub, kind="credit_note")
    assert [(l.quantity, l.total_minor, l.tax_minor) for l in note.lines.all()] == [(-1, -33333, -5556)]
    fact = RefundFact.objects.get()
    sale = SaleFact.objects.get(order_line=line)
    assert (fact.quantity, fact.gmv_minor, fact.line_refund_id) == (-1, -33333, part.pk)
    assert fact.co2e_avoided_g == -round(sale.co2e_avoided_g / 3)
    # the order page offers the two units left
    from remarket.aftersales.window import returnable_lines

    with clock.frozen(LATER):
        assert [(r.line.pk, r.units) for r in returnable_lines(sub)] == [(line.pk, 2)]


def test_the_rest_of_the_line_then_refunds_the_whole_sale_and_its_shipping(marketplace, customer, three_phones):
    sub = three_phones
    line = sub.lines.get()
    actor = Actor.of(customer)
    first = _return(actor, sub, {line.pk: 1}, at=LATER)
    second = _return(actor, sub, {line.pk: 2}, at=LATER + dt.timedelta(days=1))
    assert (first.refund_minor, second.refund_minor) == (33333, 66666 + 600)  # the whole order back: shipping too
    line.refresh_from_db()
    assert (line.state, line.refunded_quantity) == (LineState.REFUNDED_AFTER_SHIPPING, 3)
    sub.refresh_from_db()
    assert sub.shipping_refunded
    assert _net_sums(sub) == {}  # every account of the sale back where it was, to the cent
    intent = PaymentIntent.objects.get(order=sub.order)
    assert intent.refunded_minor == intent.amount_minor == 99999 + 600
    invoice = Invoice.objects.get(suborder=sub, kind="invoice")
    notes = Invoice.objects.filter(suborder=sub, kind="credit_note").order_by("pk")
    assert [n.total_minor for n in notes] == [-33333, -(66666 + 600)]
    assert sum(n.total_minor for n in notes) == -invoice.total_minor
    assert sum(n.tax_minor for n in notes) == -invoice.tax_minor
    assert sum(RefundFact.objects.values_list("gmv_minor", flat=True)) == -99999
    assert sum(RefundFact.objects.values_list("quantity", flat=True)) == -3


def test_some_lines_of_an_order_then_the_last_one_with_the_shipping(marketplace, customer, two_lines):
    sub = two_lines
    phone, case = sub.lines.order_by("pk")
    actor = Actor.of(customer)
    first = _return(actor, sub, {phone.pk: 1}, at=LATER)
    assert first.refund_minor == 33333
    case.refresh_from_db()
    assert case.state == LineState.SHIPPED
    second = _return(actor, sub, {case.pk: 1}, at=LATER)
    assert second.refund_minor == 1999 + 600
    assert _net_sums(sub) == {}


def test_a_second_refund_of_the_same_units_is_refused_and_changes_nothing(marketplace, customer, three_phones):
    sub = three_phones
    line = sub.lines.get()
    _return(Actor.of(customer), sub, {line.pk: 2}, at=LATER)
    before = (LedgerTransaction.objects.count(), Refund.objects.count(), LineRefund.objects.count())
    for units, code in (({line.pk: 2}, "ORDER_UNITS_ALREADY_REFUNDED"), ({line.pk: 0}, "ORDER_QUANTITY_INVALID")):
        with pytest.raises(DomainError) as err:
            orderline_units_refund(suborder_id=sub.pk, units=units, reason="again")
        assert err.value.code == code
    with clock.frozen(LATER):  # the return path: those units are in a refunded return already
        with pytest.raises(DomainError) as err:
            services.return_open(
                actor=Actor.of(customer), suborder_id=sub.pk, units={line.pk: 2}, reason="changed_mind"
            )
    assert (err.value.code, err.value.details["returnable"]) == ("AFTERSALES_QUANTITY_EXCEEDS", 1)
    assert (LedgerTransaction.objects.count(), Refund.objects.count(), LineRefund.objects.count()) == before
    assert ReturnRequest.objects.count() == 1
    assert OrderLine.objects.get(pk=line.pk).refunded_quantity == 2


def test_a_warranty_refund_after_a_partial_return_gives_back_only_what_is_left(marketplace, customer, three_phones):
    sub = three_phones
    line = sub.lines.get()
    actor = Actor.of(customer)
    _return(actor, sub, {line.pk: 1}, at=LATER)
    claim = open_claim(actor, sub)
    with clock.frozen(CLAIM_AT + dt.timedelta(hours=2)):
        claim = claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="refund")
        drain()
    assert claim.refund_minor == 66666  # the two units kept; no shipping (a warranty refund, not a withdrawal)
    line.refresh_from_db()
    assert (line.state, line.refunded_quantity) == (LineState.REFUNDED_AFTER_SHIPPING, 3)
    assert _net_sums(sub) == {
        (Account.GATEWAY_CLEARING, Line.SALE): 600,
        (Account.MERCHANT_PAYABLE, Line.SHIPPING): -500,
        (Account.MERCHANT_PAYABLE, Line.TAX): -100,
    }
