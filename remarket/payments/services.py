from remarket.core import clock

from .gateway import GatewayResult
from .models import PaymentIntent


def payment_intent_create(*, order) -> PaymentIntent:
    now = clock.now()
    return PaymentIntent.objects.create(order=order, amount_minor=order.total_minor, currency=order.currency,
                                        created_at=now, updated_at=now)


def payment_intent_lock(*, intent_id: int) -> PaymentIntent:
    return PaymentIntent.objects.select_for_update().select_related("order").get(pk=intent_id)


def payment_intent_record(*, intent: PaymentIntent, result: GatewayResult) -> bool:
    """Store what the gateway said. False when it changes nothing (a replay, or a final intent)."""
    status = {"unknown": intent.status}.get(result.status, result.status)
    if intent.status in PaymentIntent.FINAL or status == intent.status:
        return False
    intent.status = status
    intent.gateway_ref = result.ref or intent.gateway_ref
    intent.failure_code = result.failure_code
    intent.updated_at = clock.now()
    intent.save(update_fields=["status", "gateway_ref", "failure_code", "updated_at"])
    return True
