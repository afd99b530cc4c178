"""Races on real PostgreSQL transactions: no oversell, no doubled payment, locking as designed."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent
from remarket.ledger.models import LedgerEntry, LedgerTransaction
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
        order = checkout_start(
            market=mp.fr,
            channel=mp.web_fr,
            items=[Item(listing_id, 1)],
            email="race@example.com",
            shipping_address=ADDRESS_FR,
        )
        return checkout_pay(order=order, card_number=PAY_OK).status
    except DomainError as err:
        return err.code
    finally:
        connections.close_all()


def test_the_stock_statement_is_one_conditional_update():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    with CaptureQueriesContext(connection) as queries:
        checkout_start(
            market=mp.fr,
            channel=mp.web_fr,
            items=[Item(offer.listing_id, 2)],
            email="a@b.fr",
            shipping_address=ADDRESS_FR,
        )
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
            return idempotent(
                scope="user:1",
                route="checkout",
                key="same-key",
                body={"l": offer.listing_id},
                run=lambda: (
                    201,
                    {
                        "order": str(
                            checkout_start(
                                market=mp.fr,
                                channel=mp.web_fr,
                                items=[Item(offer.listing_id, 1)],
                                email="a@b.fr",
                                shipping_address=ADDRESS_FR,
                            ).public_id
                        )
                    },
                ),
            ).body["order"]
        except DomainError as err:
            return err.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    orders = {r for r in results if r != "IDEMPOTENCY_IN_PROGRESS"}
    assert len(orders) == 1 and Order.objects.count() == 1
    assert Listing.objects.get(pk=offer.listing_id).quantity == 49


def _paid_order(mp, offer):
    order = checkout_start(
        market=mp.fr, channel=mp.web_fr, items=[Item(offer.listing_id, 1)], email="a@b.fr", shipping_address=ADDRESS_FR
    )
    return order


def test_the_same_webhook_delivered_8_times_at_once_settles_once():
    from remarket.checkout.services import payment_webhook
    from remarket.payments.gateway import gateway

    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    order = _paid_order(mp, offer)
    auth = gateway().authorize(
        intent_id=order.payment.pk, amount_minor=order.total_minor, currency="EUR", card_number=PAY_OK
    )
    gateway().capture(ref=auth.ref)
    body, signature = gateway().webhook_for(ref=auth.ref)
    barrier = threading.Barrier(8)

    def deliver(_):
        barrier.wait()
        try:
            payment_webhook(body=body, signature=signature)
            return "ok"
        except Exception as err:  # a concurrent duplicate may lose the race on the receipt's unique key
            return type(err).__name__
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(deliver, range(8)))
    order.refresh_from_db()
    assert order.state == 1
    assert LedgerTransaction.objects.filter(order=order, kind="sale").count() == 1  # one sale, not eight
    assert Listing.objects.get(pk=offer.listing_id).quantity == 4


def test_the_same_order_update_sent_8_times_at_once_applies_once(client):
    from remarket.accounts.models import Role
    from remarket.accounts.services import api_token_issue
    from remarket.orders.models import OrderHistory, Shipment, SubOrder

    from ..factories import UserFactory

    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))
    order = _paid_order(mp, offer)
    checkout_pay(order=order, card_number=PAY_OK)
    sub = SubOrder.objects.get(order=order)
    token = api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=offer.listing.merchant), name="t")[1]
    from django.test import Client

    Client().post(f"/api/v1/merchant/orders/{sub.pk}/accept", HTTP_AUTHORIZATION=f"Bearer {token}")
    barrier = threading.Barrier(8)

    def ship(_):
        barrier.wait()
        try:
            response = Client().post(
                f"/api/v1/merchant/orders/{sub.pk}/ship",
                {"tracking_number": "6A123", "carrier": "Colissimo"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY="ship-once",
            )
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(ship, range(8)))
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert Shipment.objects.filter(suborder=sub).count() == 1
    assert OrderHistory.objects.filter(suborder=sub, what__startswith="shipped").count() == 1
