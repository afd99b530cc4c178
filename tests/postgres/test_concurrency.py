"""Races on real PostgreSQL transactions: no oversell, no doubled payment, locking as designed."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent
from remarket.ledger.models import LedgerEntry
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.models import PaymentIntent

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BUYERS = 200


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_200_buyers_race_for_5_units_and_exactly_5_are_sold():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: _buy(mp, offer.listing_id), range(BUYERS)))
    assert results.count("captured") == 5
    assert results.count("STOCK_UNAVAILABLE") == BUYERS - 5
    assert Listing.objects.get(pk=offer.listing_id).quantity == 0
    assert Order.objects.filter(state=1).count() == 5
    assert PaymentIntent.objects.filter(status="captured").count() == 5
    assert not PaymentIntent.objects.filter(status="captured").exclude(order__state=1).exists()
    assert sum(LedgerEntry.objects.values_list("amount_minor", flat=True)) == 0


def _buy(mp, listing_id):
    try:
        order = checkout_start(market=mp.fr, channel=mp.web_fr, items=[Item(listing_id, 1)],
                               email="race@example.com", shipping_address=ADDRESS_FR)
        return checkout_pay(order=order, card_number=PAY_OK).status
    except DomainError as err:
        return err.code
    finally:
        connections.close_all()


def test_the_stock_statement_is_one_conditional_update():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    with CaptureQueriesContext(connection) as queries:
        checkout_start(market=mp.fr, channel=mp.web_fr, items=[Item(offer.listing_id, 2)], email="a@b.fr",
                       shipping_address=ADDRESS_FR)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "offers_listing"')]
    assert len(updates) == 1
    assert '"quantity" = ("offers_listing"."quantity" - 2)' in updates[0]
    assert '"offers_listing"."quantity" >= 2' in updates[0]


def test_concurrent_replays_of_one_idempotency_key_create_one_order():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=50))
    barrier = threading.Barrier(8)

    def attempt(_):
        barrier.wait()
        try:
            return idempotent(scope="user:1", route="checkout", key="same-key", body={"l": offer.listing_id},
                              run=lambda: (201, {"order": str(checkout_start(
                                  market=mp.fr, channel=mp.web_fr, items=[Item(offer.listing_id, 1)],
                                  email="a@b.fr", shipping_address=ADDRESS_FR).public_id)})).body["order"]
        except DomainError as err:
            return err.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    orders = {r for r in results if r != "IDEMPOTENCY_IN_PROGRESS"}
    assert len(orders) == 1 and Order.objects.count() == 1
    assert Listing.objects.get(pk=offer.listing_id).quantity == 49
