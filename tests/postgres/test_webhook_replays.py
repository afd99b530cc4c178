"""The provider's webhook replayed 20 times at once against gunicorn on PostgreSQL, with a copy whose body was
changed after signing among them: the order is paid once (one sale, one unit), every genuine copy is answered
2xx (a provider retries anything else), the changed one 401 and it changes nothing."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from remarket.checkout.services import Item, checkout_start
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.gateway import gateway
from remarket.payments.models import WebhookReceipt

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory
from .live import TIMEOUT, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AT_ONCE = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_a_webhook_replayed_20_times_at_once_over_http_settles_once():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    order = checkout_start(
        market=mp.fr, channel=mp.web_fr, items=[Item(offer.listing_id)], email="a@b.fr", shipping_address=ADDRESS_FR
    )
    intent = order.payment
    charged = gateway().authorize(
        intent_id=intent.pk, amount_minor=intent.amount_minor, currency=intent.currency, card_number=PAY_OK,
        capture=True,
    )  # fmt: skip
    body, signature = gateway().webhook_for(ref=charged.ref)  # the payer's own answer never arrived
    forged = json.dumps({**json.loads(body), "intent_id": intent.pk + 1000}).encode()
    header = gateway().signature_header
    deliveries = [body] * (AT_ONCE - 1) + [forged]

    with gunicorn(workers=3) as base:

        def deliver(payload: bytes) -> int:
            return requests.post(
                f"{base}/payments/webhook",
                data=payload,
                headers={header: signature, "Content-Type": "application/json"},
                timeout=TIMEOUT,
            ).status_code

        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            statuses = list(pool.map(deliver, deliveries))

    assert statuses[:-1] == [200] * (AT_ONCE - 1), statuses
    assert statuses[-1] == 401
    order = Order.objects.select_related("payment").get(pk=order.pk)
    assert (order.state, order.payment.status) == (1, "captured")
    assert LedgerTransaction.objects.filter(order=order, kind="sale").count() == order.suborders.count()
    assert Listing.objects.get(pk=offer.listing_id).quantity == 4
    assert WebhookReceipt.objects.count() == 1
