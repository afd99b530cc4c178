"""The anonymous cart: a plain mapping kept in the session, one market per cart."""
from remarket.core.errors import DomainError

MAX_LINES = 30
MAX_QUANTITY = 20


def cart_add(cart: dict, *, market: str, listing_id: int, quantity: int = 1) -> dict:
    """Returns the new cart. A cart holds one market's offers: adding from another market starts over."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError("CART_QUANTITY_INVALID", f"A quantity is between 1 and {MAX_QUANTITY}.")
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
