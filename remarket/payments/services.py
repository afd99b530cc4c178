"""Payment intents: one per order, created with it before any money moves. Their life, in one place:

    created ──▶ submitted ──▶ requires_action ──▶ authorized ──▶ captured ──▶ refunded
       │            │               │                 │              ▲
       └────────────┴───────────────┴────▶ failed / voided ──────────┘  (a late capture: refunded at once)

    from             to                 when
    created          submitted          a payer is about to call the gateway (`payment_intent_submit`)
    created          failed             the hold expired and the gateway knows nothing ("abandoned")
    submitted        requires_action,   the gateway's answer, its webhook, or the reconciler asking it
                     authorized,
                     captured, failed
    submitted        failed             the hold expired and the gateway still knows nothing
                                        ("never_reached_gateway")
    requires_action  authorized, captured, failed; voided once the hold expired
    authorized       captured, voided
    captured         refunded           once all of it went back (`refunds_execute`)
    failed, voided   captured           the gateway captured after all: recorded, then refunded by
                                        checkout_settle with its ledger record and a mail to the customer

- `payment_intent_submit` marks an intent submitted with a conditional update *before* the gateway is called,
  and a call is made only when that mark succeeds: whatever settled the intent first (the reconciler), no payer
  calls the gateway after it.
- `payment_intent_record` only moves forward (`_RANK`): a late or out-of-order answer never takes an intent back,
  and "unknown" changes nothing. The one move out of a final state is the late capture above.
- The reconciler (checkout `payments_reconcile`) asks the gateway about every submitted intent by our reference,
  and abandons an intent only once its stock hold has expired."""

from collections.abc import Sequence

from django.db import connection, transaction

from remarket.core import clock
from remarket.core.db import TableRows, assert_outside_transaction, fetch_rows, insert_objects, update_rows
from remarket.core.errors import DomainError
from remarket.ledger.services import ledger_record_customer_refund

from .cash import cash_refund_answer, is_cash
from .gateway import GatewayResult, gateway
from .models import PaymentIntent, Refund

# a Refund's reason when the money was captured for no order (its ledger records the debt to the customer)
CAPTURE_UNHONOURED = "capture_unhonoured"


def payment_intent_create(*, order, along: Sequence[TableRows] = ()) -> PaymentIntent:
    """The order's intent (`order.payment` from then on), written with one INSERT; `along`: rows of the same
    write that need no key back, in the same statement where the database allows (core/db.py
    `insert_together`)."""
    intent = PaymentIntent(
        order=order,
        amount_minor=order.total_minor,
        currency=order.currency,
        created_at=order.created_at,
        updated_at=order.created_at,
    )
    return insert_objects([intent], along=along)[0]


# what can change of an intent, read under its lock
_LOCK_SQL = "SELECT status, gateway_ref, failure_code, refunded_minor FROM payments_paymentintent WHERE id = %s"


def payment_intent_lock(*, intent_id: int, known: PaymentIntent | None = None) -> PaymentIntent:
    """Lock an intent's row until the transaction ends. With `known` (the caller's instance), the fields that can
    change are read under the lock into it instead of building the intent again. Its order is the caller's to
    lock, before this (checkout's `_payment_lock`)."""
    if known is None or known.pk != intent_id:
        return PaymentIntent.objects.select_for_update().get(pk=intent_id)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    ((known.status, known.gateway_ref, known.failure_code, known.refunded_minor),) = fetch_rows(
        _LOCK_SQL + lock, [intent_id]
    )
    return known


S = PaymentIntent.Status
# how far along an intent is: an answer moves it forward only
_RANK: dict[str, int] = {  # keyed by the stored status text (a gateway answers in text)
    S.CREATED: 0,
    S.SUBMITTED: 1,
    S.REQUIRES_ACTION: 2,
    S.AUTHORIZED: 3,
    S.CAPTURED: 4,
    S.FAILED: 4,
    S.VOIDED: 4,
    S.REFUNDED: 5,
}
# what the gateway may answer that we store (a provider's "partially_refunded" is the refunds' business)
_ANSWERS = {S.REQUIRES_ACTION, S.AUTHORIZED, S.CAPTURED, S.FAILED, S.VOIDED}


def payment_intent_submit(*, intent: PaymentIntent) -> bool:
    """Mark the intent submitted before calling the gateway: one conditional update, which fails when the
    reconciler (or anything else) settled the intent meanwhile — then the caller must not call the gateway."""
    now = clock.now()
    if not update_rows(
        PaymentIntent,
        where={"pk": intent.pk, "status": [S.CREATED, S.SUBMITTED]},
        values={"status": S.SUBMITTED, "updated_at": now},
    ):
        return False
    intent.status, intent.updated_at = S.SUBMITTED, now
    return True


def capture_arrived_late(*, intent: PaymentIntent, result: GatewayResult) -> bool:
    """A capture for an intent we had already failed or voided: the customer was charged after all."""
    return result.status == S.CAPTURED and intent.status in (S.FAILED, S.VOIDED)


def payment_intent_record(*, intent: PaymentIntent, result: GatewayResult) -> bool:
    """Store what the gateway said, forward only. False when it changes nothing (a replay, a stale or unknown
    answer, a final intent)."""
    status = result.status
    late_capture = capture_arrived_late(intent=intent, result=result)
    if status not in _ANSWERS or (_RANK[status] <= _RANK[intent.status] and not late_capture):
        if result.ref and not intent.gateway_ref and intent.status not in PaymentIntent.FINAL:
            # a provider still working on it ("processing") named its charge: keep the name for the reconciler
            intent.gateway_ref = result.ref
            update_rows(PaymentIntent, where={"pk": intent.pk}, values={"gateway_ref": result.ref})
        return False
    intent.status = status
    intent.gateway_ref = result.ref or intent.gateway_ref
    intent.failure_code = result.failure_code
    intent.updated_at = clock.now()
    update_rows(
        PaymentIntent,
        where={"pk": intent.pk},
        values={
            "status": intent.status,
            "gateway_ref": intent.gateway_ref,
            "failure_code": intent.failure_code,
            "updated_at": intent.updated_at,
        },
    )
    return True


def refund_request(*, intent_id: int, amount_minor: int, reason: str) -> Refund:
    """Decide a refund inside the business transaction; `refunds_execute` sends it after commit."""
    intent = PaymentIntent.objects.select_for_update().get(pk=intent_id)
    if intent.status != PaymentIntent.Status.CAPTURED:
        raise DomainError("PAYMENT_NOT_CAPTURED", "Only captured money can be refunded.", status=409)
    if amount_minor <= 0 or intent.refunded_minor + amount_minor > intent.amount_minor:
        raise DomainError(
            "PAYMENT_REFUND_EXCEEDS",
            f"A refund of {amount_minor} would exceed what was paid ({intent.amount_minor - intent.refunded_minor} left).",
            status=409,
        )
    intent.refunded_minor += amount_minor
    intent.updated_at = clock.now()
    intent.save(update_fields=["refunded_minor", "updated_at"])
    return Refund.objects.create(intent=intent, amount_minor=amount_minor, reason=reason, created_at=clock.now())


def refunds_execute(*, refund_ids: list[int] | None = None, limit: int = 200) -> int:
    """Send pending refunds to the gateway (outside any transaction); safe to repeat: each carries its own
    idempotency key, so a crash between the gateway's answer and our record never pays twice."""
    assert_outside_transaction("refunds_execute")
    pending = Refund.objects.filter(status=Refund.Status.PENDING).select_related("intent").order_by("id")
    if refund_ids is not None:
        pending = pending.filter(pk__in=refund_ids)
    done = 0
    for refund in pending[:limit]:
        if is_cash(refund.intent):
            answer = cash_refund_answer(intent=refund.intent, refund_id=refund.pk)  # paid back from the till
        else:
            answer = gateway().refund(
                ref=refund.intent.gateway_ref, amount_minor=refund.amount_minor, idempotency_key=f"refund-{refund.pk}"
            )
        with transaction.atomic():
            locked = Refund.objects.select_for_update().get(pk=refund.pk)
            if locked.status != Refund.Status.PENDING:
                continue
            locked.status = Refund.Status.FAILED if answer.failure_code else Refund.Status.DONE
            locked.gateway_ref, locked.done_at = answer.ref, clock.now()
            locked.save(update_fields=["status", "gateway_ref", "done_at"])
            if locked.status == Refund.Status.DONE and locked.reason == CAPTURE_UNHONOURED:
                ledger_record_customer_refund(
                    order_id=refund.intent.order_id, amount_minor=locked.amount_minor, currency=refund.intent.currency
                )
            if answer.status == "refunded":
                PaymentIntent.objects.filter(pk=refund.intent_id).update(
                    status=PaymentIntent.Status.REFUNDED, updated_at=clock.now()
                )
        done += locked.status == Refund.Status.DONE
    return done
