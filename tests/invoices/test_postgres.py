"""Gapless numbering under real concurrency: several workers issuing invoices of one merchant at once queue on
the series' counter row and take 1..N, no gap, no duplicate."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from remarket.core import clock
from remarket.invoices.models import Invoice, InvoiceCounter
from remarket.invoices.services import invoice_issue
from remarket.orders.models import SubOrder
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import build_marketplace
from .conftest import NOW, merchant_actor, offer, sell

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ORDERS = 24


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _issue(sub_id: int) -> str:
    try:
        return invoice_issue(suborder_id=sub_id).number
    finally:
        connections.close_all()


def test_concurrent_issuers_number_one_merchants_invoices_without_gap_or_duplicate():
    mp = build_marketplace()
    listing = offer(mp.fr)
    actor = merchant_actor(listing.merchant)
    subs: list[SubOrder] = []
    for _ in range(ORDERS):
        sub = sell(mp, listing)
        suborder_accept(actor=actor, suborder_id=sub.pk)
        suborder_ship(actor=actor, suborder_id=sub.pk, tracking_number=f"T{sub.pk}", carrier="Colissimo")
        subs.append(sub)
    with clock.frozen(NOW), ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(_issue, [s.pk for s in subs]))
    m = listing.merchant_id
    assert sorted(numbers) == [f"INV-{m}-2026-{n:06d}" for n in range(1, ORDERS + 1)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, ORDERS + 1))
    assert InvoiceCounter.objects.get(merchant_id=m).last_number == ORDERS
    # the same again (a redelivery racing): still one invoice per sub-order, no number taken
    with clock.frozen(NOW), ThreadPoolExecutor(max_workers=8) as pool:
        again = list(pool.map(_issue, [s.pk for s in subs]))
    assert again == numbers and Invoice.objects.count() == ORDERS
    assert InvoiceCounter.objects.get(merchant_id=m).last_number == ORDERS
