"""Money under concurrency on real PostgreSQL transactions: payout runs and invoice numbers."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.ledger.models import LedgerEntry, LedgerTransaction, Payout
from remarket.ledger.services import merchant_balance
from remarket.merchants.billing import merchant_fees_charge, merchant_payouts_run

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_concurrent_payout_runs_and_fee_charges_pay_and_charge_each_merchant_once():
    mp = build_marketplace()
    merchants = [MerchantFactory() for _ in range(4)]
    with clock.frozen(dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)):
        for merchant in merchants:
            offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(merchant=merchant, quantity=2))
            order = checkout_start(
                market=mp.fr,
                channel=mp.web_fr,
                items=[Item(offer.listing_id)],
                email="b@example.com",
                shipping_address=ADDRESS_FR,
            )
            assert checkout_pay(order=order, card_number=PAY_OK).status == "captured"
    barrier = threading.Barrier(6)

    def run(i: int):
        barrier.wait()
        try:
            if i % 2:
                return merchant_fees_charge()
            return len(merchant_payouts_run(period=dt.date(2026, 11, 1)))
        finally:
            connections.close_all()

    # frozen once, around the threads: each thread entering and leaving the process-wide clock's `frozen` itself
    # could restore another's value last, leaving the clock frozen for the tests that follow
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)), ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, range(6)))
    assert sum(results[0::2]) == 4 and sum(results[1::2]) == 4  # four payouts, four fees, whoever made them
    assert Payout.objects.filter(period=dt.date(2026, 11, 1)).count() == 4
    assert LedgerTransaction.objects.filter(kind="payout").count() == 4
    assert LedgerTransaction.objects.filter(kind="fee").count() == 4
    for merchant in merchants:
        payout = Payout.objects.get(merchant=merchant)
        assert payout.amount_minor == 49900 - 4990
        assert merchant_balance(merchant_id=merchant.pk, currency="EUR") == -4900  # December's fee, still owed
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
