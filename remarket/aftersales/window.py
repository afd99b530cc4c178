"""The return window of a sold line: when it was delivered, until when it can be returned (the rule is calc.py's),
and how many of its units are still returnable."""

import datetime as dt
from typing import NamedTuple

from remarket.core import clock
from remarket.orders.models import OrderLine, SubOrder
from remarket.orders.states import LineState

from . import calc
from .models import ReturnLine, ReturnRequest, ReturnState

OPEN_STATES = tuple(s for s in ReturnState.values if s not in (ReturnState.REFUSED, ReturnState.CANCELLED))
STANDARD_DELAY_DAYS = 3  # checkout's standard delay, for a parcel whose delay was not recorded


def delivered_on(suborder: SubOrder) -> dt.date | None:
    """When the customer had the device, in the market's days: a counter sale the day it was handed over; a
    parcel when no carrier tells us (none does yet), the shipping delay the customer chose in business days after
    it left (as `/ws/shipping/v1/deliveries` reports it). None before it shipped."""
    shipment = getattr(suborder, "shipment", None)
    if shipment is None:
        return None
    market = suborder.order.market
    shipped_on = market.local_date(shipment.shipped_at)
    if suborder.order.location_id is not None:
        return shipped_on
    delay = suborder.shipping_delay_days if suborder.shipping_delay_days is not None else STANDARD_DELAY_DAYS
    return calc.delivered_on(shipped_on=shipped_on, delay_days=delay, country=market.code)


def return_deadline(line: OrderLine, *, kind: str = ReturnRequest.Kind.RETURN) -> dt.date | None:
    """The last day (market's time zone) a return of `line` may be opened — or, for transit damage, reported.
    None while the line has not shipped. The rule itself is calc.py's."""
    sub = line.suborder
    delivered = delivered_on(sub)
    if delivered is None:
        return None
    market = sub.order.market
    if kind == ReturnRequest.Kind.TRANSIT_DAMAGE:
        return calc.damage_deadline_on(delivered_on=delivered, country=market.code)
    purchased = market.local_date(sub.order.created_at)
    return calc.return_deadline_on(purchased_on=purchased, delivered_on=delivered, country=market.code)


def units_returnable(line: OrderLine) -> int:
    """Units of a shipped line not already in a return that is open or refunded (nor refunded otherwise)."""
    if line.state != LineState.SHIPPED:
        return 0
    taken = sum(
        rl.quantity
        for rl in ReturnLine.objects.filter(order_line=line, request__state__in=OPEN_STATES).only("quantity")
    )
    return max(0, line.quantity - taken)


class Returnable(NamedTuple):
    line: OrderLine
    deadline: dt.date
    units: int  # how many of its units can still be returned


def returnable_lines(suborder: SubOrder) -> list[Returnable]:
    """The lines of a sub-order the customer may return today, with their deadline and the units left to return
    (the order page's offer): all of a line's units, or some of them, or what a first return left."""
    today = suborder.order.market.local_date(clock.now())
    found = []
    for line in suborder.lines.all():
        if line.state != LineState.SHIPPED:
            continue
        deadline = return_deadline(line)
        left = units_returnable(line) if deadline is not None and today <= deadline else 0
        if left and deadline is not None:
            found.append(Returnable(line, deadline, left))
    return found
