"""Checkout and the customer's order, for headless storefronts and tills."""

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.errors import AuthenticationError
from ninja.responses import Status

from remarket.accounts.permissions import Actor
from remarket.checkout.cart import (
    cart_add,
    cart_checked_out,
    cart_items,
    cart_remove,
    cart_version,
    saved_cart_get,
    saved_cart_put,
)
from remarket.checkout.limits import Holder
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError, NotFound
from remarket.core.http import client_ip
from remarket.core.idempotency import idempotent
from remarket.markets.selectors import market_get, web_channel_get
from remarket.offers.selectors import offer_get
from remarket.orders.access import order_access_check
from remarket.orders.models import Order
from remarket.orders.selectors import order_for_customer, order_lines_for_customer

from .auth import TokenAuth, actor_or_anonymous, guest
from .schemas import Error, Plain

router = Router(tags=["checkout"])


class ItemIn(Plain):
    listing_id: int
    quantity: int = 1


class AddressIn(Plain):
    first_name: str
    last_name: str
    street: str
    street2: str = ""
    postal_code: str
    city: str
    country: str
    phone: str
    company: str = ""
    state: str = ""


class CheckoutIn(Plain):
    market: str
    email: str
    items: list[ItemIn]
    shipping_address: AddressIn
    shipping: dict[int, str] = {}  # merchant id → carrier; the cheapest option when left out


class CartItemIn(Plain):
    market: str
    listing_id: int
    quantity: int = 1


class CartOut(Plain):
    market: str | None
    items: list[ItemIn]
    version: str = ""  # changes with every change; a checkout of one version makes one order


class CartCheckoutIn(Plain):
    email: str
    shipping_address: AddressIn
    shipping: dict[int, str] = {}


class PayIn(Plain):
    card_number: str


class CustomerLineOut(Plain):
    title: str
    grade: str
    quantity: int
    unit_price_minor: int
    state: int
    merchant: str


class CustomerOrderOut(Plain):
    id: uuid.UUID
    state: int
    market: str
    currency: str
    total_minor: int
    payment_status: str
    created_at: dt.datetime
    lines: list[CustomerLineOut]


def _customer_order(order: Order, market_code: str | None = None) -> dict:
    """The order as its customer sees it (CustomerOrderOut, which the response is validated against once), as
    JSON values: one query for the lines and their merchants (the order's payment, and its market or the
    market's code, are known already)."""
    return {
        "id": str(order.public_id),
        "state": order.state,
        "market": market_code or order.market.code,
        "currency": order.currency,
        "total_minor": order.total_minor,
        "payment_status": order.payment.status,
        "created_at": order.created_at.isoformat(),
        "lines": order_lines_for_customer(order_id=order.pk),
    }


def _order(public_id: uuid.UUID, actor: Actor) -> Order:
    """The order with its payment attached and its market's code as `market_code`, if `actor` may open it
    (orders/access.py: a customer's order needs that customer's token; a guest's, its id during the guest link's
    days)."""
    order = order_for_customer(public_id=public_id)
    if order is None:
        raise NotFound("ORDER_NOT_FOUND", _("There is no such order."))
    try:
        order_access_check(order=order, actor=actor, checked_out_here=True)
    except DomainError as err:
        if err.code == "ORDER_LOGIN_REQUIRED":
            raise AuthenticationError() from None  # the API's 401: send the customer's token
        raise NotFound("ORDER_NOT_FOUND", _("There is no such order.")) from None
    return order


@router.post(
    "/checkout",
    response={201: CustomerOrderOut, 200: CustomerOrderOut, 400: Error, 404: Error, 409: Error, 422: Error, 429: Error},
)
def checkout(request, payload: CheckoutIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Reserve the items and create the order awaiting payment (holds last 15 minutes)."""
    actor = actor_or_anonymous(request)

    def run():
        market = market_get(code=payload.market)
        order = checkout_start(
            market=market,
            channel=web_channel_get(market=market),
            items=[Item(i.listing_id, i.quantity) for i in payload.items],
            email=payload.email,
            shipping_address=payload.shipping_address.model_dump(),
            customer_id=actor.user_id,
            shipping_choice=payload.shipping,
            holder=Holder(customer_id=actor.user_id, client_ip=client_ip(request)),
        )
        return 201, _customer_order(order)

    if not idempotency_key:
        # nothing to record: checkout_start is its own transaction (no savepoint inside an outer one)
        return Status(*run())
    outcome = idempotent(
        scope=actor.scope, route="checkout", key=idempotency_key, body=payload.model_dump(mode="json"), run=run
    )
    return Status(outcome.status_code, outcome.body)


def _cart_out(cart: dict) -> CartOut:
    return CartOut(
        market=cart.get("market"),
        items=[ItemIn(listing_id=int(k), quantity=v) for k, v in cart.get("lines", {}).items()],
        version=cart_version(cart),
    )


@router.get("/cart", response=CartOut, auth=TokenAuth())
def cart(request):
    """The token owner's saved cart (the same one the storefront shows once logged in)."""
    return _cart_out(saved_cart_get(user_id=request.actor.user_id))


@router.post("/cart/items", response={200: CartOut, 400: Error, 404: Error, 409: Error}, auth=TokenAuth())
def cart_item_add(request, payload: CartItemIn):
    market = market_get(code=payload.market)
    offer_get(listing_id=payload.listing_id, market=market)
    updated = cart_add(
        saved_cart_get(user_id=request.actor.user_id),
        market=market.code,
        listing_id=payload.listing_id,
        quantity=payload.quantity,
    )
    saved_cart_put(user_id=request.actor.user_id, cart=updated)
    return Status(200, _cart_out(updated))


@router.delete("/cart/items/{listing_id}", response=CartOut, auth=TokenAuth())
def cart_item_remove(request, listing_id: int):
    updated = cart_remove(saved_cart_get(user_id=request.actor.user_id), listing_id=listing_id)
    saved_cart_put(user_id=request.actor.user_id, cart=updated)
    return _cart_out(updated)


@router.post(
    "/cart/checkout",
    response={201: CustomerOrderOut, 200: CustomerOrderOut, 400: Error, 404: Error, 409: Error, 422: Error, 429: Error},
    auth=TokenAuth(),
)
def cart_checkout(
    request, payload: CartCheckoutIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """Check the saved cart out: the order awaits payment and the cart is emptied. The same cart version checked
    out again (a retry after a lost answer, a duplicate sent at once) answers the order it made, with 200."""
    actor = request.actor
    saved = saved_cart_get(user_id=actor.user_id)
    body = payload.model_dump(mode="json")  # the request, not the cart: a retry after a lost answer replays
    version = cart_version(saved)

    def run():
        market = market_get(code=saved.get("market") or "")
        order = checkout_start(
            market=market,
            channel=web_channel_get(market=market),
            items=[Item(listing_id, quantity) for listing_id, quantity in cart_items(saved, market=market.code)],
            email=payload.email,
            shipping_address=payload.shipping_address.model_dump(),
            customer_id=actor.user_id,
            shipping_choice=payload.shipping,
            holder=Holder(customer_id=actor.user_id, client_ip=client_ip(request)),
            checkout_key=f"api-cart:{actor.user_id}:{version}" if version else "",
        )
        if order.replayed:
            return 200, _customer_order(order)
        saved_cart_put(user_id=actor.user_id, cart=cart_checked_out(saved))
        return 201, _customer_order(order)

    outcome = idempotent(scope=actor.scope, route="cart.checkout", key=idempotency_key, body=body, run=run)
    return Status(outcome.status_code, outcome.body)


@router.post(
    "/orders/{order_id}/pay",
    response={200: CustomerOrderOut, 401: Error, 404: Error, 409: Error},
    auth=[TokenAuth(), guest],
)
def pay(request, order_id: uuid.UUID, payload: PayIn):
    """Pay an order awaiting payment; paying again returns the settled order unchanged. A customer's order takes
    that customer's token; a guest's order its id alone, for the guest link's days after the checkout."""
    order = _order(order_id, request.actor)
    intent = checkout_pay(order=order, card_number=payload.card_number)
    return Status(200, _customer_order(intent.order, order.market_code))  # the settled order, states as written


@router.get("/orders/{order_id}", response={200: CustomerOrderOut, 401: Error, 404: Error}, auth=[TokenAuth(), guest])
def order(request, order_id: uuid.UUID):
    """The order as its customer sees it: with the customer's token, or by its id alone for a guest's order during
    the guest link's days after the checkout."""
    order = _order(order_id, request.actor)
    return Status(200, _customer_order(order, order.market_code))
