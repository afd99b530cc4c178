from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor, require
from remarket.core.errors import NotFound

from .models import OrderLine, SubOrder

if TYPE_CHECKING:
    from remarket.merchants.quality import Rates


def suborders_visible(actor: Actor) -> QuerySet[SubOrder]:
    """Sub-orders the actor may see: a merchant's own, a clerk's location's, all for the operator."""
    qs = SubOrder.objects.select_related("order", "merchant", "order__market", "order__channel")
    if actor.role == Role.OPERATOR:
        return qs
    if actor.role == Role.MERCHANT and actor.merchant_id:
        return qs.filter(merchant_id=actor.merchant_id)
    if actor.role == Role.CLERK and actor.location_id:
        return qs.filter(order__location_id=actor.location_id)
    return qs.none()


def suborders_for_merchant(*, actor: Actor, state: int | None = None) -> QuerySet[SubOrder]:
    require(actor, "order.view_merchant")
    qs = suborders_visible(actor).order_by("-created_at", "-id")
    return qs if state is None else qs.filter(state=state)


def suborder_for_actor(*, actor: Actor, suborder_id: int, for_update: bool = False) -> SubOrder:
    """One sub-order, or 404 — also when it exists but belongs to someone else."""
    qs = suborders_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    sub = qs.filter(pk=suborder_id).first()
    if sub is None:
        raise NotFound("ORDER_NOT_FOUND", _("There is no order %(id)s.") % {"id": suborder_id})
    return sub


def merchant_fulfilment_rates(*, merchant_id: int, since, now) -> "Rates":
    """A merchant's cancellation and late-shipment rates over sub-orders paid since `since`."""
    import datetime as dt

    from django.db.models import Count, Q

    from remarket.merchants.quality import LATE_AFTER_DAYS, Rates, rate_bp

    from .models import OrderLine, SubOrder
    from .states import LineState

    paid_states = (
        LineState.PAID,
        LineState.ACCEPTED,
        LineState.SHIPPED,
        LineState.CANCELLED,
        LineState.REFUNDED_BEFORE_SHIPPING,
        LineState.REFUNDED_AFTER_SHIPPING,
    )
    lines = OrderLine.objects.filter(
        suborder__merchant_id=merchant_id, suborder__created_at__gte=since, state__in=paid_states
    ).aggregate(paid=Count("id"), cancelled=Count("id", filter=Q(state=LineState.CANCELLED)))
    late = dt.timedelta(days=LATE_AFTER_DAYS)
    from .states import OrderState

    subs = (
        SubOrder.objects.filter(merchant_id=merchant_id, created_at__gte=since, lines__state__in=paid_states)
        .distinct()
        .values_list("id", "created_at", "shipment__shipped_at", "state")
    )
    total, to_ship, late_count = 0, 0, 0
    for _id, created, shipped, state in subs:
        total += 1
        if shipped is None and state not in (OrderState.PAID, OrderState.TO_SHIP):
            continue  # cancelled or refunded before shipping: counts as an order, not as a shipment
        to_ship += 1
        late_count += (shipped or now) - created > late
    return Rates(
        orders=total,
        cancellation_rate_bp=rate_bp(lines["cancelled"], lines["paid"]),
        late_shipment_rate_bp=rate_bp(late_count, to_ship),
    )


def orderline_for_actor(*, actor: Actor, orderline_id: int) -> OrderLine:
    """One line of the merchant's sub-orders, or 404 — also when it exists but belongs to someone else."""
    mine = suborders_for_merchant(actor=actor).values("pk")
    line = OrderLine.objects.filter(pk=orderline_id, suborder__in=mine).first()
    if line is None:
        raise NotFound("ORDER_LINE_NOT_FOUND", _("There is no orderline %(id)s among yours.") % {"id": orderline_id})
    return line
