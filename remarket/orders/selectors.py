import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor, require
from remarket.core.db import fetch_objects, fetch_rows
from remarket.core.errors import NotFound
from remarket.ledger.models import LedgerTransaction
from remarket.payments.models import PaymentIntent

from .models import Order, OrderLine, Shipment, SubOrder

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


def order_for_customer(*, public_id: uuid.UUID) -> Order | None:
    """The order with its payment attached (`order.payment`) and its market's code as `market_code`, or None: one
    statement written out (core/db.py `fetch_objects`), read on every payment through the API. Whether the caller
    may open it is orders/access.py's `order_access_check`."""
    key = Order._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    found = fetch_objects(
        Order,
        "t.public_id = %s",
        [key],
        related={"payment": (PaymentIntent, "p")},
        joins="JOIN markets_market m ON m.id = t.market_id JOIN payments_paymentintent p ON p.order_id = t.id",
        extra={"market_code": "m.code"},
    )
    return found[0] if found else None


# an order's lines with their merchants' names, in one statement written out (every checkout and payment through
# the API answers with them)
_CUSTOMER_LINES_SQL = (
    "SELECT l.title, l.grade, l.quantity, l.unit_price_minor, l.state, m.name FROM orders_orderline l"
    " JOIN orders_suborder s ON s.id = l.suborder_id JOIN merchants_merchant m ON m.id = s.merchant_id"
    " WHERE s.order_id = %s ORDER BY s.id, l.id"
)
_CUSTOMER_LINE_FIELDS = ("title", "grade", "quantity", "unit_price_minor", "state", "merchant")


def order_lines_for_customer(*, order_id: int) -> list[dict]:
    """The order's lines as its customer sees them (title, grade, quantity, unit_price_minor, state, merchant's
    name), by sub-order then line."""
    return [dict(zip(_CUSTOMER_LINE_FIELDS, row)) for row in fetch_rows(_CUSTOMER_LINES_SQL, [order_id])]


def order_lock(*, known: Order) -> Order:
    """Lock an order's row until the transaction ends, its state read again under the lock into `known` (the
    caller's instance) rather than building the order again."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    ((known.state,),) = fetch_rows("SELECT state FROM orders_order WHERE id = %s" + lock, [known.pk])
    return known


def order_lock_of_payment(*, intent_id: int) -> Order:
    """Lock the order a payment intent pays for (its row only) until the transaction ends."""
    return Order.objects.select_for_update(of=("self",)).get(payment__pk=intent_id)


def orderline_for_actor(*, actor: Actor, orderline_id: int) -> OrderLine:
    """One line of the merchant's sub-orders, or 404 — also when it exists but belongs to someone else."""
    mine = suborders_for_merchant(actor=actor).values("pk")
    line = OrderLine.objects.filter(pk=orderline_id, suborder__in=mine).first()
    if line is None:
        raise NotFound("ORDER_LINE_NOT_FOUND", _("There is no orderline %(id)s among yours.") % {"id": orderline_id})
    return line


def _suborders_filtered(
    actor: Actor,
    *,
    state: int | None,
    hidden_states: tuple[int, ...],
    created_from: dt.datetime | None,
    modified_from: dt.datetime | None,
    market_code: str | None,
) -> QuerySet[SubOrder]:
    qs = suborders_for_merchant(actor=actor, state=state)
    if created_from is not None:
        qs = qs.filter(created_at__gte=created_from)
    if modified_from is not None:
        qs = qs.filter(modified_at__gte=modified_from)
    if market_code is not None:
        qs = qs.filter(order__market__code=market_code)
    return qs.exclude(state__in=hidden_states) if state is None and hidden_states else qs


def suborders_count(
    *,
    actor: Actor,
    state: int | None = None,
    hidden_states: tuple[int, ...] = (),
    created_from: dt.datetime | None = None,
    modified_from: dt.datetime | None = None,
    market_code: str | None = None,
) -> int:
    """How many of the merchant's sub-orders `suborders_for_fulfilment` lists with the same filters."""
    return _suborders_filtered(
        actor,
        state=state,
        hidden_states=hidden_states,
        created_from=created_from,
        modified_from=modified_from,
        market_code=market_code,
    ).count()


def suborders_for_fulfilment(
    *,
    actor: Actor,
    suborder_id: int | None = None,
    state: int | None = None,
    hidden_states: tuple[int, ...] = (),
    created_from: dt.datetime | None = None,
    modified_from: dt.datetime | None = None,
    market_code: str | None = None,
) -> QuerySet[SubOrder]:
    """The merchant's sub-orders, newest first: in `state`, or in any state but `hidden_states`; created /
    modified at or after the given instants; of one market. Each with its shipment, its payment date (`paid_at`)
    and its lines (listing, variant and model loaded): one query per page, plus one for the lines."""
    paid_at = LedgerTransaction.objects.filter(kind="sale", suborder=OuterRef("pk")).values("at")[:1]
    lines = OrderLine.objects.select_related("listing__variant__model").order_by("pk")
    qs = (
        _suborders_filtered(
            actor,
            state=state,
            hidden_states=hidden_states,
            created_from=created_from,
            modified_from=modified_from,
            market_code=market_code,
        )
        .select_related("shipment")
        .annotate(paid_at=Subquery(paid_at))
        .prefetch_related(Prefetch("lines", queryset=lines))
    )
    return qs if suborder_id is None else qs.filter(pk=suborder_id)


def shipments_for_merchant(
    *,
    actor: Actor,
    shipment_id: int | None = None,
    suborder_id: int | None = None,
    suborder_state: int | None = None,
    shipped_from: tuple[dt.datetime, ...] = (),
    shipped_until: tuple[dt.datetime, ...] = (),
    shipped_before: tuple[dt.datetime, ...] = (),
    none: bool = False,
) -> QuerySet[Shipment]:
    """The merchant's shipments, newest first, shipped at or after each of `shipped_from`, at or before each of
    `shipped_until`, before each of `shipped_before`; with their sub-order, order and lines' states: one query
    per page, plus one for the lines. `none`: a filter nothing matches (no query is made)."""
    mine = suborders_for_merchant(actor=actor).values("pk")
    lines = OrderLine.objects.only("id", "state", "suborder_id").order_by("pk")
    where = Q()
    if shipment_id is not None:
        where &= Q(pk=shipment_id)
    if suborder_id is not None:
        where &= Q(suborder_id=suborder_id)
    for at in shipped_from:
        where &= Q(shipped_at__gte=at)
    for at in shipped_until:
        where &= Q(shipped_at__lte=at)
    for at in shipped_before:
        where &= Q(shipped_at__lt=at)
    if suborder_state is not None:
        where &= Q(suborder__state=suborder_state)
    if none:
        where &= Q(pk__in=[])
    return (
        Shipment.objects.filter(suborder__in=mine)
        .select_related("suborder__order")
        .prefetch_related(Prefetch("suborder__lines", queryset=lines))
        .order_by("-shipped_at", "-pk")
        .filter(where)
    )


def suborders_with_lines(*, actor: Actor, state: int | None = None) -> QuerySet[SubOrder]:
    """`suborders_for_merchant` with each sub-order's shipment and lines: one query per page, plus one."""
    return suborders_for_merchant(actor=actor, state=state).select_related("shipment").prefetch_related("lines")


def suborders_page_with_lines(*, actor: Actor, state: int | None = None) -> QuerySet[SubOrder]:
    """`suborders_for_merchant` with each sub-order's lines (for a paginated list)."""
    return suborders_for_merchant(actor=actor, state=state).prefetch_related("lines")


def orders_of_customer(*, customer_id: int, last: int = 50) -> QuerySet[Order]:
    """A customer's latest orders with market and payment, newest first."""
    return (
        Order.objects.filter(customer_id=customer_id).select_related("market", "payment").order_by("-created_at")[:last]
    )


def orders_at_location(*, location_id: int, last: int = 10) -> QuerySet[Order]:
    """A store's latest orders with their payment, newest first."""
    return Order.objects.filter(location_id=location_id).select_related("payment").order_by("-created_at")[:last]
