"""The Stripe gateway through the real checkout and payment services, against Stripe's stand-in."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from remarket.checkout.services import (
    Item,
    checkout_confirm_action,
    checkout_pay,
    checkout_settle,
    checkout_start,
    payment_webhook,
    payments_reconcile,
)
from remarket.core import clock
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.gateway import GatewayResult, gateway
from remarket.payments.models import PaymentIntent, Refund, WebhookReceipt
from remarket.payments.services import payment_intent_submit, refund_request, refunds_execute

from ..conftest import ADDRESS_FR

pytestmark = pytest.mark.django_db(transaction=True)


def start(marketplace, offer, quantity=1):
    return checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, quantity)],
        email="buyer@example.com",
        shipping_address=ADDRESS_FR,
    )


def fresh(order):
    return Order.objects.select_related("payment").get(pk=order.pk)


def snapshot(order):
    order = fresh(order)
    return (
        order.state,
        order.payment.status,
        order.payment.gateway_ref,
        order.payment.refunded_minor,
        Listing.objects.get(pk=order.suborders.first().lines.first().listing_id).quantity,
        LedgerTransaction.objects.filter(order=order).count(),
        WebhookReceipt.objects.count(),
    )


def post_webhook(body, header):
    return Client().post("/payments/webhook", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def assert_posts_carry_our_keys(standin):
    posts = [r for r in standin.requests if r["method"] == "POST"]
    assert posts and all(r["idempotency_key"].startswith("rmk-test-") for r in posts)


def test_an_approved_sale_pays_the_order_exactly_once(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_visa")
    assert (intent.status, fresh(order).state) == ("captured", 1)
    pi = standin.intents[intent.gateway_ref]
    assert (pi["status"], pi["amount"], pi["currency"], pi["capture_method"], pi["metadata"]) == (
        "succeeded",
        49900,
        "eur",
        "automatic",
        {"remarket_intent": str(intent.pk), "remarket_installation": "rmk-test-"},
    )
    checkout_pay(order=fresh(order), card_number="pm_card_visa")
    assert len(standin.intents) == 1 and LedgerTransaction.objects.filter(order=order).count() == 1
    assert [r["idempotency_key"] for r in standin.requests if r["method"] == "POST"] == [
        f"rmk-test-intent-{intent.pk}-authorize"
    ]
    assert_posts_carry_our_keys(standin)


def test_a_decline_fails_the_order_and_releases_stock(marketplace, offer, standin):
    order = start(marketplace, offer, 2)
    intent = checkout_pay(order=order, card_number="pm_card_chargeDeclined")
    assert (intent.status, intent.failure_code, fresh(order).state) == ("failed", "generic_decline", 8)
    assert Listing.objects.get(pk=offer.listing_id).quantity == 5
    assert not LedgerTransaction.objects.exists()
    assert_posts_carry_our_keys(standin)


def test_three_d_secure_requires_action_then_confirmed(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    assert intent.status == "requires_action" and fresh(order).state == 10
    standin.authenticate(intent.gateway_ref, success=True)
    assert checkout_confirm_action(order=fresh(order), success=True).status == "captured"
    assert fresh(order).state == 1
    assert_posts_carry_our_keys(standin)


def test_three_d_secure_abandoned_cancels_the_payment_intent(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    assert checkout_confirm_action(order=fresh(order), success=False).status == "voided"
    assert standin.intents[intent.gateway_ref]["status"] == "canceled"
    assert (fresh(order).state, Listing.objects.get(pk=offer.listing_id).quantity) == (8, 5)


def test_manual_capture_then_captured_by_checkout(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = fresh(order).payment
    assert payment_intent_submit(intent=intent)
    result = gateway().authorize(
        intent_id=intent.pk, amount_minor=intent.amount_minor, currency="EUR", card_number="pm_card_visa", capture=False
    )
    assert result.status == "authorized" and standin.intents[result.ref]["status"] == "requires_capture"
    checkout_settle(intent_id=intent.pk, result=result)
    assert checkout_pay(order=fresh(order), card_number="pm_card_visa").status == "captured"
    assert (standin.intents[result.ref]["status"], fresh(order).state) == ("succeeded", 1)
    assert gateway().capture(ref=result.ref) == GatewayResult("captured", result.ref)  # replayed, not doubled
    assert_posts_carry_our_keys(standin)


def test_a_refund_partial_then_the_rest(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_visa")
    with transaction.atomic():  # decided inside the business transaction, sent after it
        first = refund_request(intent_id=intent.pk, amount_minor=10000, reason="partial")
    assert refunds_execute() == 1
    assert (PaymentIntent.objects.get(pk=intent.pk).status, Refund.objects.get(pk=first.pk).status) == (
        "captured",
        "done",
    )
    with transaction.atomic():
        refund_request(intent_id=intent.pk, amount_minor=39900, reason="the rest")
    assert refunds_execute() == 1 and refunds_execute() == 0
    charge = standin.charges[standin.intents[intent.gateway_ref]["latest_charge"]]
    assert (charge["amount_refunded"], charge["refunded"]) == (49900, True)
    assert PaymentIntent.objects.get(pk=intent.pk).status == "refunded"
    assert_posts_carry_our_keys(standin)


def test_a_timeout_then_the_reconciler_finds_the_charge_by_our_reference(marketplace, offer, standin):
    order = start(marketplace, offer)
    standin.fail_next("drop_after")  # Stripe charged, the answer was lost
    intent = checkout_pay(order=order, card_number="pm_card_visa")
    assert (intent.status, intent.gateway_ref, fresh(order).state) == ("submitted", "", 10)
    assert len(standin.intents) == 1
    with clock.frozen(clock.now() + dt.timedelta(minutes=3)):
        payments_reconcile()
    assert (fresh(order).payment.status, fresh(order).state) == ("captured", 1)
    assert fresh(order).payment.gateway_ref == next(iter(standin.intents))
    assert [r["path"] for r in standin.requests] == ["/v1/payment_intents", "/v1/payment_intents/search"]


def test_a_hung_call_is_a_timeout_and_nothing_is_settled(marketplace, offer, standin):
    order = start(marketplace, offer)
    standin.fail_next("hang")
    intent = checkout_pay(order=order, card_number="pm_card_visa")
    assert (intent.status, fresh(order).state, standin.intents) == ("submitted", 10, {})


@pytest.mark.parametrize("tamper", ["bad_secret", "changed_body", "old_timestamp"])
def test_a_webhook_that_is_not_stripe_s_is_401_and_changes_nothing(marketplace, offer, standin, tamper):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    standin.authenticate(intent.gateway_ref, success=True)
    event = standin.events_for(intent.gateway_ref)[-1]
    body, header = standin.signed(
        event,
        secret="whsec_other" if tamper == "bad_secret" else None,
        timestamp=int(clock.now().timestamp()) - 600 if tamper == "old_timestamp" else None,
    )
    if tamper == "changed_body":
        body = body.replace(b'"livemode": false', b'"livemode": true')
    before = snapshot(order)
    response = post_webhook(body, header)
    assert (response.status_code, response.json()["code"]) == (401, "PAYMENT_WEBHOOK_SIGNATURE")
    assert snapshot(order) == before


def test_a_duplicated_event_changes_nothing_the_second_time(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    standin.authenticate(intent.gateway_ref, success=True)
    body, header = standin.signed(standin.events_for(intent.gateway_ref)[-1])
    assert post_webhook(body, header).status_code == 200
    after_first = snapshot(order)
    assert after_first[:2] == (1, "captured")
    assert post_webhook(body, header).status_code == 200
    assert snapshot(order) == after_first


def test_out_of_order_events_end_in_the_current_state(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    standin.authenticate(intent.gateway_ref, success=True)
    by_type = {e["type"]: e for e in standin.events_for(intent.gateway_ref)}
    stale = standin.forged_event(
        "payment_intent.processing", {**by_type["payment_intent.succeeded"]["data"]["object"], "status": "processing"}
    )
    for event in (by_type["payment_intent.succeeded"], by_type["payment_intent.requires_action"], stale):
        assert post_webhook(*standin.signed(event)).status_code == 200
        assert snapshot(order)[:2] == (1, "captured")
    assert LedgerTransaction.objects.filter(order=order).count() == 1


def test_a_forged_event_about_a_charge_that_never_happened_cannot_pay(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = fresh(order).payment
    forged = standin.forged_event(
        "payment_intent.succeeded",
        {
            "id": "pi_never",
            "object": "payment_intent",
            "status": "succeeded",
            "amount": 49900,
            "currency": "eur",
            "metadata": {"remarket_intent": str(intent.pk), "remarket_installation": "rmk-test-"},
        },
    )
    before = snapshot(order)
    assert payment_webhook(body=standin.signed(forged)[0], signature=standin.signed(forged)[1]) is None
    assert snapshot(order)[:6] == before[:6] and fresh(order).payment.status == "created"


def test_a_currency_whose_minor_units_stripe_reads_otherwise_is_refused(standin):
    result = gateway().authorize(intent_id=1, amount_minor=100, currency="ISK", card_number="pm_card_visa")
    assert (result, standin.requests) == (GatewayResult("failed", failure_code="currency_unsupported"), [])


def test_the_same_reference_with_another_card_replays_nothing_new(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = fresh(order).payment
    payment_intent_submit(intent=intent)
    first = gateway().authorize(
        intent_id=intent.pk, amount_minor=49900, currency="EUR", card_number="pm_card_visa", capture=True
    )
    again = gateway().authorize(
        intent_id=intent.pk, amount_minor=49900, currency="EUR", card_number="pm_card_mastercard", capture=True
    )
    assert first == again == GatewayResult("captured", first.ref) and len(standin.intents) == 1
    assert standin.requests[1]["idempotency_key"] == standin.requests[0]["idempotency_key"]


@pytest.mark.parametrize("how", ["drop", "error500"])
def test_an_unanswered_call_then_paying_again_charges_once(marketplace, offer, standin, how):
    order = start(marketplace, offer)
    standin.fail_next(how)
    assert checkout_pay(order=order, card_number="pm_card_visa").status == "submitted"
    assert (fresh(order).state, standin.intents) == (10, {})
    assert checkout_pay(order=fresh(order), card_number="pm_card_visa").status == "captured"
    assert len(standin.intents) == 1 and LedgerTransaction.objects.filter(order=order).count() == 1
    assert_posts_carry_our_keys(standin)


def test_search_lagging_never_fails_an_intent_before_its_hold_expired(marketplace, offer, standin):
    order = start(marketplace, offer)
    standin.search_lag = True
    standin.fail_next("drop_after")
    checkout_pay(order=order, card_number="pm_card_visa")
    with clock.frozen(clock.now() + dt.timedelta(minutes=3)):
        payments_reconcile()
    assert (fresh(order).payment.status, fresh(order).state) == ("submitted", 10)
    standin.index()
    with clock.frozen(clock.now() + dt.timedelta(minutes=4)):
        payments_reconcile()
    assert (fresh(order).payment.status, fresh(order).state) == ("captured", 1)


def test_three_d_secure_failed_in_the_browser_fails_the_order(marketplace, offer, standin):
    order = start(marketplace, offer)
    intent = checkout_pay(order=order, card_number="pm_card_authenticationRequired")
    standin.authenticate(intent.gateway_ref, success=False)
    intent = checkout_confirm_action(order=fresh(order), success=True)
    assert (intent.status, intent.failure_code) == ("failed", "payment_intent_authentication_failure")
    assert (fresh(order).state, Listing.objects.get(pk=offer.listing_id).quantity) == (8, 5)
