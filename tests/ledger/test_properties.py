"""Property tests: random sales, taxes, refunds and histories; the ledger always balances and payouts always
reconcile."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.ledger.calc import LineMoney, ShippingMoney, commission_of, prorated_refund, sale_entries
from remarket.ledger.models import Account, LedgerEntry, Line, Payout
from remarket.ledger.services import fees_charge, merchant_balance
from remarket.markets.models import Channel, Market
from remarket.markets.tax import Scheme, TaxRule, tax_amount
from remarket.merchants.billing import merchant_payouts_run
from remarket.orders.services import orderlines_cancel

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

RATES = [Decimal(r) for r in ("0.2", "0.19", "0.21", "0.22", "0.255", "0.08875", "0.04", "0")]


def half_up(value: Fraction) -> int:
    return (
        int(Decimal(value.numerator) / Decimal(value.denominator) + Decimal("0.5")) if value >= 0 else -half_up(-value)
    )


@st.composite
def lines(draw):
    scheme = draw(st.sampled_from([Scheme.VAT, Scheme.MARGIN, Scheme.SALES_TAX]))
    rate = draw(st.sampled_from(RATES))
    total = draw(st.integers(1, 10**8))
    purchase = draw(st.integers(0, total)) if scheme == Scheme.MARGIN else 0
    rule = TaxRule(scheme, rate, "XX")
    return LineMoney(
        total,
        tax_amount(rule, total, purchase_minor=purchase),
        scheme,
        commission_of(total, draw(st.integers(0, 3000))),
    )


@given(st.sampled_from(RATES), st.integers(1, 10**9), st.integers(0, 10**9))
def test_margin_vat_is_rate_times_margin_over_one_plus_rate_rounded_half_up(rate, price, purchase):
    expected = half_up(Fraction(max(0, price - purchase)) * Fraction(rate) / (1 + Fraction(rate)))
    assert tax_amount(TaxRule(Scheme.MARGIN, rate, "FR"), price, purchase_minor=purchase) == expected


@given(st.lists(lines(), min_size=1, max_size=6), st.integers(0, 2000), st.data())
def test_a_sale_balances_and_refunding_its_lines_in_any_split_undoes_it(sold, shipping_price, data):
    shipping = (
        ShippingMoney(shipping_price, tax_amount(TaxRule(Scheme.VAT, Decimal("0.2"), "FR"), shipping_price), Scheme.VAT)
        if shipping_price
        else None
    )
    sale = sale_entries(merchant_id=7, currency="EUR", lines=sold, shipping=shipping)
    assert sum(e.amount_minor for e in sale) == 0
    paid = sum(e.amount_minor for e in sale if e.account == Account.GATEWAY_CLEARING)
    assert paid == sum(l.paid_minor for l in sold) + (shipping.paid_minor if shipping else 0)
    first = data.draw(st.lists(st.sampled_from(range(len(sold))), unique=True))
    rest = [i for i in range(len(sold)) if i not in first]
    refunds = [
        sale_entries(merchant_id=7, currency="EUR", lines=[sold[i] for i in part], shipping=ship, sign=-1)
        for part, ship in ((first, None), (rest, shipping))
        if part or ship
    ]
    totals: dict = {}
    for e in sale + [e for r in refunds for e in r]:
        totals[(e.account, e.line)] = totals.get((e.account, e.line), 0) + e.amount_minor
    assert all(r and sum(e.amount_minor for e in r) == 0 for r in refunds)
    assert set(totals.values()) <= {0}


@given(st.lists(lines(), min_size=1, max_size=4), st.data())
def test_goodwill_refunds_that_add_up_to_the_sale_reverse_it_exactly(sold, data):
    sale = sale_entries(merchant_id=3, currency="EUR", lines=sold)
    paid = sum(e.amount_minor for e in sale if e.account == Account.GATEWAY_CLEARING)
    cuts = sorted(data.draw(st.lists(st.integers(1, paid - 1), unique=True, max_size=5))) if paid > 1 else []
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, paid])]
    totals: dict = {(e.account, e.line): e.amount_minor for e in sale}
    refunded = 0
    for part in parts:
        refund = prorated_refund(sale, paid_minor=paid, refunded_before=refunded, amount_minor=part)
        assert sum(e.amount_minor for e in refund) == 0
        assert -sum(e.amount_minor for e in refund if e.account == Account.GATEWAY_CLEARING) == part
        refunded += part
        for e in refund:
            totals[(e.account, e.line)] = totals.get((e.account, e.line), 0) + e.amount_minor
    assert set(totals.values()) <= {0}


FATES = ("paid", "cancel_some", "ship", "ship_then_refund_some")


@pytest.mark.django_db
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    history=st.lists(
        st.tuples(
            st.sampled_from(["FR", "DE", "US"]),  # where the buyer is
            st.lists(
                st.tuples(st.booleans(), st.integers(1, 3), st.integers(1000, 150000)), min_size=1, max_size=3
            ),  # lines: margin scheme?, quantity, price
            st.sampled_from(FATES),
            st.integers(0, 27),
            st.data(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_histories_balance_invoice_and_reconcile(marketplace, history):
    """Orders of several lines in two currencies and both tax schemes, some lines cancelled, some shipped and
    refunded after shipping; then the month's payouts. Every transaction balances, invoices and credit notes
    equal what was paid and given back, and the merchant is paid its sales minus commission, fees and refunds."""
    from remarket.invoices.models import Invoice
    from remarket.invoices.services import credit_note_issue, invoice_issue
    from remarket.orders.services import orderlines_refund, suborder_accept, suborder_ship

    example = transaction.atomic()
    example._from_testcase = True  # rolled back after each example, like the test's own transaction
    with example:
        de = Market.objects.get_or_create(
            code="DE", defaults=dict(country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
        )[0]
        channels = {
            "FR": marketplace.web_fr,
            "US": marketplace.web_us,
            "DE": Channel.objects.get_or_create(code="web-de", defaults=dict(kind="web", market=de))[0],
        }
        markets = {"FR": marketplace.fr, "US": marketplace.us, "DE": de}
        addresses = {
            "FR": ADDRESS_FR,
            "DE": {**ADDRESS_FR, "country": "DE", "postal_code": "10117", "phone": "+49 30 1234567"},
            "US": {**ADDRESS_FR, "country": "US", "state": "NY", "postal_code": "10012", "phone": "+1 212 555 0100"},
        }
        merchant = MerchantFactory(country="FR")
        actor = Actor.of(UserFactory(role="merchant", merchant=merchant))
        with clock.frozen(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)):
            fees_charge(merchants=[merchant])
            for code, wanted, fate, hours, data in history:
                items = []
                for margin, quantity, price in wanted:
                    listing = ListingFactory(
                        merchant=merchant,
                        quantity=quantity,
                        vat_scheme="margin" if margin else "standard",
                        purchase_price_minor=price // 2,
                        purchase_currency=markets[code].currency,
                    )
                    terms = ListingMarketFactory(
                        market=markets[code], listing=listing, price_minor=price, min_price_minor=None
                    )
                    items.append(Item(terms.listing_id, quantity))
                clock.advance(dt.timedelta(hours=hours))
                order = checkout_start(
                    market=markets[code],
                    channel=channels[code],
                    email="b@example.com",
                    items=items,
                    shipping_address=addresses[code],
                )
                assert checkout_pay(order=order, card_number=PAY_OK).status == "captured"
                sub = order.suborders.get()
                lines = list(sub.lines.order_by("pk"))
                some = [l.pk for l in lines if data.draw(st.booleans())] or [lines[0].pk]
                if fate == "cancel_some":
                    orderlines_cancel(actor=actor, suborder_id=sub.pk, line_ids=some)
                if fate in ("ship", "ship_then_refund_some"):
                    suborder_accept(actor=actor, suborder_id=sub.pk)
                    suborder_ship(actor=actor, suborder_id=sub.pk, tracking_number="T1", carrier="UPS")
                    invoice = invoice_issue(suborder_id=sub.pk)
                    assert invoice.total_minor == sub.total_minor  # every line shipped: the whole order
                if fate == "ship_then_refund_some":
                    orderlines_refund(actor=actor, suborder_id=sub.pk, line_ids=some)
                    note = credit_note_issue(suborder_id=sub.pk)
                    refunded = LedgerEntry.objects.filter(
                        transaction__suborder=sub, transaction__kind="refund", account=Account.GATEWAY_CLEARING
                    ).aggregate(s=Sum("amount_minor"))["s"]
                    assert note.total_minor == refunded and note.corrects_id == invoice.pk
        assert not (
            LedgerEntry.objects.values("transaction_id", "currency")
            .annotate(s=Sum("amount_minor"))
            .exclude(s=0)
            .exists()
        )
        invoiced = Invoice.objects.filter(merchant=merchant).order_by("kind", "sequence")
        for kind in ("invoice", "credit_note"):
            assert list(invoiced.filter(kind=kind).values_list("sequence", flat=True)) == list(
                range(1, invoiced.filter(kind=kind).count() + 1)
            )
        with clock.frozen(dt.datetime(2026, 12, 5, tzinfo=dt.UTC)):
            merchant_payouts_run(period=dt.date(2026, 11, 1))
        for currency in ("EUR", "USD"):
            payable = LedgerEntry.objects.filter(account=Account.MERCHANT_PAYABLE, merchant=merchant, currency=currency)
            earned = -(payable.exclude(line=Line.PAYOUT).aggregate(s=Sum("amount_minor"))["s"] or 0)
            paid = (
                Payout.objects.filter(merchant=merchant, currency=currency).aggregate(s=Sum("amount_minor"))["s"] or 0
            )
            assert paid == max(0, earned)
            assert merchant_balance(merchant_id=merchant.pk, currency=currency) == earned - paid
        transaction.set_rollback(True)
