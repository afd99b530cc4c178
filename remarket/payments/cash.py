"""Cash taken at a counter: the clerk's record of notes received settles the order's payment intent, as a card's
capture would (checkout_settle posts the sale to the ledger the same way), without any gateway call. A refund of a
cash sale is paid back from the till: done at once, nothing is sent anywhere."""

from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.errors import DomainError

from .gateway import GatewayResult
from .models import CashTender, PaymentIntent

CASH_REF_PREFIX = "cash-"


def cash_ref(intent_id: int) -> str:
    return f"{CASH_REF_PREFIX}{intent_id}"


def is_cash(intent: PaymentIntent) -> bool:
    return intent.gateway_ref.startswith(CASH_REF_PREFIX)


def cash_tender_take(*, intent: PaymentIntent, given_minor: int, clerk_id: int | None) -> GatewayResult:
    """Record the cash handed over for an intent (inside the sale's transaction) and return the answer to settle
    it with. The change is what was given beyond the amount; less than the amount is refused."""
    if intent.status != PaymentIntent.Status.CREATED:
        raise DomainError("PAYMENT_CASH_NOT_OPEN", _("This payment is already under way."), status=409)
    if given_minor < intent.amount_minor:
        raise DomainError(
            "PAYMENT_CASH_SHORT",
            _("The cash given is less than the amount due."),
            {"given_minor": given_minor, "amount_minor": intent.amount_minor},
        )
    CashTender.objects.create(
        intent=intent,
        given_minor=given_minor,
        change_minor=given_minor - intent.amount_minor,
        clerk_id=clerk_id,
        created_at=clock.now(),
    )
    return GatewayResult(PaymentIntent.Status.CAPTURED, ref=cash_ref(intent.pk))


def cash_refund_answer(*, intent: PaymentIntent, refund_id: int) -> GatewayResult:
    """What a cash refund "answers": paid back from the till at once; the intent is refunded once all went back."""
    status = "refunded" if intent.refunded_minor >= intent.amount_minor else PaymentIntent.Status.CAPTURED
    return GatewayResult(status, ref=f"{cash_ref(intent.pk)}-refund-{refund_id}")


def credit_tender_take(
    *, intent: PaymentIntent, credit_minor: int, given_minor: int | None, clerk_id: int | None
) -> GatewayResult:
    """A sale paid with a trade-in credit (already posted by the caller) and the rest in cash: the cash given
    covers what the credit does not, its change recorded as for any cash sale; no cash row when the credit
    covers it all. Settled as a cash capture (its refunds are paid from the till)."""
    if intent.status != PaymentIntent.Status.CREATED:
        raise DomainError("PAYMENT_CASH_NOT_OPEN", _("This payment is already under way."), status=409)
    due = intent.amount_minor - credit_minor
    if due > 0:
        if given_minor is None or given_minor < due:
            raise DomainError(
                "PAYMENT_CASH_SHORT",
                _("The cash given is less than the amount due after the trade-in credit."),
                {"given_minor": given_minor, "amount_minor": due},
            )
        CashTender.objects.create(
            intent=intent,
            given_minor=given_minor,
            change_minor=given_minor - due,
            clerk_id=clerk_id,
            created_at=clock.now(),
        )
    return GatewayResult(PaymentIntent.Status.CAPTURED, ref=cash_ref(intent.pk))
