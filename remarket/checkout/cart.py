"""Carts: a plain mapping {"market": "FR", "lines": {"<listing id>": quantity}, "version": "<random>"}, one market
per cart, kept in the session for anonymous visitors and in a SavedCart row for customers, merged at login.

Every change gives the cart a new random version. Checkout is keyed by the version it checks out (checkout_start's
`checkout_key`), so the same cart submitted twice — a double click, a retry after a lost answer, two tabs — makes
one order, while the same items bought again later, from a cart filled again, make another."""

import secrets

from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.errors import DomainError

from .limits import max_line_quantity
from .models import SavedCart

MAX_LINES = 30


def _versioned(market: str | None, lines: dict) -> dict:
    return {"market": market, "lines": lines, "version": secrets.token_hex(8)}


def cart_version(cart: dict) -> str:
    """The version a checkout of this cart is keyed by ("" for a cart never filled). A cart emptied by its
    checkout keeps it, so that submitting it again returns that checkout's order."""
    return cart.get("version", "")


def cart_checked_out(cart: dict) -> dict:
    """The cart once its checkout made an order: no lines, the version it was checked out as."""
    return {"market": cart.get("market"), "lines": {}, "version": cart_version(cart)}


def cart_of_unpaid(order) -> dict:
    """The cart of an order whose payment failed or was cancelled, under a new version: the customer pays it
    again with another card (a new order, its stock held again)."""
    from remarket.orders.models import OrderLine

    items = OrderLine.objects.filter(suborder__order=order).values_list("listing_id", "quantity")
    return _versioned(order.market.code, {str(listing_id): quantity for listing_id, quantity in items[:MAX_LINES]})


def cart_add(cart: dict, *, market: str, listing_id: int, quantity: int = 1) -> dict:
    """Returns the new cart. A cart holds one market's offers: adding from another market is refused."""
    most = max_line_quantity()
    if not 1 <= quantity <= most:
        raise DomainError("CART_QUANTITY_INVALID", _("A quantity is between 1 and %(max)s.") % {"max": most})
    if cart.get("lines") and cart.get("market") != market:
        raise DomainError(
            "CART_MARKET_MISMATCH",
            f"Your cart holds offers from the {cart.get('market')} site: check it out or empty it "
            f"before buying on the {market} site.",
            {"cart_market": cart.get("market")},
            status=409,
        )
    lines = dict(cart.get("lines", {})) if cart.get("market") == market else {}
    key = str(listing_id)
    if key not in lines and len(lines) >= MAX_LINES:
        raise DomainError("CART_FULL", f"A cart holds at most {MAX_LINES} different offers.")
    lines[key] = min(most, lines.get(key, 0) + quantity)
    return _versioned(market, lines)


def cart_remove(cart: dict, *, listing_id: int) -> dict:
    lines = {k: v for k, v in cart.get("lines", {}).items() if k != str(listing_id)}
    return _versioned(cart.get("market"), lines)


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
        lines[key] = min(max_line_quantity(), lines.get(key, 0) + quantity)
    return _versioned(session["market"], dict(list(lines.items())[:MAX_LINES]))


def saved_cart_get(*, user_id: int) -> dict:
    saved = SavedCart.objects.filter(user_id=user_id).first()
    return saved.data if saved else {}


def saved_cart_put(*, user_id: int, cart: dict) -> None:
    SavedCart.objects.update_or_create(user_id=user_id, defaults={"data": cart, "updated_at": clock.now()})
