"""Till baskets over the same shelf, at once, on PostgreSQL: a location's rows move in one statement per basket
(offers/stock.py), locked in listing order, so baskets listing the same units in opposite orders neither
deadlock nor oversell, and each unit sold leaves one sale movement."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from remarket.checkout.counter import CounterLine, counter_sale
from remarket.core.errors import DomainError
from remarket.ledger.models import LedgerEntry
from remarket.offers.models import LocationStock
from remarket.offers.store_stock import store_stock_balance
from remarket.orders.models import Order

from ..conftest import build_marketplace
from ..pos.conftest import build_till, shelf_listing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def test_24_baskets_in_opposite_orders_sell_exactly_the_units_on_the_shelf():
    mp = build_marketplace()
    till = build_till(mp, shelf_units=5)
    second = shelf_listing(mp.us, till.nyc, merchant=till.shelf.merchant, units=5, price_minor=10000)

    def sell(n: int) -> str:
        pair = [CounterLine(till.shelf.pk, 1), CounterLine(second.pk, 1)]
        try:
            return counter_sale(
                actor=till.actor,
                sale_id=uuid.uuid4(),
                lines=pair if n % 2 else pair[::-1],
                tender="cash",
                cash_given_minor=200000,
            ).status
        except DomainError as err:
            return err.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(sell, range(24)))
    assert sorted(set(results)) == ["STOCK_UNAVAILABLE", "paid"]
    assert results.count("paid") == 5
    assert Order.objects.filter(state=9).count() == 5
    on_hand = dict(LocationStock.objects.filter(location=till.nyc).values_list("listing_id", "available"))
    assert (on_hand[till.shelf.pk], on_hand[second.pk]) == (0, 0)
    for listing in (till.shelf, second):  # the fixture shelved 5 of each without a movement: 5 sale movements out
        balance = store_stock_balance(location_id=till.nyc.pk, listing_id=listing.pk)
        assert (balance.moved_out, balance.on_hand) == (5, 0)
    assert sum(LedgerEntry.objects.values_list("amount_minor", flat=True)) == 0
