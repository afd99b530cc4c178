"""Locations from a CSV file: `remarket locations-import FILE` creates or updates the stores and partner corners
by code (markets/locations.py), with a progress bar; refused rows are listed with their line and code, and the
command then exits non-zero (the other rows are applied)."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.markets.locations import COLUMNS, locations_import, locations_read


class Command(BaseCommand):
    help = (
        "Create or update locations from a CSV file with a header: "
        + ", ".join(COLUMNS)
        + " (code, name, postcode, town and partner or channel required); bad rows are listed and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--errors", type=int, default=20, help="how many refused rows to print")

    def handle(self, *args, path, errors, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            rows = locations_read(file.read_bytes())
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        with tqdm(total=len(rows), unit="row", desc="locations", disable=None) as bar:
            results = locations_import(rows, progress=bar.update)
        refused = [r for r in results if r.status == "error"]
        for result in refused[:errors]:
            self.stderr.write(f"line {result.line}: {result.error} {result.message}")
        counts = Counter(r.status for r in results)
        self.stdout.write(", ".join(f"{counts[s]} {s}" for s in ("created", "updated", "unchanged", "error")))
        if refused:
            raise CommandError(f"{len(refused)} rows refused; the others were applied.")
