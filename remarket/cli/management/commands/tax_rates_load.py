from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from remarket.core.errors import DomainError
from remarket.markets.services import TAX_RATES, tax_rates_load


class Command(BaseCommand):
    help = (
        "Add tax rates (VAT per country, US sales tax per state) from a JSON file shaped like "
        "remarket/markets/data/tax-rates.json; known rates are kept. A rate change is a new row with its "
        "valid_from date and the old row's valid_to."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(TAX_RATES))

    def handle(self, *args, path, **options):
        try:
            count = tax_rates_load(path=Path(path))
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        self.stdout.write(self.style.SUCCESS(f"{count} tax rates added from {path}"))
