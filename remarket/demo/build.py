"""The demo marketplace, built stage by stage in one transaction: a crash leaves nothing half made, and a
marketplace that exists is never touched.

The stages scale to the reference marketplace's size (1,800 merchants, 500 k listings, millions of orders):
every large table is written with `bulk_create` in batches, nothing queries row by row over a large set, and
orders are planned day by day and written in chunks, so memory holds one chunk of orders at a time."""

import contextlib
import datetime as dt
import gc
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from remarket.accounts.models import User
from remarket.aftersales.jobs import merchant_quality_refresh
from remarket.analytics.models import GmvRollup, SaleFact
from remarket.analytics.services import rollups_rebuild
from remarket.catalog.models import ProductModel, Variant
from remarket.core import clock
from remarket.core.errors import Conflict, DomainError
from remarket.invoices.models import Invoice
from remarket.invoices.services import invoice_issue
from remarket.ledger.models import LedgerTransaction
from remarket.ledger.services import balances_snapshot, finance_months_close
from remarket.markets.models import Channel, Location, Market
from remarket.markets.services import tax_rates_load
from remarket.merchants.billing import merchant_fees_charge, merchant_payouts_run
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, LocationStock
from remarket.offers.summaries import summaries_rebuild
from remarket.orders.models import Order, OrderLine, Shipment, SubOrder
from remarket.search.services import search_index_rebuild

from .buyback import demo_buyback_build
from .catalog import catalog_build
from .claims import demo_claims_build
from .history import FATES, Planner
from .history_write import HistoryWriter
from .listings import listings_build
from .network import network_build
from .people import people_build, sellers_build
from .pickups import demo_pickups_build

CHUNK = 2000  # orders planned and written together
STAGES = (
    "markets, stores and FX rates",
    "catalog",
    "merchants and logins",
    "listings",
    "orders",
    "fees and payouts",
    "invoices",
    "warranty claims and quality review",
    "reports and search index",
)


@dataclass(frozen=True)
class DemoOptions:
    merchants: int = 50
    listings: int = 20_000
    orders: int = 25_000
    seed: int = 1
    partner_locations: int = 500

    def check(self) -> None:
        problems = []
        if self.merchants < 1:
            problems.append("--merchants is at least 1")
        if self.listings < 10 + 5 * self.merchants:
            problems.append(
                f"--listings is at least {10 + 5 * self.merchants} for {self.merchants} merchants "
                "(10 first-party listings and 5 per merchant)"
            )
        if self.orders < len(FATES) * (self.merchants + 1):
            problems.append(
                f"--orders is at least {len(FATES) * (self.merchants + 1)}: every merchant, the "
                f"first-party one included, gets an order in each of {len(FATES)} states"
            )
        if not 1 <= self.partner_locations <= 5000:
            problems.append("--partner-locations is between 1 and 5000")
        if problems:
            raise DomainError("DEMO_OPTIONS_INVALID", "; ".join(problems) + ".")


class Progress:
    """Silent; the command passes one that draws progress bars."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts; `total` counts its units when it reports them with `advance`."""

    def advance(self, units: int) -> None:
        pass

    def done(self) -> None:
        pass


@dataclass
class DemoResult:
    credentials: dict
    counts: dict[str, int]


def demo_exists() -> bool:
    return Market.objects.exists()


def demo_build(*, options: DemoOptions, progress: Progress | None = None) -> DemoResult:
    options.check()
    progress = progress or Progress()
    now = clock.now()
    rng = random.Random(options.seed)
    _bulk_load_cache()
    with transaction.atomic(), _collector_spared():
        if demo_exists():
            raise Conflict("DEMO_EXISTS", "A marketplace exists already; the demo builds only on an empty database.")
        progress.stage(STAGES[0])
        tax_rates_load()  # the shipped rates, as the migration loads them (`demo --force` flushed them)
        network = network_build(partner_locations=options.partner_locations)
        progress.stage(STAGES[1])
        variants = catalog_build(year=now.year)
        progress.stage(STAGES[2])
        sellers = sellers_build(count=options.merchants, rng=rng, now=now)
        people = people_build(sellers=sellers, network=network, rng=rng)
        progress.stage(STAGES[3])
        book = listings_build(
            total=options.listings,
            sellers=sellers,
            variants=variants,
            markets=network.markets,
            store=network.store,
            partner_locations=network.partner_locations,
            rng=rng,
            now=now,
        )
        progress.stage(STAGES[4], total=options.orders)
        gc.freeze()  # the catalog, merchants and offer book live to the end: keep them out of every collection
        writer = HistoryWriter(merchants={s.merchant.pk: s.merchant for s in sellers})
        chunk = []
        for planned in Planner(network=network, people=people, book=book, rng=rng, now=now).orders(options.orders):
            chunk.append(planned)
            if len(chunk) == CHUNK:
                writer.write(chunk)
                progress.advance(len(chunk))
                chunk = []
        writer.write(chunk)
        progress.advance(len(chunk))
        _analyze()
        people.credentials["partner_managers"] = [demo_pickups_build(network=network, people=people, now=now)]
        demo_buyback_build(people=people, network=network, now=now)
        months = _months(first=now - dt.timedelta(days=366), last=now)
        progress.stage(STAGES[5], total=len(months))
        for previous, month in zip([None, *months], months):  # each month's close, as the worker runs it
            start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
            with clock.frozen(min(start + dt.timedelta(hours=12), now)):
                merchant_fees_charge()
                if previous:
                    merchant_payouts_run(period=previous)
            balances_snapshot(as_of=start)
            progress.advance(1)
        finance_months_close(now=now)
        # invoices as the shipping handler issues them, for the parcels of the last two months (older ones would
        # only lengthen the build), in shipping order so that each merchant's numbers follow the dates
        since = dt.datetime.combine(months[-2] if len(months) > 1 else months[-1], dt.time(), tzinfo=dt.UTC)
        shipped = list(
            Shipment.objects.filter(shipped_at__gte=since)
            .order_by("shipped_at", "pk")
            .values_list("suborder_id", "shipped_at")
        )
        progress.stage(STAGES[6], total=len(shipped))
        for suborder_id, shipped_at in shipped:
            with clock.frozen(shipped_at):
                invoice_issue(suborder_id=suborder_id)
            progress.advance(1)
        progress.stage(STAGES[7])
        demo_claims_build(now=now)
        for seller in sellers:  # the hourly review, once: scores and sanctions from the year of orders
            merchant_quality_refresh(merchant=seller.merchant)
        progress.stage(STAGES[8])
        rollups_rebuild()
        search_index_rebuild()
        summaries_rebuild()  # the product page's grade summaries of the offers written in bulk
    progress.done()
    return DemoResult(credentials=people.credentials, counts=demo_counts())


def _months(*, first: dt.datetime, last: dt.datetime) -> list[dt.date]:
    month, months = first.date().replace(day=1), []
    while month <= last.date():
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


@contextlib.contextmanager
def _collector_spared() -> Iterator[None]:
    """The build makes millions of short-lived objects beside a large set of long-lived ones (the catalog,
    the offers): left as it is, the garbage collector rescans the long-lived set again and again (a third of
    the run time, measured). Frozen objects are left out of collections; collections are rarer."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _bulk_load_cache() -> None:
    """SQLite's page cache is 2 MB by default: past that, every index insert of a bulk load rereads pages
    (orders slowed from 620 to 380 a second over 100 k of them). This connection gets 256 MB."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so that the rollups' query and the first pages do not
    pick bad plans (without them PostgreSQL took 10 s over the rollups of 25 k orders instead of 0.2 s)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def demo_counts() -> dict[str, int]:
    counts = {
        "markets": Market.objects.count(),
        "channels": Channel.objects.count(),
        "locations": Location.objects.count(),
        "product models": ProductModel.objects.count(),
        "variants": Variant.objects.count(),
        "merchants": Merchant.objects.count(),
        "users": User.objects.count(),
        "listings": Listing.objects.count(),
        "listing terms": ListingMarket.objects.count(),
        "counter stock rows": LocationStock.objects.count(),
        "orders": Order.objects.count(),
        "sub-orders": SubOrder.objects.count(),
        "order lines": OrderLine.objects.count(),
        "sale transactions": LedgerTransaction.objects.filter(kind="sale").count(),
        "fees and payouts": LedgerTransaction.objects.filter(kind__in=("fee", "payout")).count(),
        "invoices": Invoice.objects.count(),
        "sale facts": SaleFact.objects.count(),
    }
    for row in SubOrder.objects.values("state").annotate(n=Count("id")).order_by("state"):
        counts[f"sub-orders in state {row['state']}"] = row["n"]
    counts["GMV, EUR"] = (GmvRollup.objects.aggregate(s=Sum("gmv_eur_minor"))["s"] or 0) // 100
    return counts
