"""A till's sale at a store or partner corner: a basket of units from the location's shelf and online offers
(the endless aisle, delivered to the customer's home), priced by checkout's own quote, paid by card through the
gateway or in cash, the shelf units handed over once paid.

Each sale carries the id the till made for it (a UUID, made in the browser, so that a sale queued offline and
replayed later is the same sale): the sale is created once per id and location, its body's fingerprint stored with
it in the sale's own transaction (core/idempotency.py); the same id with another body is refused (422)."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.buyback.counter import tradein_credit_redeem
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.idempotency import idempotent
from remarket.markets.models import Location
from remarket.orders.models import Order, OrderLine
from remarket.orders.pickups import pickup_location_get
from remarket.orders.services import order_hand_over, orderlines_return_at_counter
from remarket.payments.cash import cash_tender_take, credit_tender_take
from remarket.payments.models import PaymentIntent

from .pickup import pickup_address
from .quote import Quote, checkout_quote
from .receipts import RETURN_DAYS
from .services import Item, checkout_confirm_action, checkout_pay, checkout_settle, checkout_start
from .validation import address_validate

TENDERS = ("card", "cash", "trade_in")  # trade_in: a trade-in credit, the rest in cash


@dataclass(frozen=True)
class CounterLine:
    listing_id: int
    quantity: int = 1
    shelf: bool = True  # a unit of this location's stock; False: an online offer, delivered


@dataclass(frozen=True)
class CounterSale:
    order: Order
    status: str  # paid, requires_action, declined, pending
    created: bool  # False when the sale's id was seen before (a replay)


def counter_location(*, actor: Actor) -> Location:
    require(actor, "pos.view_stock")
    if actor.location_id is None:
        raise DomainError("POS_NO_LOCATION", _("This account is not attached to a store."), status=403)
    return Location.objects.select_related("channel__market").get(pk=actor.location_id)


def _items(location: Location, lines: list[CounterLine]) -> list[Item]:
    if not lines:
        raise DomainError("CHECKOUT_EMPTY", _("The basket is empty."))
    return [Item(l.listing_id, l.quantity, location.pk if l.shelf else None) for l in lines]


def _delivery(location: Location, lines: list[CounterLine], address: dict | None) -> dict | None:
    """Online offers go to the customer's home: their address, checked as the storefront checks it. A basket of
    shelf units alone needs none (and is taxed where it is handed over)."""
    if all(l.shelf for l in lines):
        return None
    if not address:
        raise DomainError(
            "POS_DELIVERY_ADDRESS_REQUIRED",
            _("Online offers are delivered: fill in the customer's address."),
            {"field": "delivery_address"},
        )
    return address_validate(market=location.channel.market, address=address)


def _collected_here(location: Location, lines: list[CounterLine], contact: dict | None) -> dict | None:
    """Online offers sent to this location for the customer to collect (click & collect from the till): the
    customer's name and phone at the location's address, through checkout's own pickup rule — a location that
    takes no parcels for collection is refused (PICKUP_LOCATION_UNAVAILABLE)."""
    if all(l.shelf for l in lines):
        return None
    market = location.channel.market
    return pickup_address(
        market=market, location=pickup_location_get(market=market, location_id=location.pk), contact=contact or {}
    )


def counter_quote(
    *, actor: Actor, lines: list[CounterLine], delivery_address: dict | None = None, collect_here: bool = False
) -> Quote:
    """What the basket costs, taxes included or on top, before payment: checkout's own quote. `collect_here`: the
    online offers ship free to this location, `delivery_address` then being the customer's name and phone."""
    location = counter_location(actor=actor)
    return checkout_quote(
        market=location.channel.market,
        channel=location.channel,
        items=_items(location, lines),
        shipping_address=(
            _collected_here(location, lines, delivery_address)
            if collect_here
            else _delivery(location, lines, delivery_address)
        ),
        location_id=location.pk,
        pickup=collect_here and not all(l.shelf for l in lines),
    )


def _body(lines, tender, cash_given_minor, email, delivery_address, trade_in_code="", collect_here=False) -> dict:
    """What identifies a sale's content, for its id's fingerprint (the card number is not kept)."""
    body = {
        "lines": [[l.listing_id, l.quantity, l.shelf] for l in lines],
        "tender": tender,
        "cash_given_minor": cash_given_minor if tender in ("cash", "trade_in") else None,
        "email": email.strip().lower(),
        "delivery_address": delivery_address or None,
    }
    if tender == "trade_in":
        body["trade_in_code"] = trade_in_code
    if collect_here:
        body["collect_here"] = True
    return body


def counter_sale(
    *,
    actor: Actor,
    sale_id: uuid.UUID,
    lines: list[CounterLine],
    tender: str,
    cash_given_minor: int | None = None,
    card_number: str = "",
    email: str = "",
    delivery_address: dict | None = None,
    trade_in_code: str = "",
    collect_here: bool = False,
) -> CounterSale:
    """Make the sale `sale_id` once: reserve, create the order, and for cash settle it and hand the shelf units
    over, all in one transaction; for a card, then ask the gateway (outside it). The same id again returns the
    sale it made, brought forward (a card paid meanwhile is handed over). `trade_in`: a trade-in credit made at
    this location (`trade_in_code`) pays part of it, used once, the rest in cash (buyback/counter.py). `collect_here`:
    the online offers are shipped to this location and collected with a pickup code (orders/pickups.py), the
    shelf units handed over at once; `delivery_address` is then the customer's name and phone."""
    require(actor, "pos.sell")
    location = counter_location(actor=actor)
    if tender not in TENDERS:
        raise DomainError("POS_TENDER_UNKNOWN", _("Pay by card or in cash."), {"field": "tender"})
    if tender == "cash" and (cash_given_minor is None or cash_given_minor <= 0):
        raise DomainError("PAYMENT_CASH_SHORT", _("Enter the cash given."), {"field": "cash_given_minor"})
    market = location.channel.market
    made: list[Order] = []

    def run():
        # collected here: checkout's own pickup rule checks the place and the contact before reserving anything
        collect = collect_here and not all(l.shelf for l in lines)
        address = (delivery_address or {}) if collect else _delivery(location, lines, delivery_address)
        order = checkout_start(
            market=market,
            channel=location.channel,
            items=_items(location, lines),
            email=email,
            shipping_address=address,
            pickup_location_id=location.pk if collect else None,
            location_id=location.pk,
            location=location,
            clerk_id=actor.user_id,
            checkout_key=sale_key(location.pk, sale_id),
        )
        order.location = location  # its channel's partner earns the commission (orders/partners.py)
        if tender == "cash" and cash_given_minor is not None:  # never None for cash: refused above
            result = cash_tender_take(intent=order.payment, given_minor=cash_given_minor, clerk_id=actor.user_id)
            # the order and its intent were made in this transaction: nobody else sees them, none is locked
            checkout_settle(intent_id=order.payment.pk, result=result, intent=order.payment, created_here=True)
            order_hand_over(order=order, place=location.name)
        elif tender == "trade_in":
            intent = order.payment
            credit = tradein_credit_redeem(
                actor=actor,
                code=trade_in_code,
                order_id=order.pk,
                total_minor=intent.amount_minor,
                currency=intent.currency,
            )
            result = credit_tender_take(
                intent=intent, credit_minor=credit.amount_minor, given_minor=cash_given_minor, clerk_id=actor.user_id
            )
            checkout_settle(intent_id=intent.pk, result=result, intent=intent)
            order_hand_over(order=order, place=location.name)
        made.append(order)
        return 201, {"order": str(order.public_id)}

    outcome = idempotent(
        scope=f"location:{location.pk}",
        route="pos.sale",
        key=str(sale_id),
        body=_body(lines, tender, cash_given_minor, email, delivery_address, trade_in_code, collect_here),
        run=run,
    )
    if made and tender == "cash":
        order = made[0]  # as this transaction left it: paid, handed over, its cash tender attached
    else:
        order = _order(location, uuid.UUID(outcome.body["order"]))
    if tender == "card":
        checkout_pay(order=order, card_number=card_number)
        order = _order(location, order.public_id)
        if order.payment.status == PaymentIntent.Status.CAPTURED:
            with transaction.atomic():
                _hand_over(order, location)
    return CounterSale(order=order, status=sale_status(order), created=not outcome.replayed)


def sale_key(location_id: int, sale_id: uuid.UUID) -> str:
    return f"pos:{location_id}:{sale_id}"


def sale_status(order: Order) -> str:
    status = order.payment.status
    if status == PaymentIntent.Status.CAPTURED or status == PaymentIntent.Status.REFUNDED:
        return "paid"
    if status == PaymentIntent.Status.REQUIRES_ACTION:
        return "requires_action"
    if status in (PaymentIntent.Status.FAILED, PaymentIntent.Status.VOIDED):
        return "declined"
    return "pending"


def _order(location: Location, public_id: uuid.UUID) -> Order:
    order = (
        Order.objects.select_related("payment__cash", "market", "location", "channel")
        .filter(public_id=public_id, location=location)
        .first()
    )
    if order is None:
        raise NotFound("POS_SALE_NOT_FOUND", _("There is no such sale at this store."))
    return order


def _hand_over(order: Order, location: Location) -> None:
    """The shelf units leave with the customer: each sub-order made of shelf units only is handed over, once (its
    rows are locked, so a replay never hands a device over twice). Delivered offers stay with their merchant."""
    order_hand_over(order=order, place=location.name)


def sale_lines(order: Order) -> list[OrderLine]:
    """A sale's lines, every sub-order's, in the order they were made (one read)."""
    return list(OrderLine.objects.filter(suborder__order_id=order.pk).order_by("pk"))


def counter_sale_get(*, actor: Actor, order_id: uuid.UUID) -> Order:
    """One sale of the clerk's location (another location's is not found)."""
    require(actor, "pos.view_stock")
    return _order(counter_location(actor=actor), order_id)


def counter_sale_confirm(*, actor: Actor, order_id: uuid.UUID, success: bool) -> CounterSale:
    """The customer completed (or the clerk cancelled) the card's confirmation step."""
    require(actor, "pos.sell")
    location = counter_location(actor=actor)
    order = _order(location, order_id)
    checkout_confirm_action(order=order, success=success)
    order = _order(location, order_id)
    if order.payment.status == PaymentIntent.Status.CAPTURED:
        with transaction.atomic():
            _hand_over(order, location)
    return CounterSale(order=order, status=sale_status(order), created=False)


def counter_sales_recent(*, actor: Actor, limit: int = 20):
    location = counter_location(actor=actor)
    return (
        Order.objects.filter(location=location)
        .select_related("payment", "payment__cash")
        .order_by("-created_at", "-pk")[:limit]
    )


@transaction.atomic
def counter_return(*, actor: Actor, order_id: uuid.UUID, line_ids: list[int]) -> list:
    """Units sold at this store, handed over, brought back within the return window: refunded (a card's through
    the gateway after commit, cash from the till) with the ledger's refund of their sale. Returns the refunds."""
    require(actor, "pos.sell")
    location = counter_location(actor=actor)
    order = _order(location, order_id)
    if not line_ids:
        raise DomainError("POS_RETURN_EMPTY", _("Choose the units brought back."), {"field": "line_ids"})
    today = order.market.local_date(clock.now())
    if today > order.market.local_date(order.created_at) + dt.timedelta(days=RETURN_DAYS):
        raise DomainError(
            "POS_RETURN_WINDOW_OVER",
            _("The %(days)s-day return window of this sale is over.") % {"days": RETURN_DAYS},
            status=409,
        )
    lines = list(OrderLine.objects.filter(suborder__order=order, pk__in=line_ids, location=location))
    if len(lines) != len(set(line_ids)):
        raise DomainError(
            "POS_RETURN_LINE_NOT_HERE", _("Only units of this sale handed over at this store come back here.")
        )
    by_suborder: dict[int, list[int]] = {}
    for line in lines:
        by_suborder.setdefault(line.suborder_id, []).append(line.pk)
    return [
        orderlines_return_at_counter(
            suborder_id=sub_id, line_ids=ids, reason=f"returned at {location.code} by clerk {actor.user_id}"
        )
        for sub_id, ids in sorted(by_suborder.items())
    ]
