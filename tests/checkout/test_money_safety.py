"""Issue 11's findings, one test each, through the services and the pages: an intent's life (payments/services.py),
late captures refunded, one order per cart version, and holds that cannot be squatted."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db.models import Sum

from remarket.accounts.models import Role
from remarket.checkout.limits import Holder
from remarket.checkout.models import StockHold
from remarket.checkout.services import (
    Item,
    checkout_pay,
    checkout_settle,
    checkout_start,
    payment_webhook,
    payments_reconcile,
)
from remarket.core import clock
from remarket.core.errors import DomainError, TooManyRequests
from remarket.events.outbox import drain
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.offers.models import Listing, ListingMarket, LocationStock
from remarket.orders.models import Order
from remarket.payments.gateway import GatewayResult, gateway
from remarket.payments.models import PaymentIntent, Refund, SandboxCharge
from remarket.payments.sandbox import SandboxGateway

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)


def start(marketplace, offer, quantity=1, **kw):
    return checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, quantity)],
        email="buyer@example.com",
        shipping_address=ADDRESS_FR,
        **kw,
    )


def _ledger_sum() -> int:
    return LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] or 0


def test_an_order_paid_200_seconds_after_checkout_is_paid_although_the_reconciler_ran(marketplace, offer):
    """Finding 3: the reconciler used to fail any intent idle for two minutes; the hold says 15."""
    with clock.frozen(NOON):
        order = start(marketplace, offer)
        clock.advance(dt.timedelta(seconds=200))
        payments_reconcile()
        assert PaymentIntent.objects.get(order=order).status == "created"  # left alone: its hold still runs
        assert checkout_pay(order=Order.objects.get(pk=order.pk), card_number=PAY_OK).status == "captured"
    assert Order.objects.get(pk=order.pk).state == 1


def test_the_reconciler_asks_the_gateway_before_failing_a_submitted_intent(marketplace, offer):
    """Finding 2: a payer that read the intent, then the reconciler's sweep, then the payer's capture."""
    with clock.frozen(NOON):
        order = start(marketplace, offer)
        intent = order.payment
        # the payer marked it submitted and is inside the gateway call when the sweep runs 3 minutes on
        PaymentIntent.objects.filter(pk=intent.pk).update(status="submitted")
        clock.advance(dt.timedelta(minutes=3))
        payments_reconcile()
        assert PaymentIntent.objects.get(pk=intent.pk).status == "submitted"  # unknown to the gateway: not failed
        result = gateway().authorize(
            intent_id=intent.pk, amount_minor=intent.amount_minor, currency="EUR", card_number=PAY_OK, capture=True
        )
        checkout_settle(intent_id=intent.pk, result=result)
    assert (Order.objects.get(pk=order.pk).state, PaymentIntent.objects.get(pk=intent.pk).status) == (1, "captured")


def test_a_capture_arriving_for_a_failed_intent_is_refunded_with_its_ledger_and_a_mail(marketplace, offer):
    with clock.frozen(NOON):
        order = start(marketplace, offer)
        intent = order.payment
        PaymentIntent.objects.filter(pk=intent.pk).update(status="submitted")
        clock.advance(dt.timedelta(minutes=16))  # the hold expired and the gateway never heard of it
        payments_reconcile()
        assert (PaymentIntent.objects.get(pk=intent.pk).status, Order.objects.get(pk=order.pk).state) == ("failed", 8)
        assert Listing.objects.get(pk=offer.listing_id).quantity == 5  # the units went back on sale
        # the payer's call, slow, still charged the card
        result = gateway().authorize(
            intent_id=intent.pk, amount_minor=intent.amount_minor, currency="EUR", card_number=PAY_OK, capture=True
        )
        settled = checkout_settle(intent_id=intent.pk, result=result)
    assert settled.status == "captured" and Order.objects.get(pk=order.pk).state == 8  # money moved, no order
    refund = Refund.objects.get(intent=intent)
    assert (refund.amount_minor, refund.reason) == (intent.amount_minor, "capture_unhonoured")
    assert list(LedgerTransaction.objects.filter(order=order).values_list("kind", flat=True)) == ["capture_unhonoured"]
    payments_reconcile()  # the sweep sends what is pending (on_commit does in production)
    assert Refund.objects.get(pk=refund.pk).status == "done"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "refunded"
    assert SandboxCharge.objects.get(intent_id=intent.pk).status == "refunded"
    kinds = sorted(LedgerTransaction.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["capture_unhonoured", "customer_refund"] and _ledger_sum() == 0
    assert (
        not LedgerEntry.objects.filter(account="customer_refunds")
        .exclude(amount_minor=0)
        .aggregate(s=Sum("amount_minor"))["s"]
    )  # nothing owed to the customer any more
    drain()
    assert [m.subject for m in mail.outbox] == ["Votre paiement vous est remboursé"]  # a French market's customer
    assert mail.outbox[0].to == ["buyer@example.com"] and str(order.public_id) in mail.outbox[0].body
    payments_reconcile()  # a second pass refunds nothing more
    assert Refund.objects.filter(intent=intent).count() == 1


def test_answers_only_move_an_intent_forward(marketplace, offer):
    order = start(marketplace, offer)
    intent = order.payment
    checkout_settle(intent_id=intent.pk, result=GatewayResult("authorized", "ch_x"))
    # a stale "requires_action" and an "unknown" arrive after the authorization: nothing changes
    assert checkout_settle(intent_id=intent.pk, result=GatewayResult("requires_action", "ch_x")).status == "authorized"
    assert checkout_settle(intent_id=intent.pk, result=GatewayResult("unknown")).status == "authorized"
    assert checkout_settle(intent_id=intent.pk, result=GatewayResult("captured", "ch_x")).status == "captured"
    assert checkout_settle(intent_id=intent.pk, result=GatewayResult("failed", "ch_x")).status == "captured"
    assert Order.objects.get(pk=order.pk).state == 1


def test_a_payer_never_calls_the_gateway_for_an_intent_the_reconciler_settled(marketplace, offer):
    with clock.frozen(NOON):
        order = start(marketplace, offer)
        clock.advance(dt.timedelta(minutes=16))
        payments_reconcile()  # abandoned: never submitted, hold expired, the gateway knows nothing
        stale = Order.objects.get(pk=order.pk)
        stale.payment.status = "created"  # what a payer read just before the sweep
        assert checkout_pay(order=stale, card_number=PAY_OK).status == "failed"
    assert not SandboxCharge.objects.filter(intent_id=order.payment.pk).exists()  # no card was charged


def test_a_forged_webhook_cannot_pay_an_order_even_with_the_right_signature(marketplace, offer):
    """Finding 1, the second line of defence: the sandbox reads its own books, not the body."""
    import json

    from remarket.payments.sandbox import sign

    order = start(marketplace, offer)
    body = json.dumps({"id": "evt_forged", "intent_id": order.payment.pk, "status": "captured", "ref": "ch_x"}).encode()
    payment_webhook(body=body, signature=sign(body))
    assert (Order.objects.get(pk=order.pk).state, PaymentIntent.objects.get(order=order).status) == (10, "created")
    with pytest.raises(DomainError) as refused:
        payment_webhook(body=body.replace(b"evt_forged", b"evt_other"), signature="0" * 64)
    assert refused.value.code == "PAYMENT_WEBHOOK_SIGNATURE"


def test_a_webhook_about_a_payment_that_is_not_ours_is_acknowledged_and_ignored(marketplace, offer):
    import json

    from remarket.payments.sandbox import sign

    body = json.dumps({"id": "evt_1", "intent_id": 987654, "status": "captured"}).encode()
    assert payment_webhook(body=body, signature=sign(body)) is None


def test_the_same_cart_version_checked_out_twice_makes_one_order(marketplace, offer):
    first = start(marketplace, offer, checkout_key="web:session:abc:v1")
    again = start(marketplace, offer, checkout_key="web:session:abc:v1")
    assert (first.replayed, again.replayed, again.pk) == (False, True, first.pk)
    other = start(marketplace, offer, checkout_key="web:session:abc:v2")  # the cart changed: a new order
    assert other.pk != first.pk and Order.objects.count() == 2
    assert Listing.objects.get(pk=offer.listing_id).quantity == 3


def test_a_double_submitted_storefront_form_charges_once(client, marketplace, offer):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    page = client.get("/fr/checkout/").content.decode()
    version = re.search(r'name="cart_version" value="([0-9a-f]+)"', page).group(1)
    assert "data-submit-once" in page and "js/once.js" in page
    form = {**ADDRESS_FR, "email": "shopper@example.com", "card_number": PAY_OK, "cart_version": version}
    first, second = client.post("/fr/checkout/", form), client.post("/fr/checkout/", form)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Order.objects.count() == 1 and SandboxCharge.objects.count() == 1
    assert Order.objects.get().state == 1 and Listing.objects.get(pk=offer.listing_id).quantity == 4


def test_a_form_for_a_cart_that_changed_since_is_refused(client, marketplace, offer):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    form = {**ADDRESS_FR, "email": "shopper@example.com", "card_number": PAY_OK, "cart_version": "0123456789abcdef"}
    response = client.post("/fr/checkout/", form)
    assert response.status_code == 409 and 'data-code="CHECKOUT_CART_CHANGED"' in response.content.decode()
    assert not Order.objects.exists() and Listing.objects.get(pk=offer.listing_id).quantity == 5


def test_the_till_form_sent_twice_makes_one_sale(client, marketplace):
    first_party = MerchantFactory(is_first_party=True, name="remarket", slug="remarket")
    term = ListingMarket.objects.create(
        listing=ListingFactory(merchant=first_party, quantity=0),
        market=marketplace.us,
        currency="USD",
        price_minor=59900,
    )
    LocationStock.objects.create(location=marketplace.nyc, listing=term.listing, available=3)
    client.force_login(UserFactory(role=Role.CLERK, location=marketplace.nyc))
    page = client.get("/pos/").content.decode()
    token = re.search(r'name="sale_token" value="([0-9a-f]+)"', page).group(1)
    form = {"listing_id": term.listing_id, "quantity": 1, "card_number": PAY_OK, "sale_token": token}
    assert client.post("/pos/sell/", form).status_code == 302
    assert client.post("/pos/sell/", form).status_code == 302  # the same sale, already paid and handed over
    assert Order.objects.count() == 1 and SandboxCharge.objects.count() == 1
    assert LocationStock.objects.get().available == 2 and Order.objects.get().state == 9
    assert client.get("/pos/").content.decode().count('name="sale_token"') == 1  # a fresh form for the next sale
    assert re.search(r'name="sale_token" value="([0-9a-f]+)"', client.get("/pos/").content.decode()).group(1) != token


def test_one_buyer_cannot_hold_a_listings_whole_stock(marketplace):
    """Finding 5: five anonymous checkouts in a row reserved 100 units."""
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=100))
    squatter = Holder(session_key="s1", client_ip="203.0.113.7")
    with clock.frozen(NOON):
        for _ in range(2):
            start(marketplace, offer, 5, holder=squatter)
        with pytest.raises(TooManyRequests) as refused:
            start(marketplace, offer, 1, holder=squatter)
    assert refused.value.code == "CHECKOUT_HOLD_LIMIT" and refused.value.retry_after == 15 * 60
    assert Listing.objects.get(pk=offer.listing_id).quantity == 90 and Order.objects.count() == 2
    with pytest.raises(DomainError) as too_many:
        start(marketplace, offer, 11)
    assert too_many.value.code == "CHECKOUT_QUANTITY_INVALID"


def test_a_paid_hold_stops_counting_and_fresh_sessions_from_one_address_meet_the_address_limit(marketplace):
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=100))
    with clock.frozen(NOON):
        paid = start(marketplace, offer, 10, holder=Holder(session_key="s1"))
        checkout_pay(order=paid, card_number=PAY_OK)
        start(marketplace, offer, 10, holder=Holder(session_key="s1"))  # the paid one no longer holds anything
        for n in range(3):  # a new session each time, one address
            clock.advance(dt.timedelta(seconds=30))
            start(marketplace, offer, 10, holder=Holder(session_key=f"fresh{n}", client_ip="198.51.100.1"))
        with pytest.raises(TooManyRequests) as refused:
            start(marketplace, offer, 1, holder=Holder(session_key="fresh9", client_ip="198.51.100.1"))
    assert refused.value.code == "CHECKOUT_HOLD_LIMIT"
    assert StockHold.objects.filter(client_ip="198.51.100.1").aggregate(s=Sum("units"))["s"] == 30


def test_checkouts_a_minute_are_limited_and_the_page_says_when_to_retry(client, marketplace, settings):
    settings.REMARKET = {
        **settings.REMARKET,
        "CHECKOUT_LIMITS": {**settings.REMARKET["CHECKOUT_LIMITS"], "PER_MINUTE": 2},
    }
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=100))
    statuses = []
    with clock.frozen(NOON):
        for _ in range(3):
            client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
            response = client.post("/fr/checkout/", {**ADDRESS_FR, "email": "s@example.com", "card_number": PAY_OK})
            statuses.append(response.status_code)
    assert statuses == [302, 302, 429]
    assert response["Retry-After"] == "60" and 'data-code="CHECKOUT_RATE_LIMITED"' in response.content.decode()
    assert Order.objects.count() == 2


def test_the_api_answers_429_with_retry_after(client, marketplace, settings):
    settings.REMARKET = {
        **settings.REMARKET,
        "CHECKOUT_LIMITS": {**settings.REMARKET["CHECKOUT_LIMITS"], "PER_MINUTE_PER_IP": 1},
    }
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=100))
    body = {
        "market": "FR",
        "email": "a@example.com",
        "shipping_address": ADDRESS_FR,
        "items": [{"listing_id": offer.listing_id, "quantity": 1}],
    }
    assert client.post("/api/v1/checkout", body, content_type="application/json").status_code == 201
    refused = client.post("/api/v1/checkout", body, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (429, "CHECKOUT_RATE_LIMITED")
    assert 1 <= int(refused["Retry-After"]) <= 60 and Order.objects.count() == 1


def test_the_client_address_is_read_through_the_trusted_proxies_only(rf, settings):
    from remarket.core.http import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is the client's own say
    settings.REMARKET = {**settings.REMARKET, "TRUSTED_PROXIES": 1}
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client wrote before it


def test_the_sandbox_webhook_reports_what_its_books_say(marketplace, offer):
    order = start(marketplace, offer)
    checkout_pay(order=order, card_number=PAY_OK)
    charge = SandboxCharge.objects.get()
    body, signature = SandboxGateway().webhook_for(ref=charge.ref)
    event = SandboxGateway().verify_webhook(body=body, signature=signature)
    assert (event["intent_id"], event["status"], event["ref"]) == (order.payment.pk, "captured", charge.ref)


def test_webhooks_over_http_forged_replayed_or_changed_change_nothing(client, marketplace, offer):
    """Finding 1 through the webhook view: the repository's old constant signs nothing any more, a replay is a
    no-op, and a body changed after signing is refused."""
    import hashlib
    import hmac
    import json

    order = start(marketplace, offer)
    forged = json.dumps({"id": "evt_f", "intent_id": order.payment.pk, "status": "captured"}).encode()
    old_constant = hmac.new(b"sandbox-webhook-secret", forged, hashlib.sha256).hexdigest()
    refused = client.post("/payments/webhook", forged, content_type="application/json", HTTP_X_SIGNATURE=old_constant)
    assert (refused.status_code, refused.json()["code"]) == (401, "PAYMENT_WEBHOOK_SIGNATURE")
    assert PaymentIntent.objects.get(order=order).status == "created" and Order.objects.get(pk=order.pk).state == 10

    checkout_pay(order=Order.objects.get(pk=order.pk), card_number=PAY_OK)
    body, signature = SandboxGateway().webhook_for(ref=SandboxCharge.objects.get().ref)
    for _ in range(2):  # delivered, then replayed
        assert (
            client.post(
                "/payments/webhook", body, content_type="application/json", HTTP_X_SIGNATURE=signature
            ).status_code
            == 200
        )
    changed = body.replace(b'"captured"', b'"failed"')
    assert (
        client.post(
            "/payments/webhook", changed, content_type="application/json", HTTP_X_SIGNATURE=signature
        ).status_code
        == 401
    )
    assert (PaymentIntent.objects.get(order=order).status, Order.objects.get(pk=order.pk).state) == ("captured", 1)
    assert LedgerTransaction.objects.filter(order=order, kind="sale").count() == 1
