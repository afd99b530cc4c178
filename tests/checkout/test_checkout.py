import datetime as dt

import pytest
from django.db.models import Sum

from remarket.checkout.models import StockHold
from remarket.checkout.services import (
    Item,
    checkout_confirm_action,
    checkout_pay,
    checkout_settle,
    checkout_start,
    holds_reclaim,
    payment_webhook,
    payments_reconcile,
)
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.offers.models import Listing
from remarket.orders.models import Order, OrderLine
from remarket.payments.gateway import GatewayResult, gateway
from remarket.payments.models import PaymentIntent

from ..conftest import ADDRESS_FR, PAY_3DS, PAY_DECLINED, PAY_OK, PAY_TIMEOUT

pytestmark = pytest.mark.django_db


def start(marketplace, offer, quantity=1, **kw):
    return checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, quantity)],
        email="Buyer@Example.com",
        shipping_address=ADDRESS_FR,
        **kw,
    )


def test_order_exists_awaiting_payment_before_money_moves(marketplace, offer):
    order = start(marketplace, offer, 2)
    assert (order.state, order.total_minor, order.email) == (10, 2 * 49900, "buyer@example.com")
    assert list(OrderLine.objects.filter(suborder__order=order).values_list("state", flat=True)) == [8]
    assert order.payment.status == "created" and order.payment.amount_minor == 99800
    assert Listing.objects.get(pk=offer.listing_id).quantity == 3
    assert order.shipping_address["phone"] == "+33612345678"


def test_paid_order_writes_a_balanced_ledger_and_consumes_the_hold(marketplace, offer):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number=PAY_OK)
    order.refresh_from_db()
    assert intent.status == "captured" and order.state == 1
    assert StockHold.objects.get(order=order).outcome == "sold"
    entries = LedgerEntry.objects.filter(transaction__order=order)
    assert entries.aggregate(s=Sum("amount_minor"))["s"] == 0
    # a French merchant sells to France under standard VAT (20 %, inside the price): 499.00 = 415.83 + 83.17
    assert sorted(entries.values_list("account", "line", "amount_minor")) == [
        ("commission_revenue", "commission", -4990),
        ("gateway_clearing", "sale", 49900),
        ("merchant_payable", "commission", 4990),
        ("merchant_payable", "sale", -41583),
        ("merchant_payable", "tax", -8317),
    ]
    assert Listing.objects.get(pk=offer.listing_id).quantity == 4


def test_paying_twice_changes_nothing(marketplace, offer):
    order = start(marketplace, offer)
    checkout_pay(order=order, card_number=PAY_OK)
    checkout_pay(order=Order.objects.get(pk=order.pk), card_number=PAY_OK)
    assert LedgerTransaction.objects.filter(order=order).count() == 1


def test_declined_card_leaves_order_unpaid_and_units_back(marketplace, offer):
    order = start(marketplace, offer, 2)
    intent = checkout_pay(order=order, card_number=PAY_DECLINED)
    order.refresh_from_db()
    assert (intent.status, intent.failure_code, order.state) == ("failed", "card_declined", 8)
    assert Listing.objects.get(pk=offer.listing_id).quantity == 5
    assert not LedgerEntry.objects.exists()


def test_three_d_secure_step_extends_the_hold_then_pays(marketplace, offer):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        order = start(marketplace, offer)
        clock.advance(dt.timedelta(minutes=10))
        assert checkout_pay(order=order, card_number=PAY_3DS).status == "requires_action"
        assert StockHold.objects.get(order=order).expires_at == clock.now() + dt.timedelta(minutes=15)
        clock.advance(dt.timedelta(minutes=10))
        assert holds_reclaim() == 0
        assert checkout_confirm_action(order=Order.objects.get(pk=order.pk), success=True).status == "captured"


def test_lapsed_hold_is_reclaimed_and_a_late_payment_retakes_the_units(marketplace, offer):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        order = start(marketplace, offer, 5)
        assert Listing.objects.get(pk=offer.listing_id).quantity == 0
        clock.advance(dt.timedelta(minutes=16))
        assert holds_reclaim() == 1
        assert Listing.objects.get(pk=offer.listing_id).quantity == 5
        checkout_pay(order=Order.objects.get(pk=order.pk), card_number=PAY_OK)
    order.refresh_from_db()
    assert order.state == 1 and Listing.objects.get(pk=offer.listing_id).quantity == 0


def test_late_payment_without_stock_is_refunded_by_the_reconciler(marketplace, offer):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        first = start(marketplace, offer, 5)
        clock.advance(dt.timedelta(minutes=16))
        holds_reclaim()
        second = start(marketplace, offer, 5)
        checkout_pay(order=second, card_number=PAY_OK)
        checkout_pay(order=Order.objects.get(pk=first.pk), card_number=PAY_OK)
        first.refresh_from_db()
        assert first.state == 8 and first.payment.status == "captured"
        clock.advance(dt.timedelta(minutes=5))
        payments_reconcile()
    assert PaymentIntent.objects.get(order=first).status == "refunded"
    assert Listing.objects.get(pk=offer.listing_id).quantity == 0


def test_gateway_timeout_is_settled_by_the_reconciler(marketplace, offer):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        order = start(marketplace, offer)
        assert checkout_pay(order=order, card_number=PAY_TIMEOUT).status == "submitted"  # only the gateway knows
        clock.advance(dt.timedelta(minutes=3))
        assert payments_reconcile() == 1
    order.refresh_from_db()
    assert (order.state, order.payment.status) == (1, "captured")


def test_duplicate_and_late_webhooks_change_nothing_more(marketplace, offer):
    order = start(marketplace, offer)
    auth = gateway().authorize(
        intent_id=order.payment.pk, amount_minor=order.total_minor, currency="EUR", card_number=PAY_OK
    )
    gateway().capture(ref=auth.ref)
    body, signature = gateway().webhook_for(ref=auth.ref)
    payment_webhook(body=body, signature=signature)
    payment_webhook(body=body, signature=signature)
    body2, signature2 = gateway().webhook_for(ref=auth.ref)  # a second event about the same capture
    payment_webhook(body=body2, signature=signature2)
    order.refresh_from_db()
    assert order.state == 1 and LedgerTransaction.objects.filter(order=order).count() == 1


def test_forged_webhook_is_refused(marketplace, offer):
    order = start(marketplace, offer)
    with pytest.raises(DomainError) as err:
        payment_webhook(
            body=b'{"id": "x", "intent_id": %d, "status": "captured"}' % order.payment.pk, signature="0" * 64
        )
    assert err.value.code == "PAYMENT_WEBHOOK_SIGNATURE"
    assert Order.objects.get(pk=order.pk).state == 10


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("email", "not-an-email", "CHECKOUT_EMAIL_INVALID"),
        ("postal_code", "7500", "CHECKOUT_POSTCODE_INVALID"),
        ("phone", "12", "CHECKOUT_PHONE_INVALID"),
        ("country", "DE", "CHECKOUT_SHIP_TO_COUNTRY"),
        ("city", "", "CHECKOUT_ADDRESS_INCOMPLETE"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(marketplace, offer, field, value, code):
    address = {**ADDRESS_FR}
    email = "buyer@example.com"
    if field == "email":
        email = value
    else:
        address[field] = value
    with pytest.raises(DomainError) as err:
        checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id, 1)],
            email=email,
            shipping_address=address,
        )
    assert err.value.code == code
    assert not Order.objects.exists() and Listing.objects.get(pk=offer.listing_id).quantity == 5


def test_more_than_available_is_refused_whole(marketplace, offer):
    with pytest.raises(DomainError) as err:
        start(marketplace, offer, 6)
    assert err.value.code == "STOCK_UNAVAILABLE"
    assert not Order.objects.exists() and Listing.objects.get(pk=offer.listing_id).quantity == 5


def test_unknown_offer_is_not_found(marketplace, offer):
    with pytest.raises(DomainError) as err:
        checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(999999, 1)],
            email="a@b.fr",
            shipping_address=ADDRESS_FR,
        )
    assert (err.value.code, err.value.status) == ("OFFER_NOT_FOUND", 404)


def test_gateway_refuses_to_run_inside_a_transaction(marketplace, offer):
    from django.db import transaction

    order = start(marketplace, offer)
    with transaction.atomic(), pytest.raises(RuntimeError):
        checkout_pay(order=order, card_number=PAY_OK)


def test_paid_order_feeds_the_gmv_rollup_once(marketplace, offer):
    from remarket.analytics.models import GmvRollup, SaleFact

    order = start(marketplace, offer)
    checkout_pay(order=order, card_number=PAY_OK)
    assert drain() >= 1
    assert drain() == 0
    fact = SaleFact.objects.get()
    assert (fact.gmv_minor, fact.gmv_eur_minor, fact.channel_kind, fact.co2e_avoided_g) == (49900, 49900, "web", 49517)
    rollup = GmvRollup.objects.get()
    assert (rollup.orders, rollup.units, rollup.gmv_eur_minor) == (1, 1, 49900)


def test_settle_is_idempotent(marketplace, offer):
    order = start(marketplace, offer)
    checkout_settle(intent_id=order.payment.pk, result=GatewayResult("failed", "ref1", "card_declined"))
    checkout_settle(intent_id=order.payment.pk, result=GatewayResult("failed", "ref1", "card_declined"))
    assert Listing.objects.get(pk=offer.listing_id).quantity == 5


def test_each_merchant_sub_order_ships_with_a_chosen_option(marketplace):
    from remarket.checkout.shipping import Choice, suborder_options
    from remarket.offers.models import ShippingOption

    from ..factories import ListingFactory, ListingMarketFactory

    a = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=3))
    b = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=3))
    ShippingOption.objects.create(terms=a, carrier="Colissimo", price_minor=499, delay_days=2)
    ShippingOption.objects.create(terms=a, carrier="Chronopost", price_minor=990, delay_days=1)
    with pytest.raises(DomainError) as err:
        checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(a.listing_id)],
            email="a@b.fr",
            shipping_address=ADDRESS_FR,
            shipping_choice={a.listing.merchant_id: "DHL"},
        )
    assert err.value.code == "CHECKOUT_SHIPPING_UNKNOWN" and not Order.objects.exists()
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(a.listing_id), Item(b.listing_id)],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
        shipping_choice={a.listing.merchant_id: "chronopost"},
    )
    subs = {s.merchant_id: s for s in order.suborders.all()}
    assert (subs[a.listing.merchant_id].shipping_carrier, subs[a.listing.merchant_id].shipping_minor) == (
        "Chronopost",
        990,
    )
    assert (subs[b.listing.merchant_id].shipping_carrier, subs[b.listing.merchant_id].shipping_minor) == ("Standard", 0)
    assert order.total_minor == 2 * 49900 + 990 == sum(s.total_minor for s in subs.values())
    assert order.payment.amount_minor == order.total_minor
    assert suborder_options([[("UPS", 500, 2)], [("DHL", 300, 4)]]) == [Choice("Several parcels", 800, 4)]


def test_units_of_a_lapsed_hold_are_reclaimed_lazily_by_the_next_buyer(marketplace, offer):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        first = start(marketplace, offer, 5)
        clock.advance(dt.timedelta(minutes=16))  # the worker has not run
        second = start(marketplace, offer, 5)
    assert StockHold.objects.get(order=first).outcome == "expired"
    assert second.state == 10 and Listing.objects.get(pk=offer.listing_id).quantity == 0
