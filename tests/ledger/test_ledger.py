"""The ledger from real checkouts: worked tax cases to the cent, exact refunds, commissions, fees, statements and
payouts that reconcile with the entries."""

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.db.utils import DatabaseError, IntegrityError

from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction, Payout
from remarket.ledger.payouts import payout_create, statement_build
from remarket.ledger.services import (
    Entry,
    fees_charge,
    ledger_balance,
    ledger_post,
    ledger_record_partial_refund,
    merchant_balance,
)
from remarket.markets.models import Channel, Market
from remarket.merchants.billing import merchant_fees_charge, merchant_payouts_run
from remarket.orders.services import orderlines_cancel, suborder_accept, suborder_ship

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import CategoryFactory, ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
ADDRESS_DE = {
    "first_name": "Anna",
    "last_name": "Schmidt",
    "street": "Unter den Linden 1",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
    "phone": "+49 30 1234567",
}


def buy(market, channel, terms, address, quantity=1):
    order = checkout_start(
        market=market,
        channel=channel,
        items=[Item(terms.listing_id, quantity)],
        email="buyer@example.com",
        shipping_address=address,
    )
    assert checkout_pay(order=order, card_number=PAY_OK).status == "captured"
    order.refresh_from_db()
    return order


def entries(order) -> dict[tuple[str, str], int]:
    rows = (
        LedgerEntry.objects.filter(transaction__order=order)
        .values("account", "line")
        .annotate(s=Sum("amount_minor"))
        .values_list("account", "line", "s")
    )
    return {(a, l): s for a, l, s in rows if s}


@pytest.fixture
def germany(marketplace):
    de = Market.objects.create(code="DE", country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
    return de, Channel.objects.create(code="web-de", kind="web", market=de)


def test_fr_standard_sale_to_the_cent(marketplace, offer):
    with clock.frozen(NOV):
        order = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
    line = order.suborders.get().lines.get()
    assert (line.tax_scheme, line.tax_minor, line.commission_minor, order.total_minor) == ("vat", 8317, 4990, 49900)
    assert entries(order) == {
        ("gateway_clearing", "sale"): 49900,
        ("merchant_payable", "sale"): -41583,
        ("merchant_payable", "tax"): -8317,
        ("merchant_payable", "commission"): 4990,
        ("commission_revenue", "commission"): -4990,
    }


def test_fr_margin_scheme_sale_to_the_cent(marketplace, offer):
    offer.listing.vat_scheme, offer.listing.purchase_price_minor, offer.listing.purchase_currency = (
        "margin",
        30000,
        "EUR",
    )
    offer.listing.save()
    with clock.frozen(NOV):
        order = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
    line = order.suborders.get().lines.get()
    assert (line.tax_scheme, line.tax_minor, line.purchase_price_minor, order.total_minor) == (
        "margin",
        3317,
        30000,
        49900,
    )
    assert entries(order)[("merchant_payable", "tax")] == -3317
    assert entries(order)[("merchant_payable", "sale")] == -(49900 - 3317)


def test_a_german_buyer_from_a_french_merchant_pays_german_vat(marketplace, offer, germany):
    de, web_de = germany
    terms = ListingMarketFactory(market=de, listing=offer.listing, price_minor=49900)
    with clock.frozen(NOV):
        order = buy(de, web_de, terms, ADDRESS_DE)
    line = order.suborders.get().lines.get()
    assert (line.tax_jurisdiction, line.tax_rate * 100, line.tax_minor) == ("DE", 19, 7967)


def test_a_new_york_store_sale_adds_city_sales_tax_the_marketplace_remits(marketplace):
    from remarket.checkout.counter import CounterLine, counter_sale
    from remarket.offers.models import LocationStock

    first = MerchantFactory(country="US", is_first_party=True, commission_bp=0)
    terms = ListingMarketFactory(
        market=marketplace.us,
        price_minor=10000,
        min_price_minor=None,
        listing=ListingFactory(merchant=first, quantity=0),
    )
    LocationStock.objects.create(location=marketplace.nyc, listing=terms.listing, available=2)
    clerk = UserFactory(role="clerk", location=marketplace.nyc)
    with clock.frozen(NOV):
        order = counter_sale(
            actor=Actor.of(clerk),
            sale_id=uuid.uuid4(),
            lines=[CounterLine(terms.listing_id)],
            tender="card",
            card_number=PAY_OK,
        ).order
    line = order.suborders.get().lines.get()
    assert (line.tax_scheme, line.tax_jurisdiction, line.tax_minor, order.total_minor) == (
        "sales_tax",
        "US-NY-NYC",
        888,
        10888,
    )
    assert order.payment.amount_minor == 10888
    assert entries(order) == {
        ("gateway_clearing", "sale"): 10888,
        ("merchant_payable", "sale"): -10000,
        ("tax_payable", "tax"): -888,
    }


def test_commission_comes_from_the_merchant_else_the_category_else_the_marketplace(marketplace):
    phones = CategoryFactory(slug="phones-parent", name="Phones", commission_bp=800)
    child = CategoryFactory(slug="phones-child", name="Phones child")
    child.parent = phones
    child.save()
    plain = ListingMarketFactory(market=marketplace.fr, price_minor=10000, min_price_minor=None)
    in_category = ListingMarketFactory(market=marketplace.fr, price_minor=10000, min_price_minor=None)
    in_category.listing.variant.model.category = child
    in_category.listing.variant.model.save()
    own_rate = ListingMarketFactory(
        market=marketplace.fr,
        price_minor=10000,
        min_price_minor=None,
        listing=ListingFactory(merchant=MerchantFactory(commission_bp=1250)),
    )
    own_rate.listing.variant.model.category = child
    own_rate.listing.variant.model.save()
    rates = [
        buy(marketplace.fr, marketplace.web_fr, t, ADDRESS_FR).suborders.get().lines.get().commission_minor
        for t in (plain, in_category, own_rate)
    ]
    assert rates == [1000, 800, 1250]


def test_cancelling_a_line_reverses_its_sale_exactly(marketplace, offer, merchant_actor):
    order = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR, quantity=2)
    sub = order.suborders.get()
    orderlines_cancel(actor=merchant_actor, suborder_id=sub.pk)
    assert entries(order) == {}  # every account back where it was
    assert LedgerTransaction.objects.filter(order=order, kind="refund").count() == 1


def test_goodwill_refunds_add_up_to_the_sale_and_no_further(marketplace, offer):
    order = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
    sub = order.suborders.get()
    with transaction.atomic():
        for amount in (10001, 9999, 29900):
            ledger_record_partial_refund(suborder=sub, amount_minor=amount, memo="goodwill")
    assert entries(order) == {}
    with pytest.raises(DomainError) as err, transaction.atomic():
        ledger_record_partial_refund(suborder=sub, amount_minor=1)
    assert err.value.code == "LEDGER_REFUND_EXCEEDS"


def test_an_unbalanced_transaction_is_refused_by_the_service(marketplace):
    with pytest.raises(DomainError) as err, transaction.atomic():
        ledger_post(kind="manual", entries=[Entry(Account.BANK, 100, "EUR"), Entry(Account.FEES, -99, "EUR")])
    assert err.value.code == "LEDGER_UNBALANCED" and not LedgerTransaction.objects.filter(kind="manual").exists()


@pytest.mark.postgres
def test_postgresql_refuses_unbalanced_and_changed_ledger_rows(marketplace, offer):
    assert connection.vendor == "postgresql", "run it with DATABASE_URL=postgres://... (make test-postgres)"
    txn = LedgerTransaction.objects.create(kind="manual", at=NOV)
    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        LedgerEntry.objects.create(transaction=txn, account=Account.BANK, amount_minor=100, currency="EUR", at=NOV)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ledger_balanced IMMEDIATE")
    order = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
    for change in (
        lambda: LedgerEntry.objects.filter(transaction__order=order).update(amount_minor=0),
        lambda: LedgerEntry.objects.filter(transaction__order=order).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_the_subscription_fee_is_charged_once_a_month(marketplace, offer):
    merchant = offer.listing.merchant
    assert merchant_fees_charge(now=NOV) >= 1
    assert merchant_fees_charge(now=NOV + dt.timedelta(days=3)) == 0
    assert merchant_balance(merchant_id=merchant.pk, currency="EUR") == -4900
    assert fees_charge(now=NOV + dt.timedelta(days=30), merchants=[merchant]) == 1  # December


def test_a_statement_reconciles_with_the_ledger_and_the_payout_pays_it_once(marketplace, offer, merchant_actor):
    merchant = offer.listing.merchant
    with clock.frozen(NOV):
        fees_charge(now=NOV, merchants=[merchant])
        kept = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
        cancelled = buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
        orderlines_cancel(actor=merchant_actor, suborder_id=cancelled.suborders.get().pk)
        sub = kept.suborders.get()
        suborder_accept(actor=merchant_actor, suborder_id=sub.pk)
        suborder_ship(actor=merchant_actor, suborder_id=sub.pk, tracking_number="6A1", carrier="Colissimo")
    period = dt.date(2026, 11, 1)
    statement = statement_build(merchant=merchant, currency="EUR", period=period)
    assert statement.opening_minor == 0
    assert statement.closing_minor == 49900 - 4990 - 4900  # sale incl. VAT − commission − fee; the refund nets out
    assert statement.closing_minor == merchant_balance(merchant_id=merchant.pk, currency="EUR", before=statement.end)
    assert statement.totals()["tax"] == 8317 * 2 and statement.totals()["refund_tax"] == -8317

    with clock.frozen(NOV), pytest.raises(DomainError) as err:
        payout_create(merchant=merchant, currency="EUR", period=period)
    assert err.value.code == "PAYOUT_PERIOD_OPEN"
    with clock.frozen(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)):
        made = merchant_payouts_run(period=period)
        assert [(p.merchant_id, p.amount_minor) for p in made] == [(merchant.pk, 40010)]
        assert merchant_payouts_run(period=period) == []  # a second run pays nobody again
        with pytest.raises(DomainError) as err:
            payout_create(merchant=merchant, currency="EUR", period=period)
        assert err.value.code == "PAYOUT_ALREADY_MADE"
    assert merchant_balance(merchant_id=merchant.pk, currency="EUR") == 0
    assert ledger_balance(account=Account.BANK, currency="EUR") == -40010
    december = statement_build(merchant=merchant, currency="EUR", period=dt.date(2026, 12, 1))
    assert (december.opening_minor, [l.line for l in december.lines], december.closing_minor) == (40010, ["payout"], 0)


def test_a_negative_month_is_carried_over_not_paid(marketplace, offer):
    merchant = offer.listing.merchant
    with clock.frozen(NOV):
        fees_charge(now=NOV, merchants=[merchant])
    with clock.frozen(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)):
        payout = payout_create(merchant=merchant, currency="EUR", period=dt.date(2026, 11, 1))
    assert (payout.amount_minor, payout.movements_minor, payout.transaction) == (0, -4900, None)
    assert Payout.objects.count() == 1


def test_a_late_payout_of_an_earlier_month_pays_nothing_twice(marketplace, offer):
    merchant = offer.listing.merchant
    for at in (dt.datetime(2026, 10, 5, tzinfo=dt.UTC), NOV):
        with clock.frozen(at):
            buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
    with clock.frozen(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)):
        november = payout_create(merchant=merchant, currency="EUR", period=dt.date(2026, 11, 1))
        october = payout_create(merchant=merchant, currency="EUR", period=dt.date(2026, 10, 1))
    assert (november.amount_minor, october.amount_minor) == (2 * 44910, 0)
    assert merchant_balance(merchant_id=merchant.pk, currency="EUR") == 0


def test_the_workers_month_close_charges_fees_pays_last_month_and_snapshots(marketplace, offer):
    from remarket.events.periodic import _jobs
    from remarket.ledger.jobs import _month_close
    from remarket.ledger.models import BalanceSnapshot
    from remarket.merchants.jobs import _merchant_billing

    assert _jobs["merchant_billing"][1] is _merchant_billing and _jobs["month_close"][1] is _month_close
    merchant = offer.listing.merchant
    with clock.frozen(NOV):
        buy(marketplace.fr, marketplace.web_fr, offer, ADDRESS_FR)
        assert _merchant_billing() == "1 fees, 1 payouts"  # October's: nothing earned, nothing paid
    with clock.frozen(dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC)):
        assert _merchant_billing() == "1 fees, 1 payouts"
        assert _month_close() == "4 snapshots, 1 finance months"
        assert _merchant_billing() == "0 fees, 0 payouts"  # nothing twice
        assert _month_close() == "0 snapshots, 0 finance months"
    payout = Payout.objects.get(merchant=merchant, period=dt.date(2026, 11, 1))
    assert payout.amount_minor == 49900 - 4990 - 4900
    assert (
        ledger_balance(
            account=Account.MERCHANT_PAYABLE,
            merchant_id=merchant.pk,
            currency="EUR",
            before=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        )
        == -payout.amount_minor
    )
    assert BalanceSnapshot.objects.filter(as_of=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)).exists()


def test_the_take_rate_is_one_computation_in_basis_points_half_up():
    """ledger/calc.py take_rate_bp: the finance page's totals and rows and the API read it alike."""
    from django.utils import translation

    from remarket.core.money import bp_percent
    from remarket.ledger.calc import take_rate_bp
    from remarket.ledger.selectors import FinanceRow, finance_totals
    from remarket.web.templatetags.remarket import percent_bp

    assert take_rate_bp(commission_minor=3990, net_gmv_minor=39900) == 1000
    assert take_rate_bp(commission_minor=1, net_gmv_minor=8) == 1250  # 12.5 %, not rounded to a whole percent
    assert take_rate_bp(commission_minor=5, net_gmv_minor=0) is None
    assert (percent_bp(1250), percent_bp(None)) == ("12.50\u00a0%", "—")
    with translation.override("fr"):
        assert percent_bp(1250) == "12,50\u00a0%"
    # the exponent cancels out: the same rate in yen (exponent 0) as in euros (2) or dinars (3)
    assert {take_rate_bp(commission_minor=c, net_gmv_minor=g) for c, g in ((50, 1000), (5, 100), (500, 10_000))} == {
        500
    }
    assert bp_percent(1, "en") == "0.01\u00a0%" and bp_percent(10_000, "de") == "100,00\u00a0%"
    # a period's take rate: its commission over its net GMV, not the mean of its months' rates
    m1, m2 = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    [total] = finance_totals(
        [FinanceRow("JP", "JPY", m2, 10_000, 0, 1_000, 0, 0), FinanceRow("JP", "JPY", m1, 1_000, 0, 500, 0, 0)]
    )
    assert (total.month, total.gmv_minor, total.commission_minor, total.take_rate_bp) == (m1, 11_000, 1_500, 1364)
