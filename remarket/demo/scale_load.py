"""The summarised history (demo/scale.py) written to the database: one transaction per month, which writes the
month's facts (COPY on PostgreSQL, batched inserts elsewhere) and records the month as done (`LoadChunk`), so that
a load that crashed starts again after its last month done; then the rollups are recomputed from the facts."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from remarket.analytics.models import LoadChunk, RefundFact, SaleFact
from remarket.analytics.services import rollups_rebuild
from remarket.catalog.models import Category
from remarket.core import clock
from remarket.impact.calc import avoided
from remarket.markets.fx import to_eur_rate
from remarket.markets.models import Channel, Location, Market
from remarket.merchants.models import Merchant

from .scale import REFUND_COLUMNS, SALE_COLUMNS, Context, MonthPlan, MonthRows, month_add, plan, reference_month_gmv

BATCH = 5000


@dataclass(frozen=True)
class LoadResult:
    months: int
    months_skipped: int  # done by an earlier run
    lines: int
    refunds: int


def merchants_ensure(*, count: int, now: dt.datetime) -> list[int]:
    """At least `count` merchants (the demo's, then refurbishers without logins, summarised), largest first."""
    have = Merchant.objects.count()
    if have < count:
        markets = list(Market.objects.order_by("code").values_list("code", flat=True)) or ["FR"]
        Merchant.objects.bulk_create(
            [
                Merchant(
                    name=f"Refurbisher {n:04d}",
                    slug=f"refurbisher-{n:04d}",
                    country=markets[n % len(markets)],
                    status=Merchant.Status.ACTIVE,
                    created_at=now,
                )
                for n in range(have, count)
            ],
            batch_size=BATCH,
        )
    return list(Merchant.objects.order_by("pk").values_list("pk", flat=True)[:count])


def context_load(*, merchants: list[int]) -> Context:
    rates: dict[tuple[str, dt.date], tuple[Decimal, bool]] = {}

    def rate(currency: str, month: dt.date) -> tuple[Decimal, bool]:
        if (currency, month) not in rates:
            rates[(currency, month)] = to_eur_rate(currency=currency, on=month)
        return rates[(currency, month)]

    categories = {}
    for pk, slug, impact_key in Category.objects.values_list("pk", "slug", "impact_key"):
        a = avoided(impact_key or "", 1)
        categories[slug] = (pk, a.co2e_g, a.co2e_low_g, a.co2e_high_g, a.ewaste_g)
    store = Location.objects.filter(channel__kind=Channel.Kind.STORE).order_by("pk").first()
    corners = list(
        Location.objects.filter(channel__kind=Channel.Kind.PARTNER).order_by("pk").values_list("pk", "channel__partner")
    )
    return Context(
        markets={m.code: (m.currency, m.time_zone) for m in Market.objects.all()},
        merchants=merchants,
        categories=categories,
        store=store.pk if store else 0,
        corners=[pk for pk, _ in corners],
        partner=corners[0][1] if corners else 0,
        rate=rate,
    )


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _write(sales: list[tuple], refunds: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        _copy("analytics_salefact", SALE_COLUMNS, sales)
        _copy("analytics_refundfact", REFUND_COLUMNS, refunds)
        return
    SaleFact.objects.bulk_create([SaleFact(**dict(zip(SALE_COLUMNS, r))) for r in sales], batch_size=BATCH)
    RefundFact.objects.bulk_create([RefundFact(**dict(zip(REFUND_COLUMNS, r))) for r in refunds], batch_size=BATCH)


def history_load(
    *,
    scale: str,
    fraction: float,
    since: dt.date,
    until: dt.date,
    seed: int = 1,
    merchants: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    after_month: Callable[[dt.date], None] | None = None,
) -> LoadResult:
    """Generate and write the months [since, until) at `fraction` of the reference; months recorded done under
    `scale` are skipped. `progress(orders_done, orders_total)` after each month; `after_month` is a test's hook."""
    now = clock.now()
    ids = (
        merchants_ensure(count=merchants, now=now)
        if merchants
        else list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
    )
    context = context_load(merchants=ids)
    chosen = [p for p in plan(fraction=fraction, categories=_slugs(context), until=until) if p.month >= since]
    done = set(LoadChunk.objects.filter(scale=scale).values_list("key", flat=True))
    total = sum(p.orders for p in chosen)
    generator = MonthRows(context=context, seed=seed)
    lines = refunds = skipped = orders = 0
    for p in chosen:
        key = f"{p.month:%Y-%m}"
        if key in done:
            skipped += 1
        else:
            lines_made, refunds_made = _month(scale, key, p, generator)
            lines += lines_made
            refunds += refunds_made
            if after_month:
                after_month(p.month)
        orders += p.orders
        if progress:
            progress(orders, total)
    rollups_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE analytics_salefact")
            cursor.execute("ANALYZE analytics_gmvslice")
            cursor.execute("ANALYZE analytics_gmvrollup")
    return LoadResult(months=len(chosen), months_skipped=skipped, lines=lines, refunds=refunds)


@transaction.atomic
def _month(scale: str, key: str, p: MonthPlan, generator: MonthRows) -> tuple[int, int]:
    sales, refunds = generator.rows(p)
    _write(sales, refunds)
    LoadChunk.objects.create(scale=scale, key=key, rows=len(sales), done_at=clock.now())
    return len(sales), len(refunds)


def _slugs(context: Context) -> list[str]:
    from .scale import CATEGORY_MIX

    return [s for s in CATEGORY_MIX if s in context.categories]


def standard_fraction(*, first_real: dt.date, until: dt.date) -> float:
    """The fraction of the reference that the demo's own orders are, over their whole months: the summarised
    years before them continue the same curve."""
    real = SaleFact.objects.filter(month__gte=first_real, month__lt=until, order_line__isnull=False).aggregate(
        s=Sum("gmv_eur_minor")
    )["s"]
    month, reference = first_real, 0.0
    while month < until:
        reference += reference_month_gmv(month)
        month = month_add(month, 1)
    return (real or 0) / 100 / reference if reference else 0.0
