"""Trade-in at a location: the clerk's questionnaire, the identity check, the device bought on the spot, the
credit used once against a sale at the till (the `trade_in` tender), the ledger balanced to the cent."""

import uuid

import pytest
from django.db.models import Sum

from remarket.buyback.counter import counter_tradein_quote, counter_tradein_take
from remarket.buyback.listings import buyback_listing_publish
from remarket.buyback.models import TradeIn, TradeInCredit
from remarket.checkout.counter import CounterLine, counter_sale
from remarket.core.errors import DomainError
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction
from remarket.ledger.services import ledger_balance
from remarket.orders.models import Order
from remarket.payments.models import CashTender

from ..pos.conftest import build_till
from .conftest import FLAWLESS, merchant_actor_of

pytestmark = pytest.mark.django_db
IDENTITY_US = {
    "first_name": "Walt",
    "last_name": "Whitman",
    "birth_date": "1969-05-31",
    "address": {"street": "328 Mickle St", "postcode": "10012", "town": "New York", "country": "US"},
}


@pytest.fixture
def shop(marketplace):
    till = build_till(marketplace)
    till.nyc.service_trade_in = True
    till.nyc.save()
    from ..factories import MerchantFactory, VariantFactory

    buyer = MerchantFactory(country="US")
    variant = VariantFactory()
    buyback_listing_publish(
        actor=merchant_actor_of(buyer), variant_id=variant.pk, grade="DIAMOND", prices={"US": (20000, "USD")}
    )
    return till, buyer, variant


def _take(till, variant, **over):
    values = dict(variant_id=variant.pk, answers=FLAWLESS, identity=IDENTITY_US, email="walt@example.com")
    values.update(over)
    return counter_tradein_take(actor=till.actor, **values)


def _sale(till, code, *, given=None, sale_id=None, units=1):
    return counter_sale(
        actor=till.actor,
        sale_id=sale_id or uuid.uuid4(),
        lines=[CounterLine(till.shelf.pk, units)],
        tender="trade_in",
        trade_in_code=code,
        cash_given_minor=given,
    )


def test_the_clerk_buys_the_device_and_the_credit_pays_part_of_a_till_sale(shop):
    till, buyer, variant = shop
    assert counter_tradein_quote(actor=till.actor, variant_id=variant.pk, answers=FLAWLESS).price_minor == 20000
    done = _take(till, variant, quote_minor=20000)
    t = done.trade_in
    assert (t.status, t.mode, t.location_id, t.clerk_id, t.paid_minor) == (
        "PAID",
        "location",
        till.nyc.pk,
        till.clerk.pk,
        20000,
    )
    assert (done.credit.amount_minor, done.credit.currency, done.credit.used_at) == (20000, "USD", None)
    assert ledger_balance(account=Account.MERCHANT_PAYABLE, currency="USD", merchant_id=buyer.pk) == 20000

    sale = _sale(till, done.credit.code.lower(), given=50000)
    order = sale.order
    assert sale.status == "paid"
    total = order.payment.amount_minor  # $599.00 and New York City's sales tax
    cash = CashTender.objects.get(intent=order.payment)
    assert (cash.given_minor, cash.change_minor) == (50000, 50000 - (total - 20000))
    credit = TradeInCredit.objects.get(pk=done.credit.pk)
    assert (credit.used_order_id, credit.used_at is not None) == (order.pk, True)
    assert TradeIn.objects.get(pk=t.pk).status == "MONEY_TRANSFERED"
    # the gateway clearing account holds what the till took in cash; the trade-in payable is settled
    assert ledger_balance(account=Account.GATEWAY_CLEARING, currency="USD") == total - 20000
    assert ledger_balance(account=Account.TRADEIN_PAYABLE, currency="USD") == 0
    assert LedgerEntry.objects.filter(currency="USD").aggregate(s=Sum("amount_minor"))["s"] == 0


def test_the_credit_is_used_once(shop):
    till, _buyer, variant = shop
    code = _take(till, variant).credit.code
    _sale(till, code, given=50000)
    orders, credits = Order.objects.count(), LedgerTransaction.objects.filter(kind="tradein_credit").count()
    with pytest.raises(DomainError) as err:
        _sale(till, code, given=50000)
    assert (err.value.code, err.value.status) == ("BUYBACK_CREDIT_USED", 409)
    assert (Order.objects.count(), LedgerTransaction.objects.filter(kind="tradein_credit").count()) == (orders, credits)


def test_the_same_sale_replayed_uses_the_credit_once(shop):
    till, _buyer, variant = shop
    code = _take(till, variant).credit.code
    sale_id = uuid.uuid4()
    first = _sale(till, code, given=50000, sale_id=sale_id)
    again = _sale(till, code, given=50000, sale_id=sale_id)
    assert (again.order.pk, again.created) == (first.order.pk, False)
    assert LedgerTransaction.objects.filter(kind="tradein_credit").count() == 1


def test_refusals_change_nothing(shop):
    till, _buyer, variant = shop
    code = _take(till, variant).credit.code
    before = (Order.objects.count(), LedgerTransaction.objects.count())
    with pytest.raises(DomainError) as err:
        _sale(till, code, given=100)  # the rest not covered
    assert err.value.code == "PAYMENT_CASH_SHORT"
    with pytest.raises(DomainError) as err:
        _sale(till, "NOPE1234", given=50000)
    assert err.value.code == "BUYBACK_CREDIT_UNKNOWN"
    with pytest.raises(DomainError) as err:  # another store's clerk
        counter_sale(
            actor=till.other_actor,
            sale_id=uuid.uuid4(),
            lines=[CounterLine(till.other_shelf.pk, 1)],
            tender="trade_in",
            trade_in_code=code,
            cash_given_minor=50000,
        )
    assert err.value.code == "BUYBACK_CREDIT_UNKNOWN"
    assert (Order.objects.count(), LedgerTransaction.objects.count()) == before
    assert TradeInCredit.objects.get(code=code).used_at is None


def test_a_credit_larger_than_the_basket_is_refused(shop):
    till, buyer, variant = shop
    buyback_listing_publish(
        actor=merchant_actor_of(buyer), variant_id=variant.pk, grade="DIAMOND", prices={"US": (90000, "USD")}
    )
    code = _take(till, variant).credit.code
    with pytest.raises(DomainError) as err:
        _sale(till, code)
    assert err.value.code == "BUYBACK_CREDIT_EXCEEDS_SALE"
    assert TradeInCredit.objects.get(code=code).used_at is None
    sale = _sale(till, code, units=2, given=50000)  # two units cost more than the credit
    assert sale.status == "paid"


def test_a_failed_identity_at_the_counter_buys_nothing(shop):
    till, _buyer, variant = shop
    with pytest.raises(DomainError) as err:
        _take(till, variant, identity={**IDENTITY_US, "birth_date": "2015-01-01"})
    assert (err.value.code, err.value.details) == ("BUYBACK_IDENTITY_FAILED", {"problems": ["under_age"]})
    assert not TradeIn.objects.exists() and not LedgerTransaction.objects.exists()


def test_a_location_without_trade_in_and_a_model_nobody_buys(shop):
    till, _buyer, variant = shop
    from ..factories import VariantFactory

    with pytest.raises(DomainError) as err:
        _take(till, VariantFactory())
    assert err.value.code == "BUYBACK_NO_BUYER"
    till.nyc.service_trade_in = False
    till.nyc.save()
    with pytest.raises(DomainError) as err:
        _take(till, variant)
    assert (err.value.code, err.value.status) == ("BUYBACK_LOCATION_NO_TRADE_IN", 403)
    assert not TradeIn.objects.exists()


def test_a_counter_trade_in_mails_its_payment_once_in_the_market_language(shop):
    from django.core import mail

    from remarket.events.outbox import drain

    till, _buyer, variant = shop
    mail.outbox.clear()
    done = _take(till, variant)
    drain()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["walt@example.com"], f"Your trade-in {done.trade_in.reference}")
    ]
    assert "$200.00 are yours" in mail.outbox[0].body
    assert TradeIn.objects.get(pk=done.trade_in.pk).status == "PAID"  # its money leaves as the till credit
