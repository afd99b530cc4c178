"""Order writes. Checkout creates orders; merchants accept and ship their sub-orders."""
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import emit
from remarket.ledger.services import ledger_record_sale

from .models import Order, OrderHistory, OrderLine, Shipment, SubOrder
from .selectors import suborder_for_actor
from .states import LineState, line_transition_check, order_state_from_lines


@dataclass(frozen=True)
class PricedLine:
    listing_id: int
    merchant_id: int
    sku: str
    title: str
    grade: str
    quantity: int
    unit_price_minor: int
    location_id: int | None = None


def order_create(*, market, channel, email: str, lines: list[PricedLine], currency: str,
                 location_id: int | None = None, customer_id: int | None = None, clerk_id: int | None = None,
                 shipping_address: dict | None = None) -> Order:
    """An order awaiting payment, one sub-order per merchant. Runs inside checkout's transaction."""
    if not lines:
        raise DomainError("ORDER_EMPTY", _("An order needs at least one item."))
    now = clock.now()
    by_merchant: dict[int, list[PricedLine]] = defaultdict(list)
    for line in lines:
        by_merchant[line.merchant_id].append(line)
    order = Order.objects.create(market=market, channel=channel, location_id=location_id, customer_id=customer_id,
                                 clerk_id=clerk_id, email=email, currency=currency,
                                 total_minor=sum(l.unit_price_minor * l.quantity for l in lines),
                                 shipping_address=shipping_address or {}, created_at=now, modified_at=now)
    for merchant_id, group in sorted(by_merchant.items()):
        sub = SubOrder.objects.create(order=order, merchant_id=merchant_id, created_at=now, modified_at=now,
                                      total_minor=sum(l.unit_price_minor * l.quantity for l in group))
        OrderLine.objects.bulk_create([
            OrderLine(suborder=sub, listing_id=l.listing_id, location_id=l.location_id, sku=l.sku, title=l.title,
                      grade=l.grade, quantity=l.quantity, unit_price_minor=l.unit_price_minor,
                      total_minor=l.unit_price_minor * l.quantity, currency=currency) for l in group])
    OrderHistory.objects.create(order=order, at=now, what="created, awaiting payment")
    emit("order.created", {"order_id": order.pk})
    return order


def _move_lines(sub: SubOrder, *, to: int, only_from: tuple[int, ...] | None = None) -> None:
    lines = list(sub.lines.all())
    for line in lines:
        if only_from is None or line.state in only_from:
            line_transition_check(line.state, to)
    moving = [l.pk for l in lines if only_from is None or l.state in only_from]
    if not moving:
        line_transition_check(lines[0].state, to)  # nothing can move: say why
    for state in {l.state for l in lines if l.pk in moving}:
        # conditional: a concurrent writer that moved the line first makes the count fall short
        done = OrderLine.objects.filter(pk__in=moving, state=state).update(state=to)
        if done != sum(1 for l in lines if l.pk in moving and l.state == state):
            raise DomainError("ORDER_CHANGED_CONCURRENTLY", _("The order changed meanwhile; reload and retry."),
                              status=409)
    _refresh_states(sub)


def _refresh_states(sub: SubOrder) -> None:
    now = clock.now()
    sub.state = order_state_from_lines(sub.lines.values_list("state", flat=True))
    sub.modified_at = now
    sub.save(update_fields=["state", "modified_at"])
    order = sub.order
    order.state = order_state_from_lines(OrderLine.objects.filter(suborder__order=order).values_list("state", flat=True))
    order.modified_at = now
    order.save(update_fields=["state", "modified_at"])


def order_paid(*, order: Order) -> Order:
    """Payment captured: every line becomes paid, the ledger records each merchant's sale."""
    now = clock.now()
    for sub in order.suborders.select_related("merchant", "order"):
        _move_lines(sub, to=LineState.PAID)
        ledger_record_sale(suborder=sub)
    OrderHistory.objects.create(order=order, at=now, what="paid")
    emit("order.paid", {"order_id": order.pk, "paid_at": now.isoformat()})
    return order


def order_unpaid(*, order: Order, reason: str) -> Order:
    for sub in order.suborders.select_related("order"):
        _move_lines(sub, to=LineState.NOT_PAID)
    OrderHistory.objects.create(order=order, at=clock.now(), what=f"not paid: {reason}")
    emit("order.unpaid", {"order_id": order.pk})
    return order


@transaction.atomic
def suborder_accept(*, actor: Actor, suborder_id: int) -> SubOrder:
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    _move_lines(sub, to=LineState.ACCEPTED, only_from=(LineState.PAID,))
    OrderHistory.objects.create(order=sub.order, suborder=sub, at=clock.now(), what=f"accepted by {sub.merchant}")
    emit("suborder.accepted", {"suborder_id": sub.pk})
    return sub


@transaction.atomic
def suborder_ship(*, actor: Actor, suborder_id: int, tracking_number: str, carrier: str,
                  tracking_url: str = "") -> SubOrder:
    require(actor, "order.fulfil")
    tracking_number, carrier = (tracking_number or "").strip(), (carrier or "").strip()
    if not tracking_number or len(tracking_number) > 64:
        raise DomainError("ORDER_TRACKING_REQUIRED", _("Shipping needs a tracking number (up to 64 characters)."))
    if not carrier:
        raise DomainError("ORDER_CARRIER_REQUIRED", _("Shipping needs the carrier's name."))
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    if hasattr(sub, "shipment"):
        raise DomainError("ORDER_ALREADY_SHIPPED", _("This order was shipped already; tracking is recorded once."),
                          status=409)
    _move_lines(sub, to=LineState.SHIPPED, only_from=(LineState.ACCEPTED,))
    Shipment.objects.create(suborder=sub, carrier=carrier, tracking_number=tracking_number, tracking_url=tracking_url,
                            shipped_at=clock.now())
    OrderHistory.objects.create(order=sub.order, suborder=sub, at=clock.now(),
                                what=f"shipped by {sub.merchant} with {carrier} {tracking_number}")
    emit("suborder.shipped", {"suborder_id": sub.pk})
    return sub


def suborder_hand_over(*, suborder: SubOrder, clerk_id: int | None) -> SubOrder:
    """A counter sale: the clerk hands the paid device over, so the merchant's accept and ship happen at once."""
    _move_lines(suborder, to=LineState.ACCEPTED, only_from=(LineState.PAID,))
    _move_lines(suborder, to=LineState.SHIPPED, only_from=(LineState.ACCEPTED,))
    Shipment.objects.create(suborder=suborder, carrier="handed over in store",
                            tracking_number=f"POS-{suborder.order.public_id.hex[:12].upper()}", shipped_at=clock.now())
    OrderHistory.objects.create(order=suborder.order, suborder=suborder, at=clock.now(),
                                what=f"handed over at {suborder.order.location}")
    emit("suborder.shipped", {"suborder_id": suborder.pk})
    return suborder
