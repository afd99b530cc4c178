"""The demo marketplace, built stage by stage in one transaction: a crash leaves nothing half made, and a
marketplace that exists is never touched.

The stages scale to the reference marketplace's size (1,800 merchants, 500 k listings, millions of orders):
every large table is written with `bulk_create` in batches, nothing queries row by row over a large set, and
orders are planned day by day and written in chunks, so memory holds one chunk of orders at a time."""
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from remarket.accounts.models import User
from remarket.analytics.models import GmvRollup, SaleFact
from remarket.analytics.services import rollups_rebuild
from remarket.catalog.models import ProductModel, Variant
from remarket.core import clock
from remarket.core.errors import Conflict, DomainError
from remarket.ledger.models import LedgerTransaction
from remarket.markets.models import Channel, Location, Market
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, LocationStock
from remarket.orders.models import Order, OrderLine, SubOrder

from .catalog import catalog_build
from .history import FATES, Planner
from .history_write import HistoryWriter
from .listings import listings_build
from .network import network_build
from .people import people_build, sellers_build

CHUNK = 2000  # orders planned and written together
STAGES = ("markets, stores and FX rates", "catalog", "merchants and logins", "listings", "orders", "reports")


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
            problems.append(f"--listings is at least {10 + 5 * self.merchants} for {self.merchants} merchants "
                            "(10 first-party listings and 5 per merchant)")
        if self.orders < len(FATES) * (self.merchants + 1):
            problems.append(f"--orders is at least {len(FATES) * (self.merchants + 1)}: every merchant, the "
                            f"first-party one included, gets an order in each of {len(FATES)} states")
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
    with transaction.atomic():
        if demo_exists():
            raise Conflict("DEMO_EXISTS", "A marketplace exists already; the demo builds only on an empty database.")
        progress.stage(STAGES[0])
        network = network_build(partner_locations=options.partner_locations)
        progress.stage(STAGES[1])
        variants = catalog_build(year=now.year)
        progress.stage(STAGES[2])
        sellers = sellers_build(count=options.merchants, rng=rng, now=now)
        people = people_build(sellers=sellers, network=network, rng=rng)
        progress.stage(STAGES[3])
        book = listings_build(total=options.listings, sellers=sellers, variants=variants, markets=network.markets,
                              store=network.store, partner_locations=network.partner_locations, rng=rng, now=now)
        progress.stage(STAGES[4], total=options.orders)
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
        progress.stage(STAGES[5])
        rollups_rebuild()
    _analyze()
    progress.done()
    return DemoResult(credentials=people.credentials, counts=demo_counts())


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so the first pages do not pick bad plans."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def demo_counts() -> dict[str, int]:
    counts = {
        "markets": Market.objects.count(), "channels": Channel.objects.count(), "locations": Location.objects.count(),
        "product models": ProductModel.objects.count(), "variants": Variant.objects.count(),
        "merchants": Merchant.objects.count(), "users": User.objects.count(), "listings": Listing.objects.count(),
        "listing terms": ListingMarket.objects.count(), "counter stock rows": LocationStock.objects.count(),
        "orders": Order.objects.count(), "sub-orders": SubOrder.objects.count(),
        "order lines": OrderLine.objects.count(), "sale transactions": LedgerTransaction.objects.count(),
        "sale facts": SaleFact.objects.count(),
    }
    for row in SubOrder.objects.values("state").annotate(n=Count("id")).order_by("state"):
        counts[f"sub-orders in state {row['state']}"] = row["n"]
    counts["GMV, EUR"] = (GmvRollup.objects.aggregate(s=Sum("gmv_eur_minor"))["s"] or 0) // 100
    return counts
