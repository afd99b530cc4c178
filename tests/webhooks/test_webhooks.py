"""Outbound webhooks end to end in one process: a merchant subscribes through /api/v1, a paid order and a shipment
make signed deliveries that a real receiver on 127.0.0.1 verifies; 500s and a timeout are retried with backoff and
logged; the attempts end in a failed delivery the owner replays; another merchant sees nothing."""

import datetime as dt

import pytest

from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.orders.services import suborder_accept, suborder_ship
from remarket.webhooks import signing
from remarket.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from remarket.webhooks.services import deliveries_send, subscription_create

from ..conftest import ADDRESS_FR, PAY_OK
from ..webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


def _api(client, token, method, path, body=None):
    call = getattr(client, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        return call(path, body, content_type="application/json", **kwargs)
    return call(path, **kwargs)


def _paid_order(marketplace, offer):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    return order


def _send_due(minutes: float = 0) -> None:
    with clock.frozen(clock.now() + dt.timedelta(minutes=minutes)):
        deliveries_send()


def test_a_subscribed_merchant_receives_signed_deliveries_retried_after_500s_and_a_timeout(
    client, marketplace, offer, merchant_token, merchant_user, settings
):
    made = _api(
        client, merchant_token, "post", "/api/v1/webhooks", {"url": "http://127.0.0.1:1/x", "topics": ["order.paid"]}
    )
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    sub = WebhookSubscription.objects.get()
    assert sub.merchant_id == merchant_user.merchant_id and sub.topics == ["order.paid"]

    settings.REMARKET = {**settings.REMARKET, "WEBHOOK_TIMEOUT_SECONDS": 1}
    with Receiver(secret=secret, script=[500, ("sleep", 2), 500]) as receiver:
        WebhookSubscription.objects.filter(pk=sub.pk).update(url=receiver.url)
        order = _paid_order(marketplace, offer)
        drain()  # the outbox handler makes the delivery, once
        drain()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.topic, delivery.state, delivery.event.topic) == ("order.paid", "pending", "order.paid")
        _send_due()  # 500
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.state, delivery.last_status_code) == (1, "pending", 500)
        assert delivery.next_attempt_at > clock.now()
        _send_due()  # not due yet: nothing sent
        assert len(receiver.received) == 1
        _send_due(minutes=1)  # the timeout
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, None, "timed out")
        _send_due(minutes=5)  # 500 again
        _send_due(minutes=10)  # 200
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 4, 200)
    assert [r["valid"] for r in receiver.received] == [True] * 4
    assert {r["id"] for r in receiver.received} == {str(delivery.pk)}
    body = receiver.received[-1]["body"]
    suborder = order.suborders.get()
    assert body["topic"] == "order.paid" and body["id"] == delivery.pk and body["event_id"] == delivery.event_id
    assert body["data"]["order_id"] == order.pk and body["data"]["suborder_ids"] == [suborder.pk]
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("id").values_list("status_code", "error"))
    assert log == [(500, "HTTP 500"), (None, "timed out"), (500, "HTTP 500"), (200, "")]

    listed = _api(client, merchant_token, "get", f"/api/v1/webhooks/{sub.pk}/deliveries").json()
    assert [(d["id"], d["state"], d["attempts"], d["last_status_code"]) for d in listed] == [
        (delivery.pk, "delivered", 4, 200)
    ]


def test_a_delivery_fails_after_its_attempts_and_its_owner_replays_it(
    client, marketplace, offer, merchant_token, merchant_actor, settings
):
    settings.REMARKET = {**settings.REMARKET, "WEBHOOK_MAX_ATTEMPTS": 2}
    with Receiver(script=[500, 500, 500]) as receiver:
        sub = subscription_create(actor=merchant_actor, url=receiver.url, topics=["suborder.shipped"])
        receiver.secret = sub.secret
        order = _paid_order(marketplace, offer)
        suborder = order.suborders.get()
        suborder_accept(actor=merchant_actor, suborder_id=suborder.pk)
        suborder_ship(actor=merchant_actor, suborder_id=suborder.pk, tracking_number="6A1", carrier="Colissimo")
        drain()
        delivery = WebhookDelivery.objects.get()  # order.paid is not among its topics
        assert delivery.topic == "suborder.shipped" and delivery.data["suborder_id"] == suborder.pk
        _send_due()
        _send_due(minutes=1)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", 2)
        _send_due(minutes=60)  # failed: nothing more is sent
        assert len(receiver.received) == 2

        replayed = _api(client, merchant_token, "post", f"/api/v1/webhooks/deliveries/{delivery.pk}/replay")
        assert replayed.status_code == 200 and replayed.json()["state"] == "pending", replayed.content
        _send_due()  # the third 500
        _send_due(minutes=1)  # 200
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 4 and all(r["valid"] for r in receiver.received)


def test_another_merchant_neither_sees_nor_replays_a_subscription(
    client, marketplace, offer, merchant_actor, other_merchant_user
):
    from remarket.accounts.services import api_token_issue

    sub = subscription_create(actor=merchant_actor, url="http://127.0.0.1:9/x", topics=["order.paid"])
    _paid_order(marketplace, offer)
    drain()
    delivery = WebhookDelivery.objects.get()
    other = api_token_issue(user=other_merchant_user, name="t")[1]
    assert _api(client, other, "get", "/api/v1/webhooks").json() == []
    assert _api(client, other, "get", f"/api/v1/webhooks/{sub.pk}/deliveries").status_code == 404
    assert _api(client, other, "post", f"/api/v1/webhooks/deliveries/{delivery.pk}/replay").status_code == 404
    assert _api(client, other, "delete", f"/api/v1/webhooks/{sub.pk}").status_code == 404
    # and the other merchant's own subscription hears nothing of this order
    mine = subscription_create(actor=Actor.of(other_merchant_user), url="http://127.0.0.1:9/y", topics=["order.paid"])
    assert not WebhookDelivery.objects.filter(subscription=mine).exists()
    assert WebhookSubscription.objects.filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://example.com/x", "topics": ["order.paid"]}, "WEBHOOK_URL_INVALID"),
        ({"url": "https://example.com/x", "topics": []}, "WEBHOOK_TOPICS_INVALID"),
        ({"url": "https://example.com/x", "topics": ["order.paid", "search.changed"]}, "WEBHOOK_TOPICS_INVALID"),
    ],
)
def test_a_bad_subscription_is_refused_with_its_code_and_nothing_made(client, merchant_token, body, code):
    answer = _api(client, merchant_token, "post", "/api/v1/webhooks", body)
    assert answer.status_code == 400 and answer.json()["code"] == code, answer.content
    assert not WebhookSubscription.objects.exists()


def test_production_takes_https_endpoints_only(merchant_actor, settings):
    settings.REMARKET = {**settings.REMARKET, "PROFILE": "production"}
    with pytest.raises(DomainError) as err:
        subscription_create(actor=merchant_actor, url="http://example.com/x", topics=["order.paid"])
    assert err.value.code == "WEBHOOK_URL_NOT_HTTPS" and not WebhookSubscription.objects.exists()
    assert subscription_create(actor=merchant_actor, url="https://example.com/x", topics=["order.paid"]).pk


def test_a_customer_cannot_subscribe(marketplace):
    from ..factories import UserFactory

    customer = Actor.of(UserFactory(role="customer"))
    with pytest.raises(DomainError):
        subscription_create(actor=customer, url="https://example.com/x", topics=["order.paid"])
    assert not WebhookSubscription.objects.exists()


def test_the_signature_covers_the_timestamp_and_the_body_and_ages():
    body = b'{"id":1}'
    signed = signing.signature(secret="whsec_k", timestamp=1000, body=body)
    assert signing.verify(secret="whsec_k", timestamp="1000", signed=signed, body=body, now=1100)
    assert not signing.verify(secret="whsec_k", timestamp="1000", signed=signed, body=b'{"id":2}', now=1100)
    assert not signing.verify(secret="whsec_k", timestamp="1001", signed=signed, body=body, now=1100)
    assert not signing.verify(secret="other", timestamp="1000", signed=signed, body=body, now=1100)
    assert not signing.verify(secret="whsec_k", timestamp="1000", signed=signed, body=body, now=1000 + 301)
