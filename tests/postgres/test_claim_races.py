"""Warranty claims under concurrency on real PostgreSQL transactions: one line, one refund, whoever asks."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import claims, services
from remarket.aftersales.models import WarrantyClaim
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.orders.models import OrderLine
from remarket.payments.models import Refund

from ..aftersales.conftest import CLAIM_AT, fr_offer, merchant_of, open_claim, open_return, sell_and_ship
from ..conftest import build_marketplace
from ..factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_a_claim_refund_a_seller_api_refund_an_operator_and_a_return_refund_a_line_once():
    mp = build_marketplace()
    customer = UserFactory(role=Role.CUSTOMER)
    me = Actor.of(customer)
    sub = sell_and_ship(mp, customer, fr_offer(mp, price_minor=30000))
    line = sub.lines.get()
    request = open_return(me, sub, at=dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC)):
        services.return_receive(actor=merchant_of(sub), return_id=request.pk)
    claim = open_claim(me, sub, at=dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.UTC))
    merchant = merchant_of(sub)
    calls = [
        lambda: claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="refund"),
        lambda: claims.orderline_refund_by_seller(actor=merchant, orderline_id=line.pk, refund_type=6),
        lambda: services.return_inspect(actor=merchant, return_id=request.pk),
        lambda: claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="refund"),
    ]
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            call()
            return "refunded"
        except DomainError as err:
            return err.code
        finally:
            connections.close_all()

    with clock.frozen(CLAIM_AT - dt.timedelta(days=100)), ThreadPoolExecutor(max_workers=len(calls)) as pool:
        outcomes = list(pool.map(run, calls))
    assert outcomes.count("refunded") == 1, outcomes
    assert set(outcomes) - {"refunded"} <= {
        "AFTERSALES_ALREADY_REFUNDED",
        "AFTERSALES_CLAIM_TRANSITION_REFUSED",
        "ORDER_CHANGED_CONCURRENTLY",
        "ORDER_LINE_TRANSITION_REFUSED",
        "AFTERSALES_TRANSITION_REFUSED",
    }, outcomes
    assert Refund.objects.count() == 1 and Refund.objects.get().amount_minor == 30000
    assert OrderLine.objects.get(pk=line.pk).state == 6
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert WarrantyClaim.objects.get().state in ("open", "refunded")


def test_two_workers_escalate_each_due_claim_once():
    mp = build_marketplace()
    customer = UserFactory(role=Role.CUSTOMER)
    me = Actor.of(customer)
    due = [open_claim(me, sell_and_ship(mp, customer, fr_offer(mp))) for _ in range(6)]
    barrier = threading.Barrier(3)

    def run(_):
        barrier.wait()
        try:
            return claims.claims_escalate_due()
        finally:
            connections.close_all()

    with clock.frozen(due[0].deadline_at), ThreadPoolExecutor(max_workers=3) as pool:
        moved = list(pool.map(run, range(3)))
    assert sum(moved) == 6, moved
    assert set(WarrantyClaim.objects.values_list("state", flat=True)) == {"escalated"}
    from remarket.events.models import OutboxEvent

    steps = [e.payload["step"] for e in OutboxEvent.objects.filter(topic="claim.changed")]
    assert steps.count("deadline_passed") == 6
