"""Sales facts and rollups, built from events so reports never scan order history on a request."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum

from remarket.core.money import convert
from remarket.impact.calc import avoided
from remarket.markets.fx import to_eur_rate
from remarket.orders.models import Order, OrderLine

from .models import GmvRollup, RefundFact, SaleFact


def _month_in(market, at: dt.datetime) -> dt.date:
    return market.local_month(at)


def sale_facts_build(
    *, order: Order, lines: list[OrderLine], sold_at: dt.datetime, rate_cache: dict | None = None
) -> list[SaleFact]:
    """The facts of a paid order's lines (not saved). `rate_cache` spares repeated FX look-ups in bulk."""
    market = order.market
    month = _month_in(market, sold_at)
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
                market_code=market.code,
                channel_kind=order.channel.kind,
                location_id=order.location_id,
                merchant_id=line.suborder.merchant_id,
                sold_at=sold_at,
                month=month,
                quantity=line.quantity,
                gmv_minor=line.total_minor,
                currency=order.currency,
                gmv_eur_minor=convert(line.total_minor, order.currency, "EUR", rate),
                eur_rate=rate,
                eur_rate_provisional=provisional,
                co2e_avoided_g=impact.co2e_g,
                co2e_low_g=impact.co2e_low_g,
                co2e_high_g=impact.co2e_high_g,
                ewaste_avoided_g=impact.ewaste_g,
            )
        )
    return facts


# a rollup's column → the fact's column it sums
_SUMMED = {
    "units": "quantity",
    "gmv_eur_minor": "gmv_eur_minor",
    "co2e_avoided_g": "co2e_avoided_g",
    "co2e_low_g": "co2e_low_g",
    "co2e_high_g": "co2e_high_g",
    "ewaste_avoided_g": "ewaste_avoided_g",
}


def rollups_add(facts: list[SaleFact]) -> None:
    """Add facts to their month × country × channel rollups with atomic increments."""
    sums: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("orders", *_SUMMED), 0))
    orders_seen: set[tuple] = set()
    for f in facts:
        key = (f.month, f.market_code, f.channel_kind)
        s = sums[key]
        order_key = (key, f.order_line.suborder.order_id)
        s["orders"] += order_key not in orders_seen
        orders_seen.add(order_key)
        for rollup_field, fact_field in _SUMMED.items():
            s[rollup_field] += getattr(f, fact_field)
    for (month, market_code, kind), added in sorted(sums.items()):
        GmvRollup.objects.get_or_create(month=month, market_code=market_code, channel_kind=kind)
        GmvRollup.objects.filter(month=month, market_code=market_code, channel_kind=kind).update(
            **{name: F(name) + value for name, value in added.items()}
        )


def sale_record(*, order_id: int, sold_at: dt.datetime) -> list[SaleFact]:
    """Facts and rollups for one paid order (the `order.paid` handler)."""
    order = Order.objects.select_related("market", "channel").get(pk=order_id)
    lines = list(
        OrderLine.objects.filter(suborder__order=order)
        .select_related("suborder", "listing__variant__model__category")
        .exclude(fact__isnull=False)
    )
    facts = sale_facts_build(order=order, lines=lines, sold_at=sold_at)
    SaleFact.objects.bulk_create(facts)
    rollups_add(facts)
    return facts


def refund_record(*, order_line_ids: list[int], refunded_at: dt.datetime) -> list[RefundFact]:
    """Take refunded lines' sales off their month's rollup (the `return.refunded` handler): GMV, units and the
    avoided CO2e (with its range) and e-waste, as the sale recorded them. A line without a sale fact, or already
    taken off, is skipped."""
    facts = list(
        SaleFact.objects.filter(order_line_id__in=order_line_ids, refund__isnull=True).order_by("order_line_id")
    )
    refunds = [RefundFact(order_line_id=f.order_line_id, sale=f, refunded_at=refunded_at) for f in facts]
    RefundFact.objects.bulk_create(refunds)
    for f in facts:
        GmvRollup.objects.filter(month=f.month, market_code=f.market_code, channel_kind=f.channel_kind).update(
            **{name: F(name) - getattr(f, fact_field) for name, fact_field in _SUMMED.items()}
        )
    return refunds


@transaction.atomic
def rollups_rebuild() -> int:
    """Recompute every rollup from the facts (after a bulk load, or to check the incremental path)."""
    GmvRollup.objects.all().delete()
    # read as mappings: the plugin types a values() row by its literal keys and cannot see the sum_* ones
    rows: QuerySet[SaleFact, Mapping[str, Any]] = SaleFact.objects.values(
        "month", "market_code", "channel_kind"
    ).annotate(
        orders=Count("order_line__suborder__order", distinct=True),
        **{f"sum_{name}": Sum(fact_field) for name, fact_field in _SUMMED.items()},
    )
    GmvRollup.objects.bulk_create(
        [
            GmvRollup(
                month=r["month"],
                market_code=r["market_code"],
                channel_kind=r["channel_kind"],
                orders=r["orders"],
                **{name: r[f"sum_{name}"] for name in _SUMMED},
            )
            for r in rows
        ]
    )
    refunded: Iterable[Mapping[str, Any]] = RefundFact.objects.values(
        "sale__month", "sale__market_code", "sale__channel_kind"
    ).annotate(**{f"sum_{name}": Sum(f"sale__{fact_field}") for name, fact_field in _SUMMED.items()})
    for r in refunded:  # net of returns, as the incremental path keeps them
        GmvRollup.objects.filter(
            month=r["sale__month"], market_code=r["sale__market_code"], channel_kind=r["sale__channel_kind"]
        ).update(**{name: F(name) - r[f"sum_{name}"] for name in _SUMMED})
    return len(rows)
