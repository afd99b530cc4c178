from ninja.security import HttpBearer

from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_user
from remarket.core.http import session_key


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the request carries the token owner's Actor."""

    def authenticate(self, request, token):
        user = api_token_user(secret=token)
        if user is None:
            return None
        request.actor = Actor.of(user, via_token=True)
        return request.actor


def guest(request) -> Actor | None:
    """For endpoints a guest may call too (`auth=[TokenAuth(), guest]`): a caller sending no Authorization header
    is a guest; one sending a token that is not valid is refused (401), not taken for a guest."""
    if "Authorization" in request.headers:
        return None
    request.actor = Actor.of(None)
    return request.actor


def actor_or_anonymous(request) -> Actor:
    """The token's owner, the session's user, or a guest. A guest sending an Idempotency-Key gets a session when
    it has none (its cookie comes with the answer): its keys are scoped to that session, never shared with other
    guests, and a retry replays when it sends the cookie back."""
    actor = getattr(request, "actor", None)
    if actor is not None and actor.user_id is not None:
        return actor
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor.of(user)
    create = bool(request.headers.get("Idempotency-Key"))
    key = session_key(request, create=create)
    if create and key:
        request.session.modified = True  # so that the session's cookie is set on the answer
    return Actor.of(None, session_key=key)
