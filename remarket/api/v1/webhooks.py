"""Outbound webhooks for integrators: a merchant's or a partner's subscriptions, their deliveries and a replay
(remarket/webhooks decides; the signing scheme is in the router's description and webhooks/signing.py)."""

import datetime as dt

from ninja import Router
from ninja.decorators import decorate_view
from ninja.responses import Status

from remarket.core.replica import replica_reads
from remarket.webhooks.models import WebhookDelivery, WebhookSubscription
from remarket.webhooks.selectors import deliveries_for, subscription_for, subscriptions_for
from remarket.webhooks.services import delivery_replay, subscription_create, subscription_delete
from remarket.webhooks.topics import topic_choices

from .auth import TokenAuth
from .schemas import Error, Plain

SIGNING = (
    "Each delivery is a POST of JSON `{id, event_id, topic, created_at, data}` with the headers "
    "`Remarket-Webhook-Id` (the delivery's id, the same on every retry: ignore one you have seen), "
    "`Remarket-Webhook-Timestamp` (Unix seconds of this attempt) and `Remarket-Webhook-Signature: v1=<hex>`, the "
    "HMAC-SHA256 of `<timestamp>.<raw body>` keyed by the subscription's secret. Verify it in constant time and "
    "refuse a timestamp more than 300 s from your clock. Answer 2xx within 5 s; anything else is retried after "
    "10 s, 20 s, 40 s... (at most an hour apart, 8 attempts), then the delivery is failed until you replay it."
)
router = Router(tags=["webhooks"], auth=TokenAuth())


class TopicOut(Plain):
    topic: str
    label: str


class SubscriptionIn(Plain):
    url: str
    topics: list[str]


class SubscriptionOut(Plain):
    id: int
    url: str
    topics: list[str]
    is_active: bool
    created_at: dt.datetime


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str  # shown once: keep it to verify the signatures


class DeliveryOut(Plain):
    id: int
    subscription_id: int
    event_id: int
    topic: str
    state: str  # pending, delivered, failed
    attempts: int
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_duration_ms: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


def _sub(s: WebhookSubscription) -> dict:
    return {"id": s.pk, "url": s.url, "topics": s.topics, "is_active": s.is_active, "created_at": s.created_at}


def _delivery(d: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        subscription_id=d.subscription_id,
        event_id=d.event_id,
        topic=d.topic,
        state=d.state,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status_code=d.last_status_code,
        last_duration_ms=d.last_duration_ms,
        last_error=d.last_error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )


@router.get("/webhooks/topics", response=list[TopicOut], auth=None, description=SIGNING)
def topics(request):
    """The events one may subscribe to, with their labels."""
    return [TopicOut(topic=t, label=label) for t, label in topic_choices()]


@router.get("/webhooks", response={200: list[SubscriptionOut], 403: Error})
@decorate_view(replica_reads)
def subscriptions(request):
    return [SubscriptionOut(**_sub(s)) for s in subscriptions_for(actor=request.actor)]


@router.post(
    "/webhooks", response={201: SubscriptionCreatedOut, 400: Error, 403: Error, 422: Error}, description=SIGNING
)
def subscribe(request, payload: SubscriptionIn):
    """Subscribe an endpoint of yours to some events; the answer holds its signing secret, shown this once."""
    s = subscription_create(actor=request.actor, url=payload.url, topics=payload.topics)
    return Status(201, SubscriptionCreatedOut(**_sub(s), secret=s.secret))


@router.get("/webhooks/{subscription_id}", response={200: SubscriptionOut, 404: Error})
@decorate_view(replica_reads)
def subscription(request, subscription_id: int):
    return SubscriptionOut(**_sub(subscription_for(actor=request.actor, subscription_id=subscription_id)))


@router.delete("/webhooks/{subscription_id}", response={204: None, 403: Error, 404: Error})
def unsubscribe(request, subscription_id: int):
    subscription_delete(actor=request.actor, subscription_id=subscription_id)
    return Status(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response={200: list[DeliveryOut], 404: Error})
@decorate_view(replica_reads)
def deliveries(request, subscription_id: int):
    """The subscription's latest 100 deliveries, the newest first, with the receiver's last answer."""
    subscription_for(actor=request.actor, subscription_id=subscription_id)
    return [_delivery(d) for d in deliveries_for(actor=request.actor, subscription_id=subscription_id)]


@router.post("/webhooks/deliveries/{delivery_id}/replay", response={200: DeliveryOut, 403: Error, 404: Error})
def replay(request, delivery_id: int):
    """Send a delivery again, whatever its state, with a fresh set of attempts."""
    return _delivery(delivery_replay(actor=request.actor, delivery_id=delivery_id))
