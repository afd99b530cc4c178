"""Stripe as the payment provider, through the official `stripe` library (PaymentIntents).

`card_number` is, for Stripe, a PaymentMethod id made in the browser by Stripe.js. Every POST carries an
idempotency key derived from our reference (prefixed by `KEY_PREFIX`, so two installations sharing one Stripe
account never collide); webhooks are verified by the library, then the PaymentIntent is fetched again and its
current state answered, so a late, replayed, out-of-order or forged event cannot move money on its own.

Settings: `REMARKET["STRIPE"] = {"SECRET_KEY", "PUBLISHABLE_KEY", "WEBHOOK_SECRET", "API_BASE" (optional),
"JS_URL" (optional), "KEY_PREFIX" (optional), "TIMEOUT" (seconds, optional), "MAX_NETWORK_RETRIES" (optional)}`.

In the browser (static/js/stripe-checkout.js): the checkout page mounts Elements' card field with the publishable
key and sends the PaymentMethod id it makes in place of a card number; the confirmation page of a payment that
`requires_action` runs `handleNextAction` with the client secret, then asks us to read the outcome."""

import logging

import stripe
from django.conf import settings

from remarket.core.db import assert_outside_transaction
from remarket.core.errors import DomainError
from remarket.core.money import exponent

from .gateway import GatewayResult, GatewayTimeout

log = logging.getLogger("remarket.payments")

# Stripe's own exponents where they are not two decimals (docs.stripe.com/currencies)
_STRIPE_ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "JPY",
    "KMF",
    "KRW",
    "MGA",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}
_STRIPE_THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}
# currencies Stripe charges with an exponent of its own choosing (ISK, HUF, TWD): refused rather than guessed
_STRIPE_SPECIAL = {"ISK", "HUF", "TWD"}

_STATUS = {
    "succeeded": "captured",
    "requires_capture": "authorized",
    "requires_action": "requires_action",
    "canceled": "voided",
}


def stripe_exponent_agrees(currency: str) -> bool:
    """Whether our minor units (ISO 4217) are Stripe's for this currency."""
    code = currency.upper()
    if code in _STRIPE_SPECIAL:
        return False
    theirs = 0 if code in _STRIPE_ZERO_DECIMAL else 3 if code in _STRIPE_THREE_DECIMAL else 2
    return theirs == exponent(code)


def _field(obj, name: str):
    """A field of a StripeObject, None when absent (they are not dicts)."""
    return getattr(obj, name, None) if obj is not None else None


def _mapped(pi) -> GatewayResult:
    """A PaymentIntent as our answer. `processing` and `requires_confirmation` are not final: "unknown" with the
    ref, so nothing is settled and the reconciler asks again."""
    status = _STATUS.get(pi.status)
    if status:
        return GatewayResult(status, pi.id)
    if pi.status == "requires_payment_method":
        error = _field(pi, "last_payment_error")
        return GatewayResult(
            "failed", pi.id, _field(error, "decline_code") or _field(error, "code") or "requires_payment_method"
        )
    return GatewayResult("unknown", pi.id)


class StripeGateway:
    signature_header = "Stripe-Signature"

    def __init__(self) -> None:
        conf = settings.REMARKET["STRIPE"]
        self._browser = {
            "kind": "stripe",
            "publishable_key": conf.get("PUBLISHABLE_KEY", ""),
            "js_url": conf.get("JS_URL") or "https://js.stripe.com/v3/",
        }
        self._webhook_secret = conf["WEBHOOK_SECRET"]
        self._prefix = conf.get("KEY_PREFIX", "")
        self._client = stripe.StripeClient(
            conf["SECRET_KEY"],
            base_addresses={"api": conf["API_BASE"]} if conf.get("API_BASE") else None,
            max_network_retries=conf.get("MAX_NETWORK_RETRIES", 2),
            http_client=stripe.RequestsClient(timeout=conf.get("TIMEOUT", 30)),
        )
        self._pi = self._client.v1.payment_intents

    def _key(self, what: str) -> dict:
        return {"idempotency_key": f"{self._prefix}{what}"}

    def _call(self, fn, *args, **kwargs):
        """One API call outside any transaction; an unanswered one (network, 5xx after the library's retries)
        is a GatewayTimeout: the outcome is unknown and the reconciler asks later."""
        assert_outside_transaction("a payment gateway call")
        try:
            return fn(*args, **kwargs)
        except stripe.APIConnectionError as err:
            raise GatewayTimeout(f"stripe: no answer ({err.user_message or err})") from err
        except stripe.APIError as err:
            if (err.http_status or 500) >= 500:
                raise GatewayTimeout(f"stripe: {err.http_status}") from err
            raise

    def authorize(self, *, intent_id, amount_minor, currency, card_number, capture=False) -> GatewayResult:
        """Create and confirm a PaymentIntent. Its key is our reference: calling again (after a timeout) replays
        the first answer. Stripe keeps idempotency keys 24 hours; the reconciler settles far sooner."""
        assert_outside_transaction("a payment gateway call")
        if not stripe_exponent_agrees(currency):
            log.error("stripe: currency %s refused, its minor units differ from Stripe's", currency)
            return GatewayResult("failed", failure_code="currency_unsupported")
        params = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method": card_number,
            "confirm": True,
            "capture_method": "automatic" if capture else "manual",
            "payment_method_types": ["card"],
            "metadata": self._metadata(intent_id),
        }
        try:
            pi = self._call(self._pi.create, params, self._key(f"intent-{intent_id}-authorize"))
        except stripe.CardError as err:
            error = err.error
            ref = _field(_field(error, "payment_intent"), "id") or ""
            return GatewayResult("failed", ref, _field(error, "decline_code") or err.code or "card_declined")
        except stripe.IdempotencyError:
            # the same reference tried with another card: the first attempt is the one that counts
            found = self.lookup(intent_id=intent_id)
            if found.status == "unknown":
                raise GatewayTimeout(f"stripe: intent {intent_id} already attempted, not searchable yet") from None
            return found
        except stripe.InvalidRequestError as err:
            log.warning("stripe: intent %s refused: %s", intent_id, err.user_message)
            return GatewayResult("failed", failure_code=err.code or "invalid_request")
        return _mapped(pi)

    def _metadata(self, intent_id: int) -> dict:
        return {"remarket_intent": str(intent_id), "remarket_installation": self._prefix}

    def _retrieve(self, ref: str):
        return self._call(self._pi.retrieve, ref)

    def browser_field(self) -> dict:
        return dict(self._browser)

    def action_secret(self, *, ref: str) -> str:
        """The PaymentIntent's client secret, for Stripe.js's `handleNextAction` on the confirmation page."""
        return self._retrieve(ref).client_secret or ""

    def confirm_action(self, *, ref, success) -> GatewayResult:
        """3-D Secure happens in the browser (Stripe.js): read what came of it; a customer who gave up cancels."""
        if not success:
            return self.void(ref=ref)
        return _mapped(self._retrieve(ref))

    def _move(self, fn, ref: str, what: str) -> GatewayResult:
        try:
            return _mapped(self._call(fn, ref, None, self._key(f"{what}-{ref}")))
        except stripe.InvalidRequestError as err:
            if err.code != "payment_intent_unexpected_state":
                raise
            return _mapped(self._retrieve(ref))  # already captured, canceled...: say where it is

    def capture(self, *, ref) -> GatewayResult:
        return self._move(self._pi.capture, ref, "capture")

    def void(self, *, ref) -> GatewayResult:
        return self._move(self._pi.cancel, ref, "cancel")

    def refund(self, *, ref, amount_minor, idempotency_key: str = "") -> GatewayResult:
        """Partial refunds add up; "refunded" once the whole charge went back, "partially_refunded" before."""
        if not idempotency_key:
            raise ValueError("a Stripe refund needs its idempotency key")
        try:
            refund = self._call(
                self._client.v1.refunds.create,
                {"payment_intent": ref, "amount": amount_minor},
                self._key(idempotency_key),
            )
        except stripe.InvalidRequestError as err:
            return GatewayResult("captured", ref, err.code or "refund_refused")
        if refund.status in ("failed", "canceled"):
            return GatewayResult("captured", ref, f"refund_{refund.status}")
        pi = self._call(self._pi.retrieve, ref, {"expand": ["latest_charge"]})
        charge = pi.latest_charge
        return GatewayResult("refunded" if charge.refunded else "partially_refunded", ref)

    def lookup(self, *, intent_id, ref="") -> GatewayResult:
        """By `ref` when we recorded one; otherwise by our reference in the metadata, through Stripe's search
        API, which is eventually consistent (usually under a minute, up to an hour in an outage): "unknown" may
        mean "not indexed yet", which is why the reconciler fails a submitted intent only after its hold."""
        if ref:
            try:
                return _mapped(self._retrieve(ref))
            except stripe.InvalidRequestError as err:
                if err.http_status == 404:
                    return GatewayResult("unknown")
                raise
        query = f"metadata['remarket_intent']:'{int(intent_id)}' AND metadata['remarket_installation']:'{self._prefix}'"
        found = [_mapped(pi) for pi in self._call(self._pi.search, {"query": query}).data]
        if len(found) > 1:
            log.error("stripe: %s PaymentIntents for intent %s", len(found), intent_id)
        order = ["captured", "authorized", "requires_action", "unknown", "failed", "voided"]
        found.sort(key=lambda r: order.index(r.status) if r.status in order else len(order))
        return found[0] if found else GatewayResult("unknown")

    def verify_webhook(self, *, body, signature) -> dict:
        """Signature and timestamp verified by the library; the PaymentIntent then fetched again: its current
        state and our reference in its metadata are trusted, never the event's body."""
        try:
            event = stripe.Webhook.construct_event(body, signature, self._webhook_secret)
        except (stripe.SignatureVerificationError, ValueError):
            raise DomainError(
                "PAYMENT_WEBHOOK_SIGNATURE", "The webhook signature does not match.", status=401
            ) from None
        obj = event.data.object
        pi_id = _field(obj, "id") if _field(obj, "object") == "payment_intent" else _field(obj, "payment_intent")
        ignored = {"id": event.id, "intent_id": 0, "status": "unknown", "ref": ""}
        if not pi_id or not isinstance(pi_id, str):
            return ignored
        try:
            pi = self._retrieve(pi_id)
        except stripe.InvalidRequestError:
            return ignored  # a PaymentIntent Stripe does not know
        metadata = _field(pi, "metadata")
        ours = str(_field(metadata, "remarket_intent") or "")
        if (_field(metadata, "remarket_installation") or "") != self._prefix or not ours.isdigit():
            return ignored
        return {"id": event.id, "intent_id": int(ours), "status": _mapped(pi).status, "ref": pi.id}
