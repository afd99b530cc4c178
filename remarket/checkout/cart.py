"""Carts: a plain mapping {"market": "FR", "lines": {"<listing id>": quantity}}, one market per cart, kept in
the session for anonymous visitors and in a SavedCart row for customers, merged at login."""
from remarket.core import clock
from remarket.core.errors import DomainError

from .models import SavedCart

MAX_LINES = 30
MAX_QUANTITY = 20


def cart_add(cart: dict, *, market: str, listing_id: int, quantity: int = 1) -> dict:
    """Returns the new cart. A cart holds one market's offers: adding from another market is refused."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError("CART_QUANTITY_INVALID", f"A quantity is between 1 and {MAX_QUANTITY}.")
    if cart.get("lines") and cart.get("market") != market:
        raise DomainError("CART_MARKET_MISMATCH",
                          f"Your cart holds offers from the {cart.get('market')} site: check it out or empty it "
                          f"before buying on the {market} site.", {"cart_market": cart.get("market")}, status=409)
    lines = dict(cart.get("lines", {})) if cart.get("market") == market else {}
    key = str(listing_id)
    if key not in lines and len(lines) >= MAX_LINES:
        raise DomainError("CART_FULL", f"A cart holds at most {MAX_LINES} different offers.")
    lines[key] = min(MAX_QUANTITY, lines.get(key, 0) + quantity)
    return {"market": market, "lines": lines}


def cart_remove(cart: dict, *, listing_id: int) -> dict:
    lines = {k: v for k, v in cart.get("lines", {}).items() if k != str(listing_id)}
    return {"market": cart.get("market"), "lines": lines}


def cart_items(cart: dict, *, market: str) -> list[tuple[int, int]]:
    if cart.get("market") != market:
        return []
    return [(int(k), v) for k, v in cart.get("lines", {}).items()]


def cart_merge(saved: dict, session: dict) -> dict:
    """The cart a customer has after logging in: the anonymous cart's lines added to the saved one when both
    are for the same market; otherwise the cart they were just filling wins."""
    if not session.get("lines"):
        return saved or {}
    if not saved.get("lines") or saved.get("market") != session.get("market"):
        return session
    lines = dict(saved["lines"])
    for key, quantity in session["lines"].items():
        lines[key] = min(MAX_QUANTITY, lines.get(key, 0) + quantity)
    return {"market": session["market"], "lines": dict(list(lines.items())[:MAX_LINES])}


def saved_cart_get(*, user_id: int) -> dict:
    saved = SavedCart.objects.filter(user_id=user_id).first()
    return saved.data if saved else {}


def saved_cart_put(*, user_id: int, cart: dict) -> None:
    SavedCart.objects.update_or_create(user_id=user_id, defaults={"data": cart, "updated_at": clock.now()})
