"""How many SQL statements one till sale costs: every clerk at every counter pays each round trip, 17 times a
second across the network (bench/till.py), so a change that adds one shows here. Transaction control (BEGIN,
COMMIT, savepoints) is left out: it differs between a test's wrapping transaction and production."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.checkout.counter import CounterLine, counter_sale
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import LocationStock, StockMovement
from remarket.orders.models import OrderHistory, OrderLine, Shipment

from .conftest import cash_sale

pytestmark = pytest.mark.django_db
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(CONTROL)]


def test_a_cash_sale_of_one_shelf_unit_costs_23_statements_on_postgresql_32_elsewhere(till):
    cash_sale(till)  # warms the tax and commission caches
    with CaptureQueriesContext(connection) as sale:
        done = cash_sale(till)
    statements = _statements(sale)
    # the clerk's location; the sale id's lock and record, and its order (checkout_key); the offer; order,
    # sub-order, lines, history and outbox, intent and hold, stock and its movement; the cash; settle without
    # locks (made in this transaction): intent, hold, lines read and moved, sub-order and order, ledger, outbox;
    # the hand-over: lines read under the sub-orders' lock, lines with sub-order and order, shipment with history
    # and outbox; the sale id's record
    together = connection.vendor == "postgresql"
    assert len(statements) == (23 if together else 32), "\n".join(statements)
    assert not [s for s in statements if 'FROM "markets_location"' in s][1:]  # the location is read once
    order = done.order
    assert (done.status, order.state) == ("paid", 9)
    assert list(OrderLine.objects.filter(suborder__order=order).values_list("state", flat=True)) == [3]
    assert Shipment.objects.filter(suborder__order=order).count() == 1
    assert OrderHistory.objects.filter(order=order, what="handed over at remarket New York — SoHo").count() == 1
    assert StockMovement.objects.filter(order_id=order.pk).count() == 1
    assert LocationStock.objects.get(location=till.nyc, listing=till.shelf).available == 1
    (sale_tx,) = LedgerTransaction.objects.filter(kind="sale", order=order)
    assert sum(sale_tx.entries.values_list("amount_minor", flat=True)) == 0


def test_a_basket_of_three_shelf_lines_costs_no_more_statements_than_one_on_postgresql(till, marketplace):
    from .conftest import shelf_listing

    more = [
        shelf_listing(marketplace.us, till.nyc, merchant=till.shelf.merchant, units=4, price_minor=10000 + i)
        for i in range(2)
    ]
    cash_sale(till)
    with CaptureQueriesContext(connection) as one:
        cash_sale(till)
    with CaptureQueriesContext(connection) as three:
        done = counter_sale(
            actor=till.actor,
            sale_id=uuid.uuid4(),
            lines=[CounterLine(till.shelf.pk, 1), *(CounterLine(l.pk, 2) for l in more)],
            tender="cash",
            cash_given_minor=200000,
        )
    assert done.status == "paid"
    # lines are written, moved and posted set-wise: no statement per basket line on PostgreSQL, where the shelf's
    # rows move in one statement too; elsewhere each shelf row is its own conditional update and movement row
    per_extra_line = 0 if connection.vendor == "postgresql" else 2
    assert len(_statements(three)) == len(_statements(one)) + 2 * per_extra_line, "\n".join(_statements(three))
    assert sorted(OrderLine.objects.filter(suborder__order=done.order).values_list("state", "quantity")) == [
        (3, 1),
        (3, 2),
        (3, 2),
    ]


def test_a_basket_short_of_one_shelf_unit_is_refused_naming_it_and_changes_nothing(till, marketplace):
    from remarket.core.errors import DomainError
    from remarket.orders.models import Order

    from .conftest import shelf_listing

    short = shelf_listing(marketplace.us, till.nyc, merchant=till.shelf.merchant, units=1, price_minor=10000)
    with pytest.raises(DomainError) as err:
        counter_sale(
            actor=till.actor,
            sale_id=uuid.uuid4(),
            lines=[CounterLine(till.shelf.pk, 2), CounterLine(short.pk, 2)],
            tender="cash",
            cash_given_minor=500000,
        )
    assert (err.value.code, err.value.details["listing_id"]) == ("STOCK_UNAVAILABLE", short.pk)
    on_hand = dict(LocationStock.objects.filter(location=till.nyc).values_list("listing_id", "available"))
    assert (on_hand[till.shelf.pk], on_hand[short.pk]) == (3, 1)
    assert (Order.objects.count(), StockMovement.objects.count()) == (0, 0)
