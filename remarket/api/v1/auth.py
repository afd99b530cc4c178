from ninja.security import HttpBearer

from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the request carries the token owner's Actor."""

    def authenticate(self, request, token):
        user = api_token_user(secret=token)
        if user is None:
            return None
        request.actor = Actor.of(user, via_token=True)
        return request.actor


def actor_or_anonymous(request) -> Actor:
    return getattr(request, "actor", None) or Actor.of(getattr(request, "user", None))
