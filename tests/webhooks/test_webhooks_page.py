"""The merchant back office's webhooks page: subscribe (the secret shown once), see deliveries with their answer,
replay one, delete a subscription; refused input shows its code and makes nothing; another merchant's are 404."""

import pytest

from remarket.webhooks.models import WebhookDelivery, WebhookSubscription
from remarket.webhooks.services import subscription_create

pytestmark = pytest.mark.django_db


def test_a_merchant_subscribes_sees_the_secret_once_and_replays_a_delivery(client, merchant_user, merchant_actor):
    merchant_user.language = "en"  # the French merchant reads its back office in English here
    merchant_user.save(update_fields=["language"])
    client.force_login(merchant_user)
    page = client.get("/merchant/webhooks/")
    assert page.status_code == 200 and b"Order paid" in page.content and b"Order lines shipped" in page.content
    made = client.post("/merchant/webhooks/", {"url": "https://erp.example.com/hook", "topics": ["order.paid"]})
    sub = WebhookSubscription.objects.get()
    assert made.status_code == 200 and sub.secret.encode() in made.content
    assert sub.topics == ["order.paid"] and sub.merchant_id == merchant_user.merchant_id
    assert sub.secret.encode() not in client.get("/merchant/webhooks/").content  # once

    from remarket.core import clock
    from remarket.events.models import OutboxEvent

    event = OutboxEvent.objects.create(topic="order.paid", payload={}, created_at=clock.now(), available_at=clock.now())
    delivery = WebhookDelivery.objects.create(
        subscription=sub,
        event=event,
        topic="order.paid",
        data={},
        state="failed",
        attempts=8,
        last_status_code=503,
        last_duration_ms=41,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )
    html = client.get("/merchant/webhooks/").content.decode()
    assert f'data-delivery="{delivery.pk}"' in html and "Failed after every attempt" in html and "503" in html
    replayed = client.post(f"/merchant/webhooks/deliveries/{delivery.pk}/replay/")
    assert replayed.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)

    gone = client.post(f"/merchant/webhooks/{sub.pk}/delete/")
    assert gone.status_code == 302 and not WebhookSubscription.objects.exists()


def test_a_refused_subscription_shows_its_code_and_makes_nothing(client, merchant_user):
    client.force_login(merchant_user)
    refused = client.post("/merchant/webhooks/", {"url": "not an address", "topics": ["order.paid"]})
    assert refused.status_code == 400 and b"WEBHOOK_URL_INVALID" in refused.content
    refused = client.post("/merchant/webhooks/", {"url": "https://erp.example.com/hook"})
    assert refused.status_code == 400 and b"WEBHOOK_TOPICS_INVALID" in refused.content
    assert not WebhookSubscription.objects.exists()


def test_another_merchants_subscription_is_not_found(client, merchant_actor, other_merchant_user):
    sub = subscription_create(actor=merchant_actor, url="https://a.example.com/h", topics=["order.paid"])
    client.force_login(other_merchant_user)
    assert f'data-subscription="{sub.pk}"' not in client.get("/merchant/webhooks/").content.decode()
    assert client.post(f"/merchant/webhooks/{sub.pk}/delete/").status_code == 404
    assert WebhookSubscription.objects.filter(pk=sub.pk).exists()
