"""A sandbox payment provider that behaves like a real one, keyed by test card numbers:

    4242 4242 4242 4242  approved
    4000 0000 0000 0002  declined (card_declined)
    4000 0000 0000 3220  needs a 3-D Secure-style confirmation first
    4000 0000 0000 0119  times out (the charge still goes through on the provider's side)

It keeps its own books (SandboxCharge) and signs its webhooks with HMAC-SHA256."""

import hashlib
import hmac
import json
import secrets
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from remarket.core import clock
from remarket.core.db import assert_outside_transaction, insert_rows
from remarket.core.errors import DomainError

from .gateway import GatewayResult, GatewayTimeout
from .models import SandboxCharge

APPROVED, DECLINED, THREE_DS, TIMEOUT = "4242424242424242", "4000000000000002", "4000000000003220", "4000000000000119"


def sign(body: bytes) -> str:
    secret = settings.REMARKET["WEBHOOK_SECRET"]
    if not secret:
        raise ImproperlyConfigured(
            "REMARKET['WEBHOOK_SECRET'] is empty: the settings profile must set it "
            "(local and test generate one into var/)."
        )
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class SandboxGateway:
    signature_header = "X-Signature"

    def _outside_transaction(self) -> None:
        assert_outside_transaction("a payment gateway call")

    def authorize(self, *, intent_id, amount_minor, currency, card_number, capture=False) -> GatewayResult:
        self._outside_transaction()
        card = "".join(ch for ch in card_number if ch.isdigit())
        if len(card) < 12:
            return GatewayResult("failed", failure_code="card_invalid")
        status = {DECLINED: "failed", THREE_DS: "requires_action"}.get(card, "captured" if capture else "authorized")
        ref = "ch_" + secrets.token_hex(12)
        try:
            # one INSERT in the common case: the unique intent_id makes the provider idempotent on our reference
            # (a savepoint only inside a test's wrapping transaction, which a failed INSERT must not break)
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                insert_rows(
                    SandboxCharge,
                    [
                        dict(
                            ref=ref,
                            intent_id=intent_id,
                            amount_minor=amount_minor,
                            currency=currency,
                            status=status,
                            card_last4=card[-4:],
                            created_at=clock.now(),
                        )
                    ],
                )
        except IntegrityError:
            existing = SandboxCharge.objects.get(intent_id=intent_id)
            return GatewayResult(existing.status, existing.ref)
        if card == TIMEOUT:
            raise GatewayTimeout(f"sandbox: no answer for intent {intent_id}")
        return GatewayResult(status, ref, "card_declined" if status == "failed" else "")

    def _move(self, ref: str, allowed: set[str], to: str) -> GatewayResult:
        self._outside_transaction()
        with transaction.atomic():
            charge = SandboxCharge.objects.filter(ref=ref).first()
            if charge is None:
                raise DomainError("PAYMENT_UNKNOWN_CHARGE", f"The gateway knows no charge {ref}.")
            if charge.status == to:
                return GatewayResult(to, ref)
            if charge.status not in allowed:
                return GatewayResult(charge.status, ref, f"cannot_{to}")
            charge.status = to
            charge.save(update_fields=["status"])
        return GatewayResult(to, ref)

    def confirm_action(self, *, ref, success) -> GatewayResult:
        """The customer confirms, or cancels: the payment is then voided, as Stripe cancels its PaymentIntent
        (a cancellation is not a decline)."""
        return self._move(ref, {"requires_action"}, "authorized" if success else "voided")

    def capture(self, *, ref) -> GatewayResult:
        return self._move(ref, {"authorized"}, "captured")

    def void(self, *, ref) -> GatewayResult:
        return self._move(ref, {"authorized", "requires_action"}, "voided")

    def refund(self, *, ref, amount_minor, idempotency_key: str = "") -> GatewayResult:
        """Partial refunds add up; the charge is "refunded" once all of it went back. A refund repeated with
        the same idempotency key is answered without paying twice."""
        self._outside_transaction()
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().filter(ref=ref).first()
            if charge is None:
                raise DomainError("PAYMENT_UNKNOWN_CHARGE", f"The gateway knows no charge {ref}.")
            if idempotency_key and idempotency_key in charge.refund_keys:
                return GatewayResult(charge.status, ref)
            if charge.status not in ("captured", "partially_refunded"):
                return GatewayResult(charge.status, ref, "cannot_refund")
            if charge.refunded_minor + amount_minor > charge.amount_minor:
                return GatewayResult(charge.status, ref, "refund_exceeds_charge")
            charge.refunded_minor += amount_minor
            charge.status = "refunded" if charge.refunded_minor == charge.amount_minor else "partially_refunded"
            if idempotency_key:
                charge.refund_keys = [*charge.refund_keys, idempotency_key]
            charge.save(update_fields=["refunded_minor", "status", "refund_keys"])
        return GatewayResult(charge.status, ref)

    def lookup(self, *, intent_id, ref="") -> GatewayResult:
        charge = SandboxCharge.objects.filter(intent_id=intent_id).first()
        return GatewayResult(charge.status, charge.ref) if charge else GatewayResult("unknown")

    def browser_field(self) -> dict:
        return {"kind": "card_number"}

    def action_secret(self, *, ref: str) -> str:
        return ""

    def webhook_for(self, *, ref: str) -> tuple[bytes, str]:
        """The signed webhook the provider would send about a charge (the tests deliver it, late or twice)."""
        charge = SandboxCharge.objects.get(ref=ref)
        body = json.dumps(
            {"id": "evt_" + secrets.token_hex(8), "ref": ref, "intent_id": charge.intent_id, "status": charge.status}
        ).encode()
        return body, sign(body)

    def verify_webhook(self, *, body, signature) -> dict:
        """The event, its status read from the sandbox's own books as a real provider's would be fetched: a body
        signed with a leaked secret still cannot claim a charge that never happened."""
        if not hmac.compare_digest(sign(body), signature or ""):
            raise DomainError("PAYMENT_WEBHOOK_SIGNATURE", "The webhook signature does not match.", status=401)
        try:
            event = json.loads(body)
            intent_id = int(event["intent_id"])
            event_id = str(event["id"])
        except (ValueError, KeyError, TypeError):
            raise DomainError("PAYMENT_WEBHOOK_INVALID", "The webhook body is not a payment event.") from None
        charge = self.lookup(intent_id=intent_id)
        return {"id": event_id, "intent_id": intent_id, "status": charge.status, "ref": charge.ref}
