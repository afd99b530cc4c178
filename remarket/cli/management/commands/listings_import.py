"""Bulk listing import from the command line: the `/ws/` CSV format without its line limit, applied through
`offers.imports.listings_import` (chunks, database tuning, the search index told once), with a progress bar."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.markets.selectors import market_get
from remarket.merchants.selectors import merchant_by_slug
from remarket.offers.feeds import feed_decode, feed_table
from remarket.offers.imports import listings_import


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
        the_merchant = merchant_by_slug(slug=merchant)
        if the_merchant is None:
            raise CommandError(f"No merchant with slug {merchant!r}.")
        try:
            the_market = market_get(code=market)
            table = feed_table(feed_decode(file.read_bytes()), limit=None)
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        with tqdm(total=len(table.rows), unit="row", desc="listings", disable=None) as bar:
            try:
                result = listings_import(merchant=the_merchant, market=the_market, table=table, progress=bar.update)
            except DomainError as err:
                raise CommandError(
                    f"{err.code}: {err.message} (rows from line {err.details['from_line']} on were not applied)"
                ) from None
        for row in result.refused[:errors]:
            self.stderr.write(f"line {row['line']}: {row['code']} {row['message']}")
        self.stdout.write(", ".join(f"{result.counts[s]} {s}" for s in ("created", "updated", "unchanged", "error")))
        if result.refused:
            raise CommandError(f"{len(result.refused)} rows refused; the others were applied.")
