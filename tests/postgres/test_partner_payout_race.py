"""Partner payouts raced on PostgreSQL: six runs of the month's partner payouts at the same instant pay each
partner once — one payout row, one ledger posting — and the ledger stays balanced."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from remarket.core import clock
from remarket.ledger.models import LedgerEntry, LedgerTransaction, PartnerPayout
from remarket.ledger.partners import partner_balance
from remarket.orders.models import OrderLine
from remarket.orders.partner_payouts import partner_payouts_run

from ..pickups.conftest import network, pickup_order  # noqa: F401  (the partner network fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_six_runs_at_once_pay_each_partner_once(marketplace, offer, network):  # noqa: F811  (the fixture)
    with clock.frozen(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)):
        for _ in range(2):
            pickup_order(marketplace, offer, network.paris)
    earned = sum(OrderLine.objects.values_list("partner_commission_minor", flat=True))
    assert earned > 0
    barrier = threading.Barrier(6)

    def run(_i: int) -> list[int]:
        barrier.wait()
        try:
            return [p.pk for p in partner_payouts_run(period=NOVEMBER)]
        finally:
            connections.close_all()

    # frozen once around the threads (the clock is process-wide)
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)), ThreadPoolExecutor(max_workers=6) as pool:
        made = [pk for pks in pool.map(run, range(6)) for pk in pks]
    payouts = list(PartnerPayout.objects.filter(period=NOVEMBER).order_by("partner_id"))
    assert [(p.partner_id, p.amount_minor) for p in payouts] == [
        (network.partner.pk, earned),
        (network.other_partner.pk, 0),
    ]
    assert set(made) == {p.pk for p in payouts}  # whichever runs made them
    assert LedgerTransaction.objects.filter(kind="partner_payout").count() == 1
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == 0
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
