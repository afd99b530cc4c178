"""Sales facts and rollups, built from events so reports never scan order history on a request.

A paid order line becomes a `SaleFact` (once: a redelivered event finds its facts and does nothing); each refunded
part of a line (all its units, or some) a negative `RefundFact` counted in its sale's month and slice. Each write adds its sums to the two rollups in
the same transaction (`GmvRollup`: month × country × channel; `GmvSlice`: the same by category, merchant, partner
and location), so they stay equal to `rollups_rebuild`'s full recomputation whatever order events arrive in."""

import copy
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from remarket.core.db import advisory_lock
from remarket.core.errors import DomainError
from remarket.core.money import convert
from remarket.impact.calc import avoided
from remarket.ledger.calc import units_share
from remarket.markets.fx import to_eur_rate
from remarket.orders.models import Order, OrderLine

from .models import GmvRollup, GmvSlice, GmvYearSlice, RefundFact, SaleFact
from .rebuild import rollups_rebuild

__all__ = ["customer_key", "refund_record", "rollups_add", "rollups_rebuild", "sale_facts_build", "sale_record"]

CUSTOMER_LOCK = 0x5A1E_0000_0000_0000  # advisory lock namespace: a customer's first order is decided one at a time
MEASURES = (  # a fact's amounts (a refund's are the sale's, negated)
    "quantity",
    "gmv_eur_minor",
    "commission_eur_minor",
    "co2e_avoided_g",
    "co2e_low_g",
    "co2e_high_g",
    "ewaste_avoided_g",
)


def customer_key(*, customer_id: int | None, email: str) -> int | None:
    """Who bought, for new-versus-returning: the user, else a guest's e-mail (a negative 63-bit digest, so it
    never meets a user id); None for a walk-in who left none."""
    if customer_id:
        return customer_id
    email = (email or "").strip().lower()
    if not email:
        return None
    return -(int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big") >> 1) - 1


def sale_facts_build(
    *,
    order: Order,
    lines: list[OrderLine],
    sold_at: dt.datetime,
    rate_cache: dict | None = None,
    new_customer: bool = False,
) -> list[SaleFact]:
    """The facts of a paid order's lines (not saved). `rate_cache` spares repeated FX look-ups in bulk."""
    market = order.market
    month = market.local_month(sold_at)
    cache = rate_cache if rate_cache is not None else {}
    key = (order.currency, month)
    if key not in cache:
        cache[key] = to_eur_rate(currency=order.currency, on=month)
    rate, provisional = cache[key]
    facts = []
    for line in lines:
        model = line.listing.variant.model
        impact = avoided(model.category.impact_key, line.quantity, brand=model.brand, model_name=model.name)
        facts.append(
            SaleFact(
                order_line=line,
                order_id=order.pk,
                market_code=market.code,
                channel_kind=order.channel.kind,
                location_id=order.location_id,
                partner_id=order.channel.partner_id,
                category_id=model.category_id,
                merchant_id=line.suborder.merchant_id,
                customer_key=customer_key(customer_id=order.customer_id, email=order.email),
                new_customer=new_customer,
                sold_at=sold_at,
                sold_on=market.local_date(sold_at),
                month=month,
                quantity=line.quantity,
                gmv_minor=line.total_minor,
                currency=order.currency,
                gmv_eur_minor=convert(line.total_minor, order.currency, "EUR", rate),
                eur_rate=rate,
                eur_rate_provisional=provisional,
                commission_eur_minor=convert(line.commission_minor, order.currency, "EUR", rate),
                co2e_avoided_g=impact.co2e_g,
                co2e_low_g=impact.co2e_low_g,
                co2e_high_g=impact.co2e_high_g,
                ewaste_avoided_g=impact.ewaste_g,
            )
        )
    return facts


def _rollup_key(f: SaleFact) -> tuple:
    return (f.month, f.market_code, f.channel_kind)


def _slice_key(f: SaleFact) -> tuple:
    return (*_rollup_key(f), f.category_id or 0, f.merchant_id or 0, f.partner_id or 0, f.location_id or 0)


def _year_key(f: SaleFact) -> tuple:
    return (f.month.replace(month=1), *_slice_key(f)[1:])


_SLICE_FIELDS = ("month", "market_code", "channel_kind", "category_id", "merchant_id", "partner_id", "location_id")
_ROLLUP_FIELDS = _SLICE_FIELDS[:3]
_YEAR_FIELDS = ("year", *_SLICE_FIELDS[1:])


def _sums(facts: Iterable[SaleFact], key, *, sign: int, new_field: str) -> dict[tuple, dict[str, int]]:
    """Per rollup key, what `facts` add (sign 1: sales) or take off (sign -1: refunds of those sales)."""
    sums: dict[tuple, dict[str, int]] = {}
    orders_seen: set[tuple] = set()
    for f in facts:
        k = key(f)
        s = sums.setdefault(k, defaultdict(int))
        q, gmv = f.quantity, f.gmv_eur_minor
        s["units"] += sign * q
        s["gmv_eur_minor"] += sign * gmv
        s["commission_eur_minor"] += sign * f.commission_eur_minor
        if sign > 0:
            s["gross_units"] += q
            s["gross_eur_minor"] += gmv
            if (k, f.order_id) not in orders_seen:
                orders_seen.add((k, f.order_id))
                s["orders"] += 1
                s[new_field] += f.new_customer
        else:
            s["refunds_eur_minor"] += gmv
        if key is _rollup_key:
            for name in ("co2e_avoided_g", "co2e_low_g", "co2e_high_g", "ewaste_avoided_g"):
                s[name] += sign * getattr(f, name)
    return sums


def _apply(model, fields: tuple[str, ...], sums: dict[tuple, dict[str, int]]) -> None:
    """Atomic increments, the rows created first when missing (in key order, so concurrent writers lock alike)."""
    for k, added in sorted(sums.items()):
        where = dict(zip(fields, k))
        changes = {name: F(name) + value for name, value in added.items() if value}
        if not changes:
            continue
        if not model.objects.filter(**where).update(**changes):
            model.objects.get_or_create(**where)
            model.objects.filter(**where).update(**changes)


def rollups_add(facts: list[SaleFact], *, sign: int = 1) -> None:
    """Add sales' facts to their rollups and slices (sign -1: take off those sales, refunded)."""
    _apply(GmvRollup, _ROLLUP_FIELDS, _sums(facts, _rollup_key, sign=sign, new_field="new_customers"))
    _apply(GmvSlice, _SLICE_FIELDS, _sums(facts, _slice_key, sign=sign, new_field="new_customer_orders"))
    _apply(GmvYearSlice, _YEAR_FIELDS, _sums(facts, _year_key, sign=sign, new_field="new_customer_orders"))


def _first_order(*, key: int | None, order_id: int, sold_at: dt.datetime) -> bool:
    """Whether this order is its customer's first paid one; when a late event brings an order older than the one
    counted first, that one stops counting as new (its facts and the rollups' counts are corrected)."""
    if key is None:
        return False
    advisory_lock(CUSTOMER_LOCK ^ (key & 0xFFFF_FFFF_FFFF))
    before = Q(sold_at__lt=sold_at) | Q(sold_at=sold_at, order_id__lt=order_id)
    mine = SaleFact.objects.filter(customer_key=key).exclude(order_id=order_id)
    if mine.filter(before).exists():
        return False
    displaced = list(mine.filter(new_customer=True).exclude(before))
    if displaced:
        SaleFact.objects.filter(pk__in=[f.pk for f in displaced]).update(new_customer=False)
        for model, fields, key_of, name in (
            (GmvRollup, _ROLLUP_FIELDS, _rollup_key, "new_customers"),
            (GmvSlice, _SLICE_FIELDS, _slice_key, "new_customer_orders"),
            (GmvYearSlice, _YEAR_FIELDS, _year_key, "new_customer_orders"),
        ):
            cells = {(key_of(f), f.order_id) for f in displaced}
            _apply(model, fields, {k: {name: -1} for k, _ in cells})
    return True


@transaction.atomic
def sale_record(*, order_id: int, sold_at: dt.datetime) -> list[SaleFact]:
    """Facts and rollups for one paid order (the `order.paid` handler); nothing when they exist already."""
    order = Order.objects.select_related("market", "channel").get(pk=order_id)
    lines = list(
        OrderLine.objects.filter(suborder__order=order)
        .select_related("suborder", "listing__variant__model__category")
        .exclude(fact__isnull=False)
        .order_by("pk")
    )
    if not lines:
        return []
    key = customer_key(customer_id=order.customer_id, email=order.email)
    new = _first_order(key=key, order_id=order.pk, sold_at=sold_at)
    facts = sale_facts_build(order=order, lines=lines, sold_at=sold_at, new_customer=new)
    SaleFact.objects.bulk_create(facts)
    rollups_add(facts)
    return facts


def _part(f: SaleFact, *, quantity: int, before: int, units: int) -> SaleFact:
    """The share of a sale's fact that `units` of its line carry (an unsaved copy, for the rollups)."""
    part = copy.copy(f)
    for name in MEASURES:
        if name == "quantity":
            part.quantity = units
        else:
            setattr(part, name, units_share(getattr(f, name), quantity=quantity, before=before, units=units))
    part.gmv_minor = units_share(f.gmv_minor, quantity=quantity, before=before, units=units)
    return part


def refund_facts_build(facts: list[SaleFact], *, refunded_at: dt.datetime, line_refunds=None) -> list[RefundFact]:
    """The negative facts of refunded sales, or of `line_refunds` (each with the fact of its part), not saved."""
    return [
        RefundFact(
            order_line_id=f.order_line_id,
            sale_id=f.pk,
            line_refund=lr,
            refunded_at=refunded_at,
            gmv_minor=-f.gmv_minor,
            **{name: -getattr(f, name) for name in MEASURES},
        )
        for f, lr in zip(facts, line_refunds or [None] * len(facts), strict=True)
    ]


@transaction.atomic
def refund_record(
    *, refunded_at: dt.datetime, refund_id: int | None = None, order_line_ids: list[int] | None = None
) -> list[RefundFact]:
    """Take refunded units' sales off their rollups and slices (the `return.refunded` and `suborder.refunded`
    handlers): GMV, units, commission and the avoided CO2e (with its range) and e-waste, as the sale recorded them
    — their share for the units given back when a line is refunded in parts — in the sale's month. The parts are
    the refund's (`refund_id`), or every part of `order_line_ids`. A part already taken off is skipped; a line
    whose sale is not recorded yet (its `order.paid` event comes later) is refused, and the outbox delivers the
    refund again after it."""
    from remarket.orders.models import LineRefund

    found = LineRefund.objects.select_related("order_line").order_by("order_line_id", "units_before")
    parts: list[LineRefund]
    whole_ids: list[int] = []  # lines given back whole without a record of their parts (facts loaded directly)
    if refund_id is not None:
        parts = list(found.filter(refund_id=refund_id))
    else:
        ids = sorted(set(order_line_ids or ()))
        parts = list(found.filter(order_line_id__in=ids))
        whole_ids = sorted(set(ids) - {p.order_line_id for p in parts})
    parts = [p for p in parts if not RefundFact.objects.filter(line_refund=p).exists()]
    ids = sorted({p.order_line_id for p in parts} | set(whole_ids))
    facts = {f.order_line_id: f for f in SaleFact.objects.select_for_update().filter(order_line_id__in=ids)}
    if len(facts) < len(ids):
        missing = sorted(set(ids) - set(facts))
        raise DomainError(
            "ANALYTICS_SALE_NOT_RECORDED",
            _("The sale of these lines is not recorded yet; the refund is recorded after it."),
            {"order_line_ids": missing},
            status=409,
        )
    sales = [f.pk for f in facts.values()]
    whole = set(RefundFact.objects.filter(sale__in=sales, line_refund=None).values_list("sale_id", flat=True))
    any_refund = set(RefundFact.objects.filter(sale__in=sales).values_list("sale_id", flat=True))
    parts = [p for p in parts if facts[p.order_line_id].pk not in whole]  # taken off whole already
    shares = [
        _part(facts[p.order_line_id], quantity=p.order_line.quantity, before=p.units_before, units=p.quantity)
        for p in parts
    ]
    entire = [facts[i] for i in whole_ids if facts[i].pk not in any_refund]
    refunds = refund_facts_build(shares + entire, refunded_at=refunded_at, line_refunds=[*parts, *[None] * len(entire)])
    RefundFact.objects.bulk_create(refunds)
    rollups_add(shares + entire, sign=-1)
    return refunds


def refunded_lines(*, suborder_id: int) -> list[int]:
    """A sub-order's refunded lines, and its lines cancelled after they were sold."""
    from remarket.orders.states import LineState

    refunded = Q(state__in=(LineState.REFUNDED_BEFORE_SHIPPING, LineState.REFUNDED_AFTER_SHIPPING))
    cancelled_after_sale = Q(state=LineState.CANCELLED, fact__isnull=False)  # cancelled unpaid: never sold
    return list(
        OrderLine.objects.filter(refunded | cancelled_after_sale, suborder_id=suborder_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
