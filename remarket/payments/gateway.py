"""What remarket needs from a payment provider. Calls go out over the network: never call them
inside a database transaction or while holding a lock."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class GatewayResult:
    status: str  # authorized, requires_action, captured, failed, voided, refunded, unknown
    ref: str = ""
    failure_code: str = ""


class GatewayTimeout(Exception):
    """The provider did not answer; the outcome is unknown until reconciliation asks again."""


class Gateway(Protocol):
    # the request header carrying a webhook's signature (the sandbox's X-Signature, Stripe's Stripe-Signature)
    signature_header: str

    def authorize(
        self, *, intent_id: int, amount_minor: int, currency: str, card_number: str, capture: bool = False
    ) -> GatewayResult:
        """`capture=True` asks for a sale: authorized and captured in the same call when no customer step is
        needed (answers "captured"); a provider that cannot do it answers "authorized" and waits for `capture`."""

    def confirm_action(self, *, ref: str, success: bool) -> GatewayResult: ...
    def capture(self, *, ref: str) -> GatewayResult: ...
    def void(self, *, ref: str) -> GatewayResult: ...
    def refund(self, *, ref: str, amount_minor: int, idempotency_key: str = "") -> GatewayResult: ...
    def lookup(self, *, intent_id: int, ref: str = "") -> GatewayResult:
        """What the provider knows of the intent's charge, by our reference (the idempotency key its calls carried)
        or by its own `ref` when we recorded one; "unknown" when no call of ours ever reached it."""

    def browser_field(self) -> dict:
        """What the checkout page's card field needs: {"kind": "card_number"} for a provider that takes the number
        as typed (the sandbox), {"kind": "stripe", "publishable_key", "js_url"} for Stripe's Elements field,
        which sends a PaymentMethod id instead."""

    def action_secret(self, *, ref: str) -> str:
        """What the browser needs to complete a customer step (3-D Secure) itself: Stripe's client secret of the
        PaymentIntent; "" for a provider whose step is a page of ours (the sandbox)."""

    def verify_webhook(self, *, body: bytes, signature: str) -> dict:
        """A webhook the provider really sent, as {"id", "intent_id", "status", "ref"}; raises DomainError
        PAYMENT_WEBHOOK_SIGNATURE (401) otherwise. A provider whose events could be stale or replayed answers
        with the charge's current state, fetched from it, rather than the event's body."""


@lru_cache(maxsize=1)
def gateway() -> Gateway:
    return import_string(settings.REMARKET["PAYMENT_GATEWAY"])()
