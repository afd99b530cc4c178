"""Bulk listing import from the command line: the `/ws/` CSV format without its line limit, applied in chunks
through the same feed rules and `listings_apply`, with a progress bar.

The search index is told once, at the end (one `search.changed` for every variant whose offers changed,
also when a chunk fails midway), rather than once per chunk: a million-row file would otherwise queue a
hundred refreshes of the same variants."""

import gc
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.events.outbox import emit
from remarket.markets.selectors import market_get
from remarket.merchants.models import Merchant
from remarket.offers.feeds import Table, feed_apply, feed_decode, feed_table
from remarket.search.handlers import TOPIC as SEARCH_CHANGED

CHUNK = 50_000  # rows per feed_apply call (listings_apply splits them into its own transactions)
SQLITE_CACHE_KIB = 256 * 1024  # this connection's page cache: a bulk import touches the listings' whole index
ANALYZE_EVERY = 100_000  # listings created between two refreshes of the planner's statistics


class Command(BaseCommand):
    help = (
        "Create or update a merchant's listings from a CSV file in the /ws/ listings format (sku, quantity, "
        "price, min_price, grade, product_id, ...), any size; bad rows are listed and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--merchant", required=True, help="merchant slug")
        parser.add_argument("--market", default="FR", help="market the prices apply to (FR, US, ...)")
        parser.add_argument("--errors", type=int, default=20, help="how many refused rows to print")

    def handle(self, *args, path, merchant, market, errors, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {path}.")
        the_merchant = Merchant.objects.filter(slug=merchant).first()
        if the_merchant is None:
            raise CommandError(f"No merchant with slug {merchant!r}.")
        try:
            the_market = market_get(code=market)
            table = feed_table(feed_decode(file.read_bytes()), limit=None)
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        counts, refused, variants, analyzed = Counter(), [], set(), 0
        # A file's rows, records and results are hundreds of thousands of live objects, which the cyclic
        # collector would walk again and again: with it, 10,000 rows took 0.46 s (SQLite, 100 k listings), without
        # it 0.19 s. They hold no cycles that need collecting before the command ends.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with tqdm(total=len(table.rows), unit="row", desc="listings", disable=None) as bar:
                for start in range(0, len(table.rows), CHUNK):
                    chunk = Table(table.columns, table.rows[start : start + CHUNK], table.delimiter)
                    try:
                        # replayable: a file applies again to the same result, so on PostgreSQL its chunks
                        # commit without waiting for the disk (see listings_apply)
                        results = feed_apply(
                            merchant=the_merchant,
                            market=the_market,
                            table=chunk,
                            deferred_variants=variants,
                            replayable=True,
                        )
                    except DomainError as err:
                        raise CommandError(
                            f"{err.code}: {err.message} (rows from line {chunk.rows[0][0]} on were not applied)"
                        ) from None
                    for result in results:
                        counts[result["status"]] += 1
                        if result["status"] == "error":
                            refused.append(result)
                    bar.update(len(chunk.rows))
                    if counts["created"] - analyzed >= ANALYZE_EVERY:
                        # the planner's statistics, or it keeps planning lookups for the tables as they were
                        # before the file (a whole-market read per chunk on PostgreSQL after a large create)
                        with connection.cursor() as cursor:
                            cursor.execute("ANALYZE offers_listing")
                            cursor.execute("ANALYZE offers_listingmarket")
                        analyzed = counts["created"]
        finally:
            if collecting:
                gc.enable()
            if variants:  # what was applied, even if a later chunk failed
                with transaction.atomic():
                    emit(SEARCH_CHANGED, {"variant_ids": sorted(variants)})
        for result in refused[:errors]:
            self.stderr.write(f"line {result['line']}: {result['code']} {result['message']}")
        self.stdout.write(", ".join(f"{counts[s]} {s}" for s in ("created", "updated", "unchanged", "error")))
        if refused:
            raise CommandError(f"{len(refused)} rows refused; the others were applied.")
