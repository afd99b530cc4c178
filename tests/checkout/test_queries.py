"""How many SQL statements one purchase costs (checkout_start, then checkout_pay with an approved card): each
round trip is paid by every buyer, so a change that adds one shows here. Transaction control (BEGIN, COMMIT,
savepoints) is left out: it differs between a test's wrapping transaction and production."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.checkout.services import Item, checkout_pay, checkout_start

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(CONTROL)]


def _buy(marketplace, offer):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, 1)],
        email="buyer@example.com",
        shipping_address=ADDRESS_FR,
    )
    return order


def test_one_purchase_costs_18_statements_on_postgresql_and_23_elsewhere(marketplace, offer):
    checkout_pay(order=_buy(marketplace, offer), card_number=PAY_OK)  # warms the tax and commission caches
    with CaptureQueriesContext(connection) as start:
        order = _buy(marketplace, offer)
    with CaptureQueriesContext(connection) as pay:
        assert checkout_pay(order=order, card_number=PAY_OK).status == "captured"
    # PostgreSQL writes rows that need no key back together with another insert (core/db.py insert_together):
    # the history line with the outbox event, the hold with the payment intent; and the sub-order's and the
    # order's new states in one statement (update_together); the ledger transaction with its entries
    # (insert_with_children)
    together = connection.vendor == "postgresql"
    # reserve and create: the offers with their shipping options (one read); order, sub-order, lines, history
    # and outbox, hold and intent; stock
    assert len(_statements(start)) == (7 if together else 9), _statements(start)
    assert _statements(start)[-1].startswith('UPDATE "offers_listing"')  # the stock row is locked last
    # the intent marked submitted (committed before the gateway is called: payments/services.py); the gateway's
    # one charge; settle: order lock (orders/selectors.py), intent lock (payments reads its own table only) and
    # update, hold, lines read and update, sub-order and order, ledger transaction and entries, history and outbox
    assert len(_statements(pay)) == (11 if together else 14), _statements(pay)
    assert _statements(pay)[0].startswith('UPDATE "payments_paymentintent"')
