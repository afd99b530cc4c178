"""Kill the process at each named step of a purchase; after restart and reconciliation, payment and order agree
and no unit is lost or sold twice."""

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from remarket.checkout.services import Item, checkout_start, payments_reconcile
from remarket.core import clock
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.gateway import gateway

from ..conftest import ADDRESS_FR, build_marketplace, database_url
from ..factories import ListingFactory, ListingMarketFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django, sys
django.setup()
from remarket.orders.models import Order
from remarket.checkout.services import checkout_pay, payment_webhook
from remarket.payments.gateway import gateway
order = Order.objects.get(pk=int(sys.argv[1]))
if sys.argv[2] == "webhook":
    intent = order.payment
    auth = gateway().authorize(intent_id=intent.pk, amount_minor=intent.amount_minor, currency=intent.currency,
                               card_number="4242424242424242")
    gateway().capture(ref=auth.ref)
    body, signature = gateway().webhook_for(ref=auth.ref)
    payment_webhook(body=body, signature=signature)
else:
    checkout_pay(order=order, card_number="4242424242424242")
print("survived")
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "point, paid",
    [
        ("after_order_commit", False),
        ("after_authorize", True),
        ("after_capture", True),
        ("before_webhook_recorded", True),
    ],
)
def test_a_crash_at_any_step_is_settled_by_the_reconciler(point, paid):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    order = checkout_start(
        market=mp.fr, channel=mp.web_fr, items=[Item(offer.listing_id)], email="a@b.fr", shipping_address=ADDRESS_FR
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.test",
        "DATABASE_URL": database_url(),
        "REMARKET_CRASH_AT": point,
    }
    mode = "webhook" if point == "before_webhook_recorded" else "pay"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(order.pk), mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr  # it was killed at the crash point
    order.refresh_from_db()
    assert order.state == 10  # nothing recorded the outcome: the order still awaits payment

    started = clock.now()
    with clock.frozen(started + dt.timedelta(minutes=5)):
        payments_reconcile()
    if point in ("after_order_commit", "before_webhook_recorded"):
        # never submitted by us: the customer may still pay while the hold runs, so the reconciler waits
        assert Order.objects.get(pk=order.pk).state == 10
        with clock.frozen(started + dt.timedelta(minutes=16)):
            payments_reconcile()
    order = Order.objects.select_related("payment").get(pk=order.pk)
    charge = gateway().lookup(intent_id=order.payment.pk)
    if paid:
        assert (order.state, order.payment.status, charge.status) == (1, "captured", "captured")
        assert LedgerTransaction.objects.filter(order=order).count() == 1
        assert Listing.objects.get(pk=offer.listing_id).quantity == 2
    else:
        assert (order.state, order.payment.status, charge.status) == (8, "failed", "unknown")
        assert Listing.objects.get(pk=offer.listing_id).quantity == 3
    payments_reconcile()  # a second pass changes nothing
    assert LedgerTransaction.objects.filter(order=order).count() == (1 if paid else 0)
