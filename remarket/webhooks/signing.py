"""How a delivery is signed, and how a receiver checks it (README "Webhooks" shows the receiver's side).

Each POST carries three headers:

    Remarket-Webhook-Id:        the delivery's id (the same on every retry: a receiver ignores one it has seen)
    Remarket-Webhook-Timestamp: Unix seconds when this attempt was signed
    Remarket-Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed by the subscription secret>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes, compares in constant time,
and refuses a timestamp more than TOLERANCE seconds from its clock: a captured request cannot be replayed later,
and the timestamp cannot be changed without breaking the signature."""

import hashlib
import hmac
import secrets

TOLERANCE = 300  # seconds


def secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def headers(*, secret: str, delivery_id: int, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "remarket-webhooks/1",
        "Remarket-Webhook-Id": str(delivery_id),
        "Remarket-Webhook-Timestamp": str(timestamp),
        "Remarket-Webhook-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }


def verify(*, secret: str, timestamp: str, signed: str, body: bytes, now: float) -> bool:
    """What a receiver does (the tests' receiver uses it): the signature matches and the timestamp is recent."""
    try:
        at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - at) > TOLERANCE:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=at, body=body), signed or "")
