"""Reads of the webhooks: who an event concerns, a caller's subscriptions and deliveries, the counts by state."""

from django.db.models import Count
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor
from remarket.aftersales.models import ReturnRequest, WarrantyClaim
from remarket.buyback.models import TradeIn
from remarket.core.errors import NotFound
from remarket.orders.models import Order, SubOrder

from .models import WebhookDelivery, WebhookSubscription


def _owner_filter(actor: Actor) -> dict:
    if actor.merchant_id:
        return {"merchant_id": actor.merchant_id}
    if actor.partner_id:
        return {"partner_id": actor.partner_id}
    return {"pk__in": []}


def subscriptions_for(*, actor: Actor) -> list[WebhookSubscription]:
    return list(WebhookSubscription.objects.filter(**_owner_filter(actor)).order_by("id"))


def subscription_for(*, actor: Actor, subscription_id: int) -> WebhookSubscription:
    found = WebhookSubscription.objects.filter(pk=subscription_id, **_owner_filter(actor)).first()
    if found is None:
        raise NotFound("WEBHOOK_NOT_FOUND", _("There is no such webhook subscription."))
    return found


def deliveries_for(*, actor: Actor, subscription_id: int | None = None, limit: int = 100) -> list[WebhookDelivery]:
    owner = {f"subscription__{k}": v for k, v in _owner_filter(actor).items()}
    found = WebhookDelivery.objects.filter(**owner).select_related("subscription")
    if subscription_id is not None:
        found = found.filter(subscription_id=subscription_id)
    return list(found.order_by("-id")[:limit])


def delivery_for(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    owner = {f"subscription__{k}": v for k, v in _owner_filter(actor).items()}
    found = WebhookDelivery.objects.filter(pk=delivery_id, **owner).first()
    if found is None:
        raise NotFound("WEBHOOK_DELIVERY_NOT_FOUND", _("There is no such webhook delivery."))
    return found


def webhook_stats() -> dict[str, int]:
    counts = dict(WebhookDelivery.objects.values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in WebhookDelivery.State.values}


Audience = list[tuple[int | None, int | None, dict]]  # (merchant id, partner id, the data they are sent)


def _order_partner(order_id: int) -> int | None:
    return Order.objects.filter(pk=order_id).values_list("location__channel__partner_id", flat=True).first()


def event_audience(*, topic: str, payload: dict) -> Audience:
    """Who an event concerns and what each is sent: a merchant hears of its own sub-orders only."""
    if topic == "order.paid":
        subs = list(SubOrder.objects.filter(order_id=payload["order_id"]).values_list("pk", "merchant_id"))
        by_merchant: dict[int, list[int]] = {}
        for pk, merchant_id in subs:
            by_merchant.setdefault(merchant_id, []).append(pk)
        audience: Audience = [(m, None, {**payload, "suborder_ids": ids}) for m, ids in by_merchant.items()]
        partner = _order_partner(payload["order_id"])
        if partner:
            audience.append((None, partner, {**payload, "suborder_ids": [s for s, _ in subs]}))
        return audience
    if topic == "payout.made":
        return [(payload["merchant_id"], None, payload)]
    if topic == "partner_payout.made":
        return [(None, payload["partner_id"], payload)]
    if topic.startswith("tradein."):
        found = TradeIn.objects.filter(pk=payload["trade_in_id"]).values("merchant_id", "reference", "status").first()
        if found is None:
            return []
        data = {**payload, "reference": found["reference"], "status": payload.get("status", found["status"])}
        return [(found["merchant_id"], None, data)]
    sub_id: int | None
    if topic.startswith("suborder."):
        sub_id = payload["suborder_id"]
    elif topic.startswith("return."):
        sub_id = ReturnRequest.objects.filter(pk=payload["return_id"]).values_list("suborder_id", flat=True).first()
    elif topic.startswith("claim."):
        sub_id = WarrantyClaim.objects.filter(pk=payload["claim_id"]).values_list("suborder_id", flat=True).first()
    else:
        return []
    if sub_id is None:
        return []
    row = SubOrder.objects.filter(pk=sub_id).values_list("merchant_id", "order_id").first()
    if row is None:
        return []
    merchant_id, order_id = row
    data = {**payload, "suborder_id": sub_id, "order_id": order_id}
    audience = [(merchant_id, None, data)]
    partner = _order_partner(order_id)
    if partner:
        audience.append((None, partner, data))
    return audience
