import datetime as dt
from collections import defaultdict
from dataclasses import astuple, dataclass, field

from django.db.models import Sum

from remarket.impact.calc import Avoided, avoided
from remarket.orders.models import OrderLine

from .models import GmvRollup

CHANNEL_KINDS = ("web", "store", "partner")


@dataclass
class GmvTable:
    months: list[dt.date]
    countries: list[str]
    cells: dict[tuple[str, str], int]  # (country, channel kind) → GMV in EUR minor units
    by_month: dict[str, list[int]] = field(default_factory=dict)  # channel kind → GMV per month
    total_eur_minor: int = 0
    units: int = 0
    co2e_avoided_g: int = 0
    co2e_low_g: int = 0
    co2e_high_g: int = 0
    ewaste_avoided_g: int = 0


def gmv_by_country_channel(*, since: dt.date, until: dt.date) -> GmvTable:
    """GMV (EUR) by country × channel over [since, until), from the rollups only."""
    rows = list(
        GmvRollup.objects.filter(month__gte=since, month__lt=until)
        .values("month", "market_code", "channel_kind")
        .annotate(
            gmv=Sum("gmv_eur_minor"),
            units=Sum("units"),
            co2e=Sum("co2e_avoided_g"),
            co2e_low=Sum("co2e_low_g"),
            co2e_high=Sum("co2e_high_g"),
            ewaste=Sum("ewaste_avoided_g"),
        )
    )
    months = sorted({r["month"] for r in rows})
    cells: dict[tuple[str, str], int] = defaultdict(int)
    by_month = {kind: [0] * len(months) for kind in CHANNEL_KINDS}
    table = GmvTable(months=months, countries=sorted({r["market_code"] for r in rows}), cells=cells, by_month=by_month)
    for r in rows:
        cells[(r["market_code"], r["channel_kind"])] += r["gmv"]
        by_month.setdefault(r["channel_kind"], [0] * len(months))[months.index(r["month"])] += r["gmv"]
        table.total_eur_minor += r["gmv"]
        table.units += r["units"]
        table.co2e_avoided_g += r["co2e"]
        table.co2e_low_g += r["co2e_low"]
        table.co2e_high_g += r["co2e_high"]
        table.ewaste_avoided_g += r["ewaste"]
    return table


@dataclass(frozen=True)
class ImpactTotals:
    units: int
    co2e_avoided_g: int
    co2e_low_g: int
    co2e_high_g: int
    ewaste_avoided_g: int


def impact_totals() -> ImpactTotals:
    """What every device sold so far avoided, from the rollups (one aggregate over months × countries × channels,
    never the facts)."""
    sums = GmvRollup.objects.aggregate(
        units=Sum("units"),
        co2e=Sum("co2e_avoided_g"),
        low=Sum("co2e_low_g"),
        high=Sum("co2e_high_g"),
        ewaste=Sum("ewaste_avoided_g"),
    )
    return ImpactTotals(*(sums[k] or 0 for k in ("units", "co2e", "low", "high", "ewaste")))


def order_impact(*, order_id: int) -> Avoided:
    """What an order's devices avoid, from its lines' models (paid or not yet: the order page shows it at once,
    before the sale's facts are written by the worker)."""
    total = Avoided()
    lines = OrderLine.objects.filter(suborder__order_id=order_id).values_list(
        "quantity",
        "listing__variant__model__category__impact_key",
        "listing__variant__model__brand",
        "listing__variant__model__name",
    )
    for quantity, impact_key, brand, name in lines:
        a = avoided(impact_key or "", quantity, brand=brand, model_name=name)
        total = Avoided(*(x + y for x, y in zip(astuple(total), astuple(a))))
    return total
