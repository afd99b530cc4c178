"""The seller contract's numeric states and the only moves between them."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from remarket.core.errors import DomainError


class OrderState:
    NEW = 0
    AWAITING_PAYMENT = 10
    PAID = 1
    TO_SHIP = 3
    UNPAID = 8
    SHIPPED = 9
    ALL = (0, 10, 1, 3, 8, 9)


class LineState:
    NEW = 0
    ON_HOLD = 9
    AWAITING_PAYMENT = 8
    PAID = 1
    ACCEPTED = 2
    SHIPPED = 3
    CANCELLED = 4
    REFUNDED_BEFORE_SHIPPING = 5
    REFUNDED_AFTER_SHIPPING = 6
    NOT_PAID = 7
    ALL = (0, 9, 8, 1, 2, 3, 4, 5, 6, 7)


# what people read for each state (the numbers are the contract's, for machines)
ORDER_STATE_LABELS = {
    OrderState.NEW: _("New"),
    OrderState.AWAITING_PAYMENT: _("Awaiting payment"),
    OrderState.PAID: _("To accept"),
    OrderState.TO_SHIP: _("To ship"),
    OrderState.UNPAID: _("Not paid"),
    OrderState.SHIPPED: _("Shipped"),
}
LINE_STATE_LABELS = {
    LineState.NEW: _("New"),
    LineState.ON_HOLD: _("On hold"),
    LineState.AWAITING_PAYMENT: _("Awaiting payment"),
    LineState.PAID: _("To accept"),
    LineState.ACCEPTED: _("Accepted"),
    LineState.SHIPPED: _("Shipped"),
    LineState.CANCELLED: _("Cancelled"),
    LineState.REFUNDED_BEFORE_SHIPPING: _("Refunded before shipping"),
    LineState.REFUNDED_AFTER_SHIPPING: _("Refunded after shipping"),
    LineState.NOT_PAID: _("Not paid"),
}


# The payment moves a waiting line to paid or not paid; the merchant and after-sales move it on.
LINE_TRANSITIONS: dict[int, frozenset[int]] = {
    LineState.NEW: frozenset({LineState.PAID, LineState.NOT_PAID}),
    LineState.ON_HOLD: frozenset({LineState.PAID, LineState.NOT_PAID}),
    LineState.AWAITING_PAYMENT: frozenset({LineState.PAID, LineState.NOT_PAID}),
    LineState.PAID: frozenset({LineState.ACCEPTED, LineState.CANCELLED}),
    LineState.ACCEPTED: frozenset({LineState.SHIPPED, LineState.REFUNDED_BEFORE_SHIPPING}),
    LineState.SHIPPED: frozenset({LineState.REFUNDED_AFTER_SHIPPING}),
    LineState.CANCELLED: frozenset(),
    LineState.REFUNDED_BEFORE_SHIPPING: frozenset(),
    LineState.REFUNDED_AFTER_SHIPPING: frozenset(),
    LineState.NOT_PAID: frozenset(),
}


def line_transition_check(current: int, new: int) -> None:
    if new not in LINE_TRANSITIONS.get(current, frozenset()):
        raise DomainError(
            "ORDER_LINE_TRANSITION_REFUSED",
            f"An order line in state {current} cannot move to state {new}.",
            {"from": current, "to": new},
            status=409,
        )


def order_state_from_lines(states: Iterable[int]) -> int:
    """A (sub-)order's state is derived from its lines, never stored independently of them."""
    states = set(states)
    if not states:
        return OrderState.NEW
    if states & {LineState.NEW, LineState.ON_HOLD}:
        return OrderState.NEW
    if LineState.AWAITING_PAYMENT in states:
        return OrderState.AWAITING_PAYMENT
    if states == {LineState.NOT_PAID}:
        return OrderState.UNPAID
    if LineState.PAID in states:
        return OrderState.PAID
    if LineState.ACCEPTED in states:
        return OrderState.TO_SHIP
    return OrderState.SHIPPED  # every line shipped, cancelled or refunded: nothing left to do
