"""Who is calling: `Authorization: Basic <token>`, a token issued to one merchant's staff.

The contract names two schemes on the same header: `ApiKeyAuth` (the raw token after "Basic ") and HTTP
`BasicAuth` (base64 of "user:password"); a client that base64-encodes "anything:<token>" or "<token>:" is
understood too. Only merchant staff may use /ws/, and everything they reach is scoped to their merchant."""

import base64
import binascii
import hashlib
from dataclasses import dataclass

from remarket.accounts.permissions import Actor, allowed
from remarket.accounts.services import api_token_user
from remarket.core.errors import Forbidden

from .errors import Unauthenticated


@dataclass(frozen=True)
class Credential:
    header: str
    key: str  # a digest of what was presented: the rate limiter counts per token with it

    def secrets(self) -> list[str]:
        """The token as sent, then what a standard Basic encoding of it would carry."""
        candidates = [self.header]
        try:
            decoded = base64.b64decode(self.header, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return candidates
        user, _, password = decoded.partition(":")
        candidates.append(password or user)
        return candidates


def credential(request) -> Credential:
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "basic" or not value:
        raise Unauthenticated()
    return Credential(value, hashlib.sha256(value.encode()).hexdigest()[:32])


def authenticate(cred: Credential) -> tuple[Actor, str]:
    """The merchant actor behind a credential and the key its rate limit counts under: 401 if no live token
    matches, 403 if its owner is no merchant. The key is the matched token's digest, so every spelling of one
    token (raw or Basic-encoded, any scheme case or spacing) counts as that one token."""
    for secret in cred.secrets():
        user = api_token_user(secret=secret)
        if user is not None:
            break
    else:
        raise Unauthenticated("This API token is unknown or revoked.")
    token_key = hashlib.sha256(secret.encode()).hexdigest()[:32]
    actor = Actor.of(user, via_token=True)
    if actor.merchant_id is None or not allowed(actor, "listing.view"):
        raise Forbidden("WS_NOT_A_MERCHANT", "This API is for merchants: the token's owner is not merchant staff.")
    return actor, token_key
