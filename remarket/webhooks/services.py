"""Outbound webhooks: subscribing, the deliveries an event makes, sending them signed, and replaying one.

An event's deliveries are made by an outbox handler (handlers.py), so they are made once per event and committed
with its handler record; the sending job (jobs.py) then POSTs each, signed (signing.py), until the receiver answers
2xx: a failure (a status outside 2xx, a timeout, a refused connection) waits 10 s, 20 s, 40 s... at most an hour,
and the attempt that reaches WEBHOOK_MAX_ATTEMPTS leaves the delivery failed, replayable by its owner. Each POST
is logged (WebhookAttempt: status code, time). A delivery is leased while it is sent, so a worker killed mid-POST
leaves it to be sent again when the lease lapses: receivers see a delivery at least once and keep the ids they
have seen."""

import datetime as dt
import json
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.models import OutboxEvent

from . import signing
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .selectors import delivery_for, event_audience, subscription_for
from .topics import SUBSCRIBABLE

BATCH = 10


def _conf(name: str, default):
    return settings.REMARKET.get(name, default)


def _url_check(url: str) -> str:
    url = str(url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError("WEBHOOK_URL_INVALID", _("Give the full address of your endpoint, https://..."))
    if parts.scheme != "https" and _conf("PROFILE", "") == "production":
        raise DomainError("WEBHOOK_URL_NOT_HTTPS", _("Webhooks are sent over HTTPS only: give an https:// address."))
    return url


def _topics_check(topics: list[str]) -> list[str]:
    chosen = sorted(set(topics or []))
    unknown = [t for t in chosen if t not in SUBSCRIBABLE]
    if not chosen or unknown:
        raise DomainError(
            "WEBHOOK_TOPICS_INVALID",
            _("Choose at least one of the events offered."),
            {"unknown": unknown, "offered": list(SUBSCRIBABLE)},
        )
    return chosen


@transaction.atomic
def subscription_create(*, actor: Actor, url: str, topics: list[str]) -> WebhookSubscription:
    """A merchant's or a partner's new endpoint; its secret is returned here and shown to its owner once."""
    require(actor, "webhook.manage")
    url, topics = _url_check(url), _topics_check(topics)
    owner: dict[str, int]
    if actor.merchant_id:
        owner = {"merchant_id": actor.merchant_id}
    elif actor.partner_id:
        owner = {"partner_id": actor.partner_id}
    else:
        raise DomainError("WEBHOOK_NO_OWNER", _("Only a merchant's or a partner's account subscribes to webhooks."))
    if WebhookSubscription.objects.filter(**owner).count() >= _conf("WEBHOOK_MAX_SUBSCRIPTIONS", 10):
        raise DomainError("WEBHOOK_TOO_MANY", _("You have as many webhook subscriptions as allowed: delete one first."))
    return WebhookSubscription.objects.create(
        **owner,
        url=url,
        topics=topics,
        secret=signing.secret_new(),
        created_at=clock.now(),
    )


@transaction.atomic
def subscription_delete(*, actor: Actor, subscription_id: int) -> None:
    require(actor, "webhook.manage")
    subscription_for(actor=actor, subscription_id=subscription_id).delete()


@transaction.atomic
def delivery_replay(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, whatever its state: a fresh set of attempts, due now."""
    require(actor, "webhook.manage")
    delivery = delivery_for(actor=actor, delivery_id=delivery_id)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=clock.now(), lease_until=None
    )
    delivery.refresh_from_db()
    return delivery


def deliveries_create(*, event_id: int, topic: str, payload: dict) -> int:
    """The deliveries of one event to the active subscriptions it concerns (the outbox handler's body)."""
    now = clock.now()
    rows = []
    for merchant_id, partner_id, data in event_audience(topic=topic, payload=payload):
        owner = {"merchant_id": merchant_id} if merchant_id else {"partner_id": partner_id}
        for sub in WebhookSubscription.objects.filter(is_active=True, **owner):
            if topic in sub.topics:
                rows.append(
                    WebhookDelivery(
                        subscription=sub, event_id=event_id, topic=topic, data=data, next_attempt_at=now, created_at=now
                    )
                )
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 10 * 2 ** max(0, attempts - 1)))


def _claim() -> list[WebhookDelivery]:
    now = clock.now()
    timeout = float(_conf("WEBHOOK_TIMEOUT_SECONDS", 5))
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:BATCH]
        )
        # long enough for the whole batch to time out one by one
        WebhookDelivery.objects.filter(pk__in=due).update(
            lease_until=now + dt.timedelta(seconds=BATCH * (timeout + 1) + 30)
        )
    return list(WebhookDelivery.objects.filter(pk__in=due).select_related("subscription", "event").order_by("id"))


def _body(delivery: WebhookDelivery, event: OutboxEvent) -> bytes:
    return json.dumps(
        {
            "id": delivery.pk,
            "event_id": event.pk,
            "topic": delivery.topic,
            "created_at": event.created_at.isoformat(),
            "data": delivery.data,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def delivery_send(delivery: WebhookDelivery) -> bool:
    """POST one claimed delivery, signed now; log the attempt and move the delivery on. True when delivered."""
    body = _body(delivery, delivery.event)
    sub = delivery.subscription
    headers = signing.headers(secret=sub.secret, delivery_id=delivery.pk, timestamp=int(time.time()), body=body)
    started = time.monotonic()
    status, error = None, ""
    try:
        response = requests.post(
            sub.url,
            data=body,
            headers=headers,
            timeout=float(_conf("WEBHOOK_TIMEOUT_SECONDS", 5)),
            allow_redirects=False,
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except requests.Timeout:
        error = "timed out"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.monotonic() - started) * 1000)
    now = clock.now()
    ok = not error
    attempts = delivery.attempts + 1
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, at=now, status_code=status, duration_ms=duration, error=error)
        if ok:
            values = {"state": WebhookDelivery.State.DELIVERED, "delivered_at": now}
        elif attempts >= int(_conf("WEBHOOK_MAX_ATTEMPTS", 8)):
            values = {"state": WebhookDelivery.State.FAILED}
        else:
            values = {"next_attempt_at": now + backoff(attempts)}
        WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.PENDING).update(
            attempts=attempts,
            last_status_code=status,
            last_duration_ms=duration,
            last_error=error,
            lease_until=None,
            **values,
        )
    return ok


def deliveries_send() -> tuple[int, int]:
    """Send every due delivery, a batch at a time; returns (delivered, failed attempts)."""
    delivered = failed = 0
    while batch := _claim():
        for delivery in batch:
            if delivery_send(delivery):
                delivered += 1
            else:
                failed += 1
        if len(batch) < BATCH:
            break
    return delivered, failed
