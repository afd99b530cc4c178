"""Bulk listing import from the command line: the `/ws/` CSV format without its line limit, applied in chunks
through the same feed rules and `listings_apply`, with a progress bar."""
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.markets.selectors import market_get
from remarket.merchants.models import Merchant
from remarket.offers.feeds import Table, feed_apply, feed_decode, feed_table

CHUNK = 20_000


class Command(BaseCommand):
    help = ("Create or update a merchant's listings from a CSV file in the /ws/ listings format (sku, quantity, "
            "price, min_price, grade, product_id, ...), any size; bad rows are listed and change nothing.")

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
        counts, refused = Counter(), []
        with tqdm(total=len(table.rows), unit="row", desc="listings", disable=None) as bar:
            for start in range(0, len(table.rows), CHUNK):
                chunk = Table(table.columns, table.rows[start:start + CHUNK], table.delimiter)
                try:
                    results = feed_apply(merchant=the_merchant, market=the_market, table=chunk)
                except DomainError as err:
                    raise CommandError(f"{err.code}: {err.message} (rows from line {chunk.rows[0][0]} on "
                                       "were not applied)") from None
                for result in results:
                    counts[result["status"]] += 1
                    if result["status"] == "error":
                        refused.append(result)
                bar.update(len(chunk.rows))
        for result in refused[:errors]:
            self.stderr.write(f"line {result['line']}: {result['code']} {result['message']}")
        self.stdout.write(", ".join(f"{counts[s]} {s}" for s in ("created", "updated", "unchanged", "error")))
        if refused:
            raise CommandError(f"{len(refused)} rows refused; the others were applied.")
