"""Trade-in money under concurrency on real PostgreSQL transactions: a trade-in is paid once however many
validations and payout calls arrive together, and a trade-in credit pays one till sale only."""

import datetime as dt
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.buyback import services
from remarket.buyback.counter import counter_tradein_take
from remarket.buyback.listings import buyback_listing_publish
from remarket.buyback.models import TradeIn, TradeInCredit
from remarket.checkout.counter import CounterLine, counter_sale
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.orders.models import Order

from ..buyback.conftest import FLAWLESS, IDENTITY
from ..buyback.test_counter import IDENTITY_US
from ..conftest import build_marketplace
from ..factories import MerchantFactory, UserFactory, VariantFactory
from ..pos.conftest import build_till

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _race(n: int, fn) -> list:
    barrier = threading.Barrier(n)

    def run(i: int):
        barrier.wait()
        try:
            return fn(i)
        except DomainError as err:
            return err.code
        finally:
            connections.close_all()

    # frozen once, around the threads (the clock is process-wide)
    with clock.frozen(AT), ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_validations_and_payout_calls_pay_a_trade_in_once():
    mp = build_marketplace()
    merchant = MerchantFactory()
    staff = Actor.of(UserFactory(role=Role.MERCHANT, merchant=merchant))
    customer = Actor.of(UserFactory())
    variant = VariantFactory()
    with clock.frozen(AT):
        buyback_listing_publish(actor=staff, variant_id=variant.pk, grade="DIAMOND", prices={"FR": (30000, "EUR")})
        t = services.tradein_accept(
            actor=customer, market=mp.fr, variant_id=variant.pk, answers=FLAWLESS, identity=IDENTITY
        )
        services.tradein_ship(actor=customer, reference=t.reference)
        services.tradein_receive(actor=staff, reference=t.reference)

    def act(i: int):
        move = services.tradein_validate if i % 2 else services.tradein_pay_again
        return move(actor=staff, reference=t.reference).status

    results = _race(6, act)
    assert results.count("PAID") == 1, results
    assert set(results) - {"PAID"} <= {"BUYBACK_TRANSITION_REFUSED", "BUYBACK_ALREADY_PAID"}
    assert LedgerTransaction.objects.filter(kind="tradein_payout").count() == 1
    paid = TradeIn.objects.get(pk=t.pk)
    assert (paid.status, paid.paid_minor) == ("PAID", 30000)
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0


def test_one_trade_in_credit_pays_one_of_several_concurrent_till_sales():
    mp = build_marketplace()
    till = build_till(mp, shelf_units=4)
    till.nyc.service_trade_in = True
    till.nyc.save()
    buyer = MerchantFactory(country="US")
    variant = VariantFactory()
    with clock.frozen(AT):
        buyback_listing_publish(
            actor=Actor.of(UserFactory(role=Role.MERCHANT, merchant=buyer)),
            variant_id=variant.pk,
            grade="DIAMOND",
            prices={"US": (20000, "USD")},
        )
        code = counter_tradein_take(
            actor=till.actor, variant_id=variant.pk, answers=FLAWLESS, identity=IDENTITY_US
        ).credit.code

    def sell(i: int):
        sale = counter_sale(
            actor=till.actor,
            sale_id=uuid.uuid4(),
            lines=[CounterLine(till.shelf.pk, 1)],
            tender="trade_in",
            trade_in_code=code,
            cash_given_minor=60000,
        )
        return sale.status

    results = _race(4, sell)
    assert results.count("paid") == 1, results
    assert set(results) - {"paid"} == {"BUYBACK_CREDIT_USED"}
    assert Order.objects.filter(location=till.nyc).count() == 1  # the refused sales left nothing behind
    assert LedgerTransaction.objects.filter(kind="tradein_credit").count() == 1
    credit = TradeInCredit.objects.get(code=code)
    assert credit.used_order_id == Order.objects.get(location=till.nyc).pk
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
