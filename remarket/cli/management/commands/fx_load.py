from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from remarket.core.errors import DomainError
from remarket.markets.fx import fx_load

DEFAULT = Path(__file__).resolve().parents[3] / "markets" / "data" / "fx-monthly-per-usd.csv"


class Command(BaseCommand):
    help = "Load monthly FX rates (units of currency per USD) from the Federal Reserve CSV."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        try:
            count = fx_load(path=Path(path))
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        except FileNotFoundError:
            raise CommandError(f"No file at {path}.") from None
        self.stdout.write(self.style.SUCCESS(f"{count} monthly rates loaded from {path}"))
