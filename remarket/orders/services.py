"""Order writes. Checkout creates orders; merchants accept and ship their sub-orders."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.db import fetch_rows, insert_objects, insert_rows, update_rows, update_together
from remarket.core.errors import DomainError, NotFound
from remarket.core.text import text_check
from remarket.events.outbox import emit
from remarket.ledger.calc import commission_of, units_share
from remarket.ledger.services import (
    ledger_record_refund,
    ledger_record_sale,
    ledger_record_tax_change,
    line_money,
    shipping_money,
)
from remarket.markets.tax import ShipTo, TaxRule, tax_amount, tax_rules
from remarket.offers.vat import (
    VatScheme,
    line_tax_rule,
    margin_error,
    margin_refusal,
    vat_scheme_parse,
)

from .models import LineRefund, Order, OrderHistory, OrderLine, Shipment, SubOrder
from .partners import partner_commission_on_paid, partner_commission_on_refund
from .selectors import orderline_for_actor, suborder_for_actor
from .states import LineState, OrderState, line_transition_check, order_state_from_lines


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
    merchant_country: str = ""
    vat_scheme: str = VatScheme.STANDARD  # the listing's declaration (offers/vat.py)
    purchase_price_minor: int | None = None  # per unit, in `purchase_currency` (the margin scheme's basis)
    purchase_currency: str = ""
    commission_bp: int = 0


def order_create(
    *,
    market,
    channel,
    email: str,
    lines: list[PricedLine],
    currency: str,
    ship_to: ShipTo,
    location_id: int | None = None,
    customer_id: int | None = None,
    clerk_id: int | None = None,
    shipping_address: dict | None = None,
    shipping: dict | None = None,
    pickup_location_id: int | None = None,
) -> Order:
    """An order awaiting payment, one sub-order per merchant, its tax fixed per line (markets/tax.py) for the
    ship-to address and the day. Runs inside checkout's transaction."""
    if not lines:
        raise DomainError("ORDER_EMPTY", _("An order needs at least one item."))
    now = clock.now()
    priced = order_priced(market=market, lines=lines, shipping=shipping, ship_to=ship_to, currency=currency, now=now)
    subs = [sub for sub, _ in priced]
    rows = [order_lines for _, order_lines in priced]
    # one INSERT per table through core/db.py (no save() machinery: checkout writes these on every purchase)
    order = Order(
        market=market,
        channel=channel,
        location_id=location_id,
        pickup_location_id=pickup_location_id,
        customer_id=customer_id,
        clerk_id=clerk_id,
        email=email,
        currency=currency,
        total_minor=sum(s.total_minor for s in subs),
        tax_minor=sum(s.tax_minor for s in subs),
        shipping_address=shipping_address or {},
        created_at=now,
        modified_at=now,
    )
    insert_objects([order])
    for sub in subs:
        sub.order = order
    insert_objects(subs)
    for sub, order_lines in zip(subs, rows):
        for l in order_lines:
            l.suborder = sub
    insert_objects([l for order_lines in rows for l in order_lines])
    emit("order.created", {"order_id": order.pk}, along=[_history_row(order, now, "created, awaiting payment")])
    return order


def _history_row(order: Order, at: dt.datetime, what: str) -> tuple[type, list[dict]]:
    """The order's history line, to be written along with something else (`emit(along=...)`)."""
    return OrderHistory, [dict(order_id=order.pk, at=at, what=what)]


def _history(order: Order, at: dt.datetime, what: str) -> None:
    insert_rows(*_history_row(order, at, what))


def order_priced(
    *, market, lines: list[PricedLine], shipping: dict | None, ship_to: ShipTo, currency: str, now: dt.datetime
) -> list[tuple[SubOrder, list[OrderLine]]]:
    """An order's sub-orders (one per merchant, by merchant id) and their lines, priced and taxed for the
    ship-to address and the market's day, not saved: what `order_create` writes and a checkout quote shows."""
    today = market.local_date(now)
    by_merchant: dict[int, list[PricedLine]] = defaultdict(list)
    for line in lines:
        by_merchant[line.merchant_id].append(line)
    shipping = shipping or {}
    return [
        suborder_priced(
            market=market,
            merchant_id=merchant_id,
            lines=group,
            ship=shipping.get(merchant_id),
            ship_to=ship_to,
            on=today,
            currency=currency,
            now=now,
        )
        for merchant_id, group in sorted(by_merchant.items())
    ]


def suborder_priced(
    *,
    market,
    merchant_id: int,
    lines: list[PricedLine],
    ship,
    ship_to: ShipTo,
    on: dt.date,
    currency: str,
    now: dt.datetime,
) -> tuple[SubOrder, list[OrderLine]]:
    """One merchant's part of an order, priced and taxed, not yet saved: the sub-order (shipping, tax, total)
    and its lines. `ship` is the chosen shipping option (price_minor, carrier, delay_days) or None."""
    standard, margin = tax_rules(
        prices_include_tax=market.prices_include_tax,
        merchant_country=lines[0].merchant_country or market.code,
        ship_to=ship_to,
        on=on,
    )
    ship_price = ship.price_minor if ship else 0
    ship_tax = tax_amount(standard, ship_price) if standard.shipping_taxable else 0
    order_lines = [_priced(l, standard, margin, currency) for l in lines]
    sub = SubOrder(
        merchant_id=merchant_id,
        created_at=now,
        modified_at=now,
        shipping_carrier=ship.carrier if ship else "",
        shipping_minor=ship_price,
        shipping_tax_minor=ship_tax,
        shipping_tax_scheme=standard.scheme,
        shipping_delay_days=ship.delay_days if ship else None,
        tax_minor=ship_tax + sum(l.tax_minor for l in order_lines),
        total_minor=sum(line_money(l).paid_minor for l in order_lines)
        + ship_price
        + (0 if standard.included else ship_tax),
    )
    return sub, order_lines


def _priced(l: PricedLine, standard: TaxRule, margin: TaxRule | None, currency: str) -> OrderLine:
    total = l.unit_price_minor * l.quantity
    rule, purchase = line_tax_rule(
        vat_scheme=l.vat_scheme,
        purchase_price_minor=l.purchase_price_minor,
        purchase_currency=l.purchase_currency,
        currency=currency,
        unit_price_minor=l.unit_price_minor,
        standard=standard,
        margin=margin,
    )
    return OrderLine(
        listing_id=l.listing_id,
        location_id=l.location_id,
        sku=l.sku,
        title=l.title,
        grade=l.grade,
        quantity=l.quantity,
        unit_price_minor=l.unit_price_minor,
        total_minor=total,
        currency=currency,
        tax_scheme=rule.scheme,
        tax_rate=rule.rate,
        tax_jurisdiction=rule.jurisdiction,
        tax_minor=tax_amount(rule, total, purchase_minor=(purchase or 0) * l.quantity),
        purchase_price_minor=purchase,
        commission_bp=l.commission_bp,
        commission_minor=commission_of(total, l.commission_bp),
    )


def _move_lines(
    sub: SubOrder, *, to: int, only_from: tuple[int, ...] | None = None, line_ids: list[int] | None = None
) -> None:
    lines = [l for l in sub.lines.all() if line_ids is None or l.pk in line_ids]
    for line in lines:
        if only_from is None or line.state in only_from:
            line_transition_check(line.state, to)
    moving = [l for l in lines if only_from is None or l.state in only_from]
    if not moving:
        line_transition_check(lines[0].state, to)  # nothing can move: say why
    _lines_update(moving, to)
    for line in moving:
        line.state = to
    _refresh_states(sub)


def _lines_update(lines, to: int) -> None:
    """Move lines (anything with `pk` and `state`) whose state was checked; one conditional UPDATE per state they
    leave (usually one)."""
    for state in {l.state for l in lines}:
        ids = [l.pk for l in lines if l.state == state]
        # conditional: a concurrent writer that moved the line first makes the count fall short
        if update_rows(OrderLine, where={"pk": ids, "state": state}, values={"state": to}) != len(ids):
            raise DomainError(
                "ORDER_CHANGED_CONCURRENTLY", _("The order changed meanwhile; reload and retry."), status=409
            )


def _refresh_states(sub: SubOrder) -> None:
    """Derive the sub-order's and the order's states from their lines: one read of the order's line states."""
    now = clock.now()
    states = list(OrderLine.objects.filter(suborder__order_id=sub.order_id).values_list("suborder_id", "state"))
    sub.state = order_state_from_lines(state for sub_id, state in states if sub_id == sub.pk)
    sub.modified_at = now
    SubOrder.objects.filter(pk=sub.pk).update(state=sub.state, modified_at=now)
    order = sub.order
    order.state = order_state_from_lines(state for _, state in states)
    order.modified_at = now
    Order.objects.filter(pk=order.pk).update(state=order.state, modified_at=now)


class SubOrderMoney(NamedTuple):
    """What the ledger reads of a sub-order being paid (ledger_record_sale's `suborder`)."""

    pk: int
    order_id: int
    merchant_id: int
    shipping_minor: int
    shipping_tax_minor: int
    shipping_tax_scheme: str


class LineMoneyRow(NamedTuple):
    """What the ledger reads of an order line (ledger_record_sale's `lines`), and its state."""

    pk: int
    state: int
    total_minor: int
    tax_minor: int
    tax_scheme: str
    commission_minor: int
    currency: str


# every line of an order with what its sub-order's sale posts, in one read
_ORDER_LINES_SQL = (
    "SELECT s.id, s.order_id, s.merchant_id, s.shipping_minor, s.shipping_tax_minor,"
    " s.shipping_tax_scheme, l.id, l.state, l.total_minor, l.tax_minor, l.tax_scheme,"
    " l.commission_minor, l.currency FROM orders_orderline l"
    " JOIN orders_suborder s ON s.id = l.suborder_id WHERE s.order_id = %s ORDER BY s.id, l.id"
)


def _order_lines_move(order: Order, *, to: int) -> dict[SubOrderMoney, list[LineMoneyRow]]:
    """Move every line of an order (paid or not paid): the lines and their sub-orders are read once (as values),
    the states derived in memory and written with one conditional UPDATE per table. Returns each sub-order's
    lines, as they were read."""
    now = clock.now()
    by_sub: dict[SubOrderMoney, list[LineMoneyRow]] = {}
    for row in fetch_rows(_ORDER_LINES_SQL, [order.pk]):
        by_sub.setdefault(SubOrderMoney(*row[:6]), []).append(LineMoneyRow(*row[6:]))
    lines = [line for sub_lines in by_sub.values() for line in sub_lines]
    if not lines:
        raise DomainError("ORDER_EMPTY", _("An order needs at least one item."))
    for line in lines:
        line_transition_check(line.state, to)
    _lines_update(lines, to)
    sub_states = {sub: order_state_from_lines(to for _ in sub_lines) for sub, sub_lines in by_sub.items()}
    order.state, order.modified_at = order_state_from_lines(to for _ in lines), now
    update_together(
        [
            (
                SubOrder,
                {"pk": [sub.pk for sub, s in sub_states.items() if s == state]},
                {"state": state, "modified_at": now},
            )
            for state in set(sub_states.values())
        ]
        + [(Order, {"pk": order.pk}, {"state": order.state, "modified_at": now})]
    )
    return by_sub


def order_paid(*, order: Order) -> Order:
    """Payment captured: every line becomes paid, the ledger records each merchant's sale."""
    now = clock.now()
    by_sub = _order_lines_move(order, to=LineState.PAID)
    for sub, lines in by_sub.items():
        ledger_record_sale(suborder=sub, lines=lines)
    partner_commission_on_paid(order=order, by_sub=by_sub)
    emit("order.paid", {"order_id": order.pk, "paid_at": now.isoformat()}, along=[_history_row(order, now, "paid")])
    return order


def order_unpaid(*, order: Order, reason: str) -> Order:
    _order_lines_move(order, to=LineState.NOT_PAID)
    _history(order, clock.now(), f"not paid: {reason}")
    emit("order.unpaid", {"order_id": order.pk})
    return order


@transaction.atomic
def suborder_accept(*, actor: Actor, suborder_id: int, line_ids: list[int] | None = None) -> SubOrder:
    """Accept the paid lines of a sub-order (all of them, or the given ones)."""
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    if line_ids is not None:
        known = set(sub.lines.values_list("pk", flat=True))
        if not set(line_ids) <= known or not line_ids:
            raise DomainError("ORDER_LINE_NOT_FOUND", _("Some of these lines are not part of this order."))
    _move_lines(sub, to=LineState.ACCEPTED, only_from=(LineState.PAID,), line_ids=line_ids)
    OrderHistory.objects.create(order=sub.order, suborder=sub, at=clock.now(), what=f"accepted by {sub.merchant}")
    emit("suborder.accepted", {"suborder_id": sub.pk})
    return sub


def imei_check(imei: str) -> str:
    """A 15-digit IMEI with a valid Luhn check digit."""
    digits = "".join(ch for ch in imei if not ch.isspace() and ch != "-")
    if len(digits) != 15 or not digits.isdigit():
        raise DomainError("ORDER_IMEI_INVALID", _("An IMEI is 15 digits."))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10:
        raise DomainError("ORDER_IMEI_INVALID", _("This IMEI's check digit is wrong; check for a typo."))
    return digits


def _serials_record(sub: SubOrder, serials: dict[int, dict]) -> None:
    lines = {l.pk: l for l in sub.lines.all()}
    for line_id, values in serials.items():
        line = lines.get(int(line_id)) if str(line_id).isdigit() else None
        if line is None:
            raise DomainError("ORDER_LINE_NOT_FOUND", _("Line %(id)s is not part of this order.") % {"id": line_id})
        imei = imei_check(values["imei"]) if values.get("imei") else ""
        serial = str(values.get("serial_number") or "").strip()
        if len(serial) > 50:
            raise DomainError("ORDER_SERIAL_INVALID", _("A serial number is up to 50 characters."))
        text_check(serial, code="ORDER_SERIAL_INVALID", field="serial_number")
        if (imei and line.imei) or (serial and line.serial_number):
            raise DomainError(
                "ORDER_SERIAL_ALREADY_SET", _("The IMEI or serial number of a line is recorded once."), status=409
            )
        line.imei = imei or line.imei
        line.serial_number = serial or line.serial_number
        line.save(update_fields=["imei", "serial_number"])


@transaction.atomic
def orderline_serials_set(*, actor: Actor, suborder_id: int, serials: dict[int, dict]) -> SubOrder:
    """Record the IMEI / serial number of lines once (before or at shipping)."""
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    _serials_record(sub, serials)
    sub.modified_at = clock.now()
    sub.save(update_fields=["modified_at"])
    return sub


@transaction.atomic
def suborder_ship(
    *,
    actor: Actor,
    suborder_id: int,
    tracking_number: str,
    carrier: str,
    tracking_url: str = "",
    serials: dict[int, dict] | None = None,
) -> SubOrder:
    require(actor, "order.fulfil")
    tracking_number, carrier = str(tracking_number or "").strip(), str(carrier or "").strip()
    tracking_url = str(tracking_url or "").strip()
    if not tracking_number or len(tracking_number) > 200:
        raise DomainError("ORDER_TRACKING_REQUIRED", _("Shipping needs a tracking number (up to 200 characters)."))
    if len(carrier) > 200 or len(tracking_url) > 300:
        raise DomainError("ORDER_TRACKING_INVALID", _("A carrier is up to 200 characters, a tracking URL up to 300."))
    if not carrier:
        raise DomainError("ORDER_CARRIER_REQUIRED", _("Shipping needs the carrier's name."))
    # the customer reads all three (the order page, the shipping mail): no control characters, and a link
    # that is a web address, not a script
    text_check(tracking_number, code="ORDER_TRACKING_INVALID", field="tracking_number")
    text_check(carrier, code="ORDER_CARRIER_INVALID", field="carrier")
    text_check(tracking_url, code="ORDER_TRACKING_URL_INVALID", field="tracking_url")
    if tracking_url and not tracking_url.lower().startswith(("https://", "http://")):
        raise DomainError(
            "ORDER_TRACKING_URL_INVALID",
            _("A tracking URL starts with https:// or http://."),
            {"field": "tracking_url"},
        )
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    if hasattr(sub, "shipment"):
        raise DomainError(
            "ORDER_ALREADY_SHIPPED", _("This order was shipped already; tracking is recorded once."), status=409
        )
    _move_lines(sub, to=LineState.SHIPPED, only_from=(LineState.ACCEPTED,))
    if serials:
        _serials_record(sub, serials)
    Shipment.objects.create(
        suborder=sub,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        shipped_at=clock.now(),
    )
    OrderHistory.objects.create(
        order=sub.order,
        suborder=sub,
        at=clock.now(),
        what=f"shipped by {sub.merchant} with {carrier} {tracking_number}",
    )
    emit("suborder.shipped", {"suborder_id": sub.pk})
    return sub


def suborder_hand_over(*, suborder: SubOrder, clerk_id: int | None) -> SubOrder:
    """A counter sale: the clerk hands the paid device over, so the merchant's accept and ship happen at once."""
    _move_lines(suborder, to=LineState.ACCEPTED, only_from=(LineState.PAID,))
    _move_lines(suborder, to=LineState.SHIPPED, only_from=(LineState.ACCEPTED,))
    Shipment.objects.create(
        suborder=suborder,
        carrier="handed over in store",
        tracking_number=f"POS-{suborder.order.public_id.hex[:12].upper()}",
        shipped_at=clock.now(),
    )
    OrderHistory.objects.create(
        order=suborder.order, suborder=suborder, at=clock.now(), what=f"handed over at {suborder.order.location}"
    )
    emit("suborder.shipped", {"suborder_id": suborder.pk})
    return suborder


# every line of an order with its sub-order, the sub-orders locked in primary-key order (as a merchant's write
# locks one): what a counter hand-over reads before it moves them
_HAND_OVER_SQL = (
    "SELECT s.id, s.merchant_id, l.id, l.state, l.location_id FROM orders_suborder s"
    " JOIN orders_orderline l ON l.suborder_id = s.id WHERE s.order_id = %s ORDER BY s.id, l.id"
)


def order_hand_over(*, order: Order, place: str) -> list[int]:
    """A counter sale paid: every sub-order made only of paid shelf units (lines with a location) is handed over
    to the customer — the merchant's accept and ship at once (paid → accepted → shipped), each once. One locked
    read of the order's lines, one statement for the lines, sub-orders and order, one for the shipments, history
    and events (PostgreSQL; a few more elsewhere). Sub-orders of delivered offers stay with their merchant. A
    second call (a replay, a confirmation sent twice) finds the lines moved and hands nothing over. Returns the
    sub-orders handed over."""
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    rows = fetch_rows(_HAND_OVER_SQL + lock, [order.pk])
    by_sub: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    for sub_id, _merchant_id, line_id, state, location_id in rows:
        by_sub[sub_id].append((line_id, state, location_id))
    handed = [
        sub_id
        for sub_id, lines in by_sub.items()
        if all(location_id and state == LineState.PAID for _, state, location_id in lines)
    ]
    if not handed:
        return []
    line_transition_check(LineState.PAID, LineState.ACCEPTED)
    line_transition_check(LineState.ACCEPTED, LineState.SHIPPED)
    moving = [line_id for sub_id in handed for line_id, _, _ in by_sub[sub_id]]
    states = {
        sub_id: [LineState.SHIPPED if sub_id in handed else state for _, state, _ in lines]
        for sub_id, lines in by_sub.items()
    }
    now = clock.now()
    order.state = order_state_from_lines(s for sub_states in states.values() for s in sub_states)
    order.modified_at = now
    sub_state = order_state_from_lines([LineState.SHIPPED])
    counts = update_together(
        [
            (OrderLine, {"pk": moving, "state": LineState.PAID}, {"state": LineState.SHIPPED}),
            (SubOrder, {"pk": handed}, {"state": sub_state, "modified_at": now}),
            (Order, {"pk": order.pk}, {"state": order.state, "modified_at": now}),
        ]
    )
    if counts[0] != len(moving):  # the lines were read under the sub-orders' lock: cannot happen
        raise DomainError("ORDER_CHANGED_CONCURRENTLY", _("The order changed meanwhile; reload and retry."), status=409)
    tracking = f"POS-{order.public_id.hex[:12].upper()}"
    shipments = [
        dict(
            suborder_id=sub_id,
            carrier="handed over in store",
            tracking_number=tracking,
            tracking_url="",
            shipped_at=now,
        )
        for sub_id in handed
    ]
    history = [
        dict(order_id=order.pk, suborder_id=sub_id, at=now, what=f"handed over at {place}"[:200]) for sub_id in handed
    ]
    first, *others = handed
    for sub_id in others:
        emit("suborder.shipped", {"suborder_id": sub_id})
    emit("suborder.shipped", {"suborder_id": first}, along=[(Shipment, shipments), (OrderHistory, history)])
    return handed


class RefundPart(NamedTuple):
    """The money some units of a line carry (ledger_record_refund's and partner_commission_on_refund's `lines`)."""

    total_minor: int
    tax_minor: int
    tax_scheme: str
    commission_minor: int
    partner_commission_minor: int


CLOSED_LINE_STATES = (LineState.CANCELLED, LineState.REFUNDED_BEFORE_SHIPPING, LineState.REFUNDED_AFTER_SHIPPING)


def _lines_refund(sub: SubOrder, *, to: int, only_from: tuple[int, ...], line_ids: list[int] | None, reason: str):
    """Move whole lines to a cancelled or refunded state and give their money back — what is left of it when some
    of their units were refunded already. Returns the Refund to send after commit."""
    lines = [l for l in sub.lines.all() if line_ids is None or l.pk in line_ids]
    if line_ids is not None and len(lines) != len(set(line_ids)):
        raise DomainError("ORDER_LINE_NOT_FOUND", _("Some of these lines are not part of this order."))
    for line in lines:
        line_transition_check(line.state, to)
    return _units_refund(
        sub, to=to, only_from=only_from, units={l.pk: l.quantity - l.refunded_quantity for l in lines}, reason=reason
    )


def _units_refund(
    sub: SubOrder,
    *,
    to: int,
    only_from: tuple[int, ...],
    units: dict[int, int],
    reason: str,
    shipping_if_whole: bool = False,
):
    """Give back `units` (order line id → how many of its units) of a locked sub-order: each line's part of its
    money (ledger/calc.py `units_share`, exact to the cent once every unit is back), a line moving to `to` when
    its last unit is refunded. Each line's refunded count moves by one conditional update, so a unit is refunded
    once whoever asks twice. The parcel's shipping goes back once: when nothing is left to ship and nothing
    shipped, or — `shipping_if_whole`, a withdrawal — when this refund leaves every unit of the sub-order given
    back. Returns the Refund, sent after commit."""
    from remarket.payments.services import refund_request, refunds_execute

    lines = {l.pk: l for l in sub.lines.all()}
    if not units or any(pk not in lines for pk in units):
        raise DomainError("ORDER_LINE_NOT_FOUND", _("Some of these lines are not part of this order."))
    now = clock.now()
    parts: list[tuple[OrderLine, int, RefundPart]] = []
    for pk in sorted(units):
        line, count = lines[pk], units[pk]
        if line.state not in only_from:
            line_transition_check(line.state, to)  # says why it cannot move
            raise DomainError(
                "ORDER_LINE_TRANSITION_REFUSED",
                _("This item cannot be refunded in its state."),
                {"line": pk, "from": line.state, "to": to},
                status=409,
            )
        left = line.quantity - line.refunded_quantity
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise DomainError("ORDER_QUANTITY_INVALID", _("Refund at least one unit."), {"line": pk})
        if count > left:
            raise DomainError(
                "ORDER_UNITS_ALREADY_REFUNDED",
                _("Only %(n)s unit(s) of this item are left to refund.") % {"n": left},
                {"line": pk, "refundable": left},
                status=409,
            )
        done = count == left
        moved = OrderLine.objects.filter(pk=pk, state=line.state, refunded_quantity=line.refunded_quantity).update(
            refunded_quantity=F("refunded_quantity") + count, **({"state": to} if done else {})
        )
        if moved != 1:
            raise DomainError(
                "ORDER_CHANGED_CONCURRENTLY", _("The order changed meanwhile; reload and retry."), status=409
            )

        def part(amount: int, line=line, count=count) -> int:
            return units_share(amount, quantity=line.quantity, before=line.refunded_quantity, units=count)

        parts.append(
            (
                line,
                count,
                RefundPart(
                    part(line.total_minor),
                    part(line.tax_minor),
                    line.tax_scheme,
                    part(line.commission_minor),
                    part(line.partner_commission_minor),
                ),
            )
        )
    money = [p for _line, _count, p in parts]
    amount = sum(line_money(p).paid_minor for p in money)
    states = list(OrderLine.objects.filter(suborder=sub).values_list("state", flat=True))
    nothing_shipped = not (set(states) & {LineState.PAID, LineState.ACCEPTED}) and not hasattr(sub, "shipment")
    whole = shipping_if_whole and all(s in CLOSED_LINE_STATES for s in states)
    shipping = shipping_money(sub) if (nothing_shipped or whole) and not sub.shipping_refunded else None
    if shipping:  # None for a sub-order shipped free
        amount += shipping.paid_minor
        SubOrder.objects.filter(pk=sub.pk).update(shipping_refunded=True)
        sub.shipping_refunded = True
    _refresh_states(sub)
    ledger_record_refund(suborder=sub, lines=money, with_shipping=shipping is not None, memo=reason)
    partner_commission_on_refund(suborder=sub, lines=money)
    OrderHistory.objects.create(order=sub.order, suborder=sub, at=now, what=reason[:200])
    refund = refund_request(intent_id=sub.order.payment.pk, amount_minor=amount, reason=reason)
    LineRefund.objects.bulk_create(
        [
            LineRefund(
                order_line=line,
                refund=refund,
                quantity=count,
                units_before=line.refunded_quantity,
                total_minor=p.total_minor,
                tax_minor=p.tax_minor,
                commission_minor=p.commission_minor,
                partner_commission_minor=p.partner_commission_minor,
                at=now,
            )
            for line, count, p in parts
        ]
    )
    emit(
        "suborder.refunded",
        {"suborder_id": sub.pk, "amount_minor": amount, "refund_id": refund.pk, "shipping": shipping is not None},
    )
    # sent right after commit; if the gateway is down, the worker's refund job sends it later
    transaction.on_commit(lambda: refunds_execute(refund_ids=[refund.pk]), robust=True)
    return refund


@transaction.atomic
def orderlines_cancel(*, actor: Actor, suborder_id: int, line_ids: list[int] | None = None):
    """The merchant cannot honour paid lines (contract state 1 → 4): the customer is refunded."""
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    return _lines_refund(
        sub,
        to=LineState.CANCELLED,
        only_from=(LineState.PAID,),
        line_ids=line_ids,
        reason=f"cancelled by {sub.merchant}",
    )


@transaction.atomic
def orderlines_refund(*, actor: Actor, suborder_id: int, line_ids: list[int] | None = None):
    """Refund accepted lines before shipping (2 → 5) or shipped ones after (3 → 6)."""
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    states = {l.state for l in sub.lines.all() if line_ids is None or l.pk in line_ids}
    to = LineState.REFUNDED_AFTER_SHIPPING if LineState.SHIPPED in states else LineState.REFUNDED_BEFORE_SHIPPING
    return _lines_refund(
        sub,
        to=to,
        only_from=(LineState.ACCEPTED, LineState.SHIPPED),
        line_ids=line_ids,
        reason=f"refunded by {sub.merchant}",
    )


@transaction.atomic
def orderline_units_refund(*, suborder_id: int, units: dict[int, int], reason: str, withdrawal: bool = False):
    """Shipped units given back (after-sales: a return inspected, a claim refunded), some of a line or all of it:
    the caller decided on the merchant's behalf. A withdrawal (a return) that leaves the whole sub-order given back
    refunds its shipping too."""
    sub = SubOrder.objects.select_for_update(of=("self",)).select_related("order__payment").get(pk=suborder_id)
    return _units_refund(
        sub,
        to=LineState.REFUNDED_AFTER_SHIPPING,
        only_from=(LineState.SHIPPED,),
        units=units,
        reason=reason,
        shipping_if_whole=withdrawal,
    )


def orderlines_return_at_counter(*, suborder_id: int, line_ids: list[int], reason: str):
    """Lines handed over at a counter and brought back there (3 → 6), refunded as any return after shipping. The
    caller (checkout/counter.py) checked the store and the return window, inside its transaction."""
    sub = SubOrder.objects.select_for_update(of=("self",)).select_related("order__payment").get(pk=suborder_id)
    return _lines_refund(
        sub, to=LineState.REFUNDED_AFTER_SHIPPING, only_from=(LineState.SHIPPED,), line_ids=line_ids, reason=reason
    )


@transaction.atomic
def suborder_vat_scheme_set(*, actor: Actor, suborder_id: int, scheme: str) -> SubOrder:
    """The merchant states the VAT scheme of its open lines before they ship (the contract's `vat_type`):
    standard VAT or the margin scheme. Their tax is worked out again for the order's day and address, and the
    ledger moves the difference between the merchant's sale and tax lines (the buyer's price does not change)."""
    require(actor, "order.fulfil")
    if scheme not in VatScheme.values:
        raise DomainError("ORDER_VAT_TYPE_INVALID", _("vat_type is REGULAR or MARGINAL."))
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    if hasattr(sub, "shipment"):
        raise DomainError(
            "ORDER_VAT_TYPE_TOO_LATE",
            _("This order has shipped and is invoiced; its VAT scheme is set before shipping."),
            status=409,
        )
    order = sub.order
    lines = [l for l in sub.lines.select_related("listing") if l.state in (LineState.PAID, LineState.ACCEPTED)]
    ship_to = order.ship_to
    standard, margin = tax_rules(
        prices_include_tax=order.market.prices_include_tax,
        merchant_country=str(sub.merchant.country),
        ship_to=ship_to,
        on=order.market.local_date(order.created_at),
    )
    changed, delta = [], 0
    for line in lines:
        # the line's own purchase price (fixed at checkout, in its currency), else the listing's
        purchase, purchase_currency = (
            (line.purchase_price_minor, line.currency)
            if line.purchase_price_minor is not None
            else (line.listing.purchase_price_minor, line.listing.purchase_currency)
        )
        if scheme == VatScheme.MARGIN:
            refusal = margin_refusal(
                purchase_price_minor=purchase,
                purchase_currency=purchase_currency,
                currency=line.currency,
                unit_price_minor=line.unit_price_minor,
                sale_allows=margin is not None,
            )
            if refusal is not None:
                raise margin_error(refusal, sku=line.sku, currency=line.currency)
        rule, purchase = line_tax_rule(
            vat_scheme=scheme,
            purchase_price_minor=purchase,
            purchase_currency=purchase_currency,
            currency=line.currency,
            unit_price_minor=line.unit_price_minor,
            standard=standard,
            margin=margin,
        )
        tax = tax_amount(rule, line.total_minor, purchase_minor=(purchase or 0) * line.quantity)
        if (line.tax_scheme, line.tax_minor) == (rule.scheme, tax):
            continue
        delta += tax - line.tax_minor
        line.tax_scheme, line.tax_rate, line.tax_jurisdiction = rule.scheme, rule.rate, rule.jurisdiction
        line.tax_minor, line.purchase_price_minor = tax, purchase
        changed.append(line)
    if not changed:
        return sub
    OrderLine.objects.bulk_update(
        changed, ["tax_scheme", "tax_rate", "tax_jurisdiction", "tax_minor", "purchase_price_minor"]
    )
    now = clock.now()
    SubOrder.objects.filter(pk=sub.pk).update(tax_minor=F("tax_minor") + delta, modified_at=now)
    Order.objects.filter(pk=order.pk).update(tax_minor=F("tax_minor") + delta, modified_at=now)
    if delta and sub.state != OrderState.AWAITING_PAYMENT:
        ledger_record_tax_change(suborder=sub, delta_minor=delta, memo=f"VAT scheme set to {scheme}")
    OrderHistory.objects.create(order=order, suborder=sub, at=now, what=f"VAT scheme set to {scheme}")
    sub.refresh_from_db()
    return sub


# ---- a merchant's fulfilment request: one state for the lines of one SKU or all (the seller contract's
# UpdateOrder; any back-office form can send the same) ----------------------------------------------------------

TRACKING_NUMBER_MAX, CARRIER_MAX, TRACKING_URL_MAX, SERIAL_MAX = 200, 200, 300, 50  # the columns' lengths
SETTABLE_STATES = (  # the line states a merchant sets; the others follow payment or after-sales
    LineState.ACCEPTED,
    LineState.SHIPPED,
    LineState.CANCELLED,
    LineState.REFUNDED_BEFORE_SHIPPING,
    LineState.REFUNDED_AFTER_SHIPPING,
)
# 4 cancels paid lines, 5 refunds accepted ones, 6 shipped ones
GIVE_BACK_FROM = {
    LineState.CANCELLED: LineState.PAID,
    LineState.REFUNDED_BEFORE_SHIPPING: LineState.ACCEPTED,
    LineState.REFUNDED_AFTER_SHIPPING: LineState.SHIPPED,
}


@dataclass(frozen=True)
class Fulfilment:
    """A fulfilment request, checked (`fulfilment_check`): texts stripped and within their columns."""

    new_state: int
    sku: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    carrier: str = ""
    imei: str = ""
    serial_number: str = ""
    vat_scheme: str = ""  # a VatScheme; empty leaves it as it is


def _length_check(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise DomainError(
            "ORDER_FIELD_TOO_LONG",
            _("%(field)s is at most %(max)s characters here.") % {"field": field, "max": limit},
            {"field": field, "max": limit},
        )
    return value


def fulfilment_check(
    *,
    new_state: int,
    sku: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    carrier: str = "",
    imei: str = "",
    serial_number: str = "",
    vat_type: str = "",
    names: dict[str, str] | None = None,
) -> Fulfilment:
    """Check what a request asks before any order is read: a known line state, texts that fit their columns, an
    http(s) tracking URL, a VAT type (REGULAR / MARGINAL, any case). `names` gives the caller's names of the
    fields for its errors (`{"carrier": "shipper"}`)."""
    names = names or {}

    def name(field: str) -> str:
        return names.get(field, field)

    if new_state not in LineState.ALL:
        raise DomainError(
            "ORDER_STATE_INVALID",
            _("%(state)s is not an orderline state.") % {"state": new_state},
            {"field": name("new_state")},
        )
    tracking_url = _length_check(tracking_url.strip(), TRACKING_URL_MAX, name("tracking_url"))
    if tracking_url:
        try:
            URLValidator(schemes=["http", "https"])(tracking_url)
        except ValidationError:
            raise DomainError(
                "ORDER_TRACKING_URL_INVALID",
                _("%(field)s is an http(s) URL.") % {"field": name("tracking_url")},
                {"field": name("tracking_url")},
            ) from None
    carrier = _length_check(carrier.strip(), CARRIER_MAX, name("carrier"))
    serial_number = _length_check(serial_number.strip(), SERIAL_MAX, name("serial_number"))
    vat_scheme = vat_scheme_parse(vat_type, contract_only=True) if vat_type.strip() else None
    if vat_type.strip() and vat_scheme is None:
        raise DomainError("ORDER_VAT_TYPE_INVALID", _("vat_type is REGULAR or MARGINAL."), {"field": name("vat_type")})
    return Fulfilment(
        new_state=new_state,
        sku=sku.strip(),
        tracking_number=_length_check(tracking_number.strip(), TRACKING_NUMBER_MAX, name("tracking_number")),
        tracking_url=tracking_url,
        carrier=carrier,
        imei=imei.strip(),
        serial_number=serial_number,
        vat_scheme=vat_scheme or "",
    )


@transaction.atomic  # a refused state change leaves the VAT scheme as it was
def suborder_fulfil(*, actor: Actor, suborder_id: int, change: Fulfilment) -> SubOrder:
    """Apply a checked request to a sub-order: 2 accepts (all waiting lines, or those of `sku`), 3 ships the whole
    order, 4 cancels, 5 / 6 refund before / after shipping (the lines of `sku`, or all those it applies to); a
    `vat_scheme` is set first. Returns the sub-order in its new state."""
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id)
    lines = list(sub.lines.order_by("pk"))
    chosen = None
    if change.sku:
        chosen = [l for l in lines if l.sku.lower() == change.sku.lower()]
        if not chosen:
            raise NotFound(
                "ORDER_LINE_NOT_FOUND",
                _("No line of order %(id)s is listing %(sku)r.") % {"id": suborder_id, "sku": change.sku},
                {"field": "sku"},
            )
    if change.new_state not in SETTABLE_STATES:
        raise DomainError(
            "ORDER_STATE_NOT_SETTABLE",
            _("Orderlines are not set to %(state)s by the merchant: 2 accepts, 3 ships, 4 cancels, 5 and 6 refund.")
            % {"state": change.new_state},
            {"field": "new_state"},
        )
    if change.vat_scheme:
        suborder_vat_scheme_set(actor=actor, suborder_id=sub.pk, scheme=change.vat_scheme)
    if change.new_state == LineState.ACCEPTED:
        _fulfil_accept(actor, sub, lines, chosen)
    elif change.new_state == LineState.SHIPPED:
        _fulfil_ship(actor, sub, lines, change)  # the whole order ships: a sku names no subset here
    else:
        _fulfil_give_back(actor, sub, lines, chosen, change.new_state)
    sub.refresh_from_db(fields=["state", "modified_at"])
    return sub


def _refuse_each(lines: list[OrderLine], to: int) -> None:
    for line in lines:
        line_transition_check(line.state, to)


def _fulfil_accept(actor: Actor, sub: SubOrder, lines: list[OrderLine], chosen: list[OrderLine] | None) -> None:
    """No partial acceptance: the lines of every SKU still waiting are accepted together (or cancelled first)."""
    waiting = [l for l in lines if l.state == LineState.PAID]
    chosen = waiting if chosen is None else chosen
    _refuse_each(chosen or lines[:1], LineState.ACCEPTED)
    others = sorted({l.sku for l in waiting if l not in chosen})
    if others:
        raise DomainError(
            "ORDER_ACCEPT_PARTIAL_UNSUPPORTED",
            _(
                "Lines of this order under other SKUs (%(skus)s) still wait: accept them all at once, or first "
                "cancel those you cannot honour."
            )
            % {"skus": ", ".join(others)},
            {"field": "sku", "waiting_skus": others},
        )
    suborder_accept(actor=actor, suborder_id=sub.pk)


def serials_new(line: OrderLine, *, imei: str, serial_number: str) -> dict:
    """The identifiers a request would add to a line. Sending one already recorded again changes nothing, so a
    retried request succeeds; a different one is left to `_serials_record`, which refuses it."""
    wanted = {}
    if imei and imei_check(imei) != line.imei:
        wanted["imei"] = imei
    if serial_number and serial_number != line.serial_number:
        wanted["serial_number"] = serial_number
    return wanted


def _fulfil_ship(actor: Actor, sub: SubOrder, lines: list[OrderLine], change: Fulfilment) -> None:
    """Every line ships in one parcel: lines still waiting for acceptance must be accepted or cancelled first.
    An IMEI or serial number goes with shipping only for an order of one unit."""
    _refuse_each([l for l in lines if l.state == LineState.PAID], LineState.SHIPPED)
    serials = None
    if change.imei or change.serial_number:
        if len(lines) != 1 or lines[0].quantity != 1:
            raise DomainError(
                "ORDER_SERIAL_AMBIGUOUS",
                _("An IMEI or serial number goes with shipping only for an order of one unit; record them per line."),
                {"field": "imei" if change.imei else "serial_number"},
            )
        wanted = serials_new(lines[0], imei=change.imei, serial_number=change.serial_number)
        serials = {lines[0].pk: wanted} if wanted else None
    suborder_ship(
        actor=actor,
        suborder_id=sub.pk,
        tracking_number=change.tracking_number,
        carrier=change.carrier or sub.shipping_carrier,
        tracking_url=change.tracking_url,
        serials=serials,
    )


def _fulfil_give_back(
    actor: Actor, sub: SubOrder, lines: list[OrderLine], chosen: list[OrderLine] | None, to: int
) -> None:
    chosen = chosen if chosen is not None else [l for l in lines if l.state == GIVE_BACK_FROM[to]]
    _refuse_each(chosen or lines[:1], to)
    service = orderlines_cancel if to == LineState.CANCELLED else orderlines_refund
    service(actor=actor, suborder_id=sub.pk, line_ids=[l.pk for l in chosen])


def orderline_serials_record(*, actor: Actor, orderline_id: int, imei: str = "", serial_number: str = "") -> OrderLine:
    """Record a line's IMEI and/or serial number, once each: the same value again changes nothing, another one is
    refused (ORDER_SERIAL_ALREADY_SET). Returns the line with what it holds now."""
    serial_number = _length_check(serial_number.strip(), SERIAL_MAX, "serial_number")
    imei = imei.strip()
    if not imei and not serial_number:
        raise DomainError("ORDER_SERIAL_MISSING", _("Send imei, serial_number or both."), {"field": "imei"})
    line = orderline_for_actor(actor=actor, orderline_id=orderline_id)
    wanted = serials_new(line, imei=imei, serial_number=serial_number)
    if wanted:
        orderline_serials_set(actor=actor, suborder_id=line.suborder_id, serials={line.pk: wanted})
        line.refresh_from_db(fields=["imei", "serial_number"])
    return line
