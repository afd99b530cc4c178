"""kill -9 of a gunicorn worker in the middle of a payment, between the gateway's capture and our settle, on
PostgreSQL over HTTP: the customer's request dies with the worker, the card is charged, nothing of ours recorded
it. After the reconciler's pass the order is paid exactly once (one charge, one sale in the ledger, one unit
sold), and the customer sending the same form again is shown that order without a second charge."""

import datetime as dt
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from remarket.checkout.services import payments_reconcile
from remarket.core import clock
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.models import SandboxCharge

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory
from .live import TIMEOUT, Browser, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _paused_worker(folder: Path, point: str, timeout: float = 30) -> int:
    """The pid of the worker that stopped at `point` (core/crash.py writes `<point>.<pid>` there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(folder.glob(f"{point}.*"))
        if found:
            return int(found[0].suffix[1:])
        time.sleep(0.05)
    raise AssertionError(f"no worker reached {point} within {timeout} s")


def test_a_worker_killed_between_capture_and_settle_leaves_the_order_paid_once(tmp_path):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    env = {"REMARKET_PAUSE_AT": "after_capture", "REMARKET_PAUSE_DIR": str(tmp_path)}
    with gunicorn(env=env, workers=2) as base:
        shopper = Browser(base)
        _, add = shopper.form(f"/fr/p/{offer.listing.variant.model.slug}/", action="/cart/add/")
        shopper.http.post(
            base + "/fr/cart/add/",
            data={**add, "listing_id": offer.listing_id},
            headers={"Referer": base + "/fr/"},
            timeout=TIMEOUT,
        )
        target, fields = shopper.form("/fr/checkout/")
        form = {**fields, **ADDRESS_FR, "email": "killed@example.com", "card_number": PAY_OK}

        answer: dict = {}

        def pay() -> None:
            try:
                answer["response"] = shopper.post(target, form)
            except requests.RequestException as exc:  # the worker died under the request
                answer["error"] = exc

        paying = threading.Thread(target=pay)
        paying.start()
        worker = _paused_worker(tmp_path, "after_capture")
        os.kill(worker, signal.SIGKILL)
        paying.join(timeout=TIMEOUT)
        assert not paying.is_alive()
        # the customer saw an error page or a dropped connection, never a confirmation
        assert "error" in answer or answer["response"].status_code >= 500, answer

        order = Order.objects.select_related("payment").get()
        assert SandboxCharge.objects.get().status == "captured"  # the card is charged...
        assert order.state == 10 and order.payment.status == "submitted"  # ...and nothing of ours knows it
        assert not LedgerTransaction.objects.exists()

        intent = order.payment
        seen = []
        for minutes in (3, 10, 30):  # the worker's passes after ask_after, later and later
            with clock.frozen(clock.now() + dt.timedelta(minutes=minutes)):
                seen.append((payments_reconcile(), clock.now()))
            intent.refresh_from_db()
            if intent.status == "captured":
                break
        assert intent.status == "captured", (seen, intent.status, intent.updated_at)
        payments_reconcile()  # a second pass changes nothing

        # the customer presses "pay" again with the same page: shown the paid order, not charged again (a second
        # capture would stop at the pause point again and leave a second file behind)
        for stopped in tmp_path.iterdir():
            stopped.unlink()
        again = shopper.post(target, form)
        assert again.status_code == 302, again.status_code
        assert not list(tmp_path.iterdir())

    order = Order.objects.select_related("payment").get()
    assert (order.state, order.payment.status) == (1, "captured")
    assert SandboxCharge.objects.count() == 1 and SandboxCharge.objects.get().refunded_minor == 0
    assert LedgerTransaction.objects.filter(order=order, kind="sale").count() == order.suborders.count()
    assert Listing.objects.get(pk=offer.listing_id).quantity == 2
    for currency in LedgerEntry.objects.values_list("currency", flat=True).distinct():
        assert sum(LedgerEntry.objects.filter(currency=currency).values_list("amount_minor", flat=True)) == 0
