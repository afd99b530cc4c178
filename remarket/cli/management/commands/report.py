import csv

from django.core.management.base import BaseCommand, CommandError

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.analytics.reports import dimensions_parse, gmv_report, impact_report, period_parse, report_table
from remarket.core.errors import DomainError

OPERATOR = Actor(user_id=None, role=Role.OPERATOR)  # the command line runs with the operator's view


class Command(BaseCommand):
    help = (
        "Print a report from the analytics rollups: `report gmv --by country,channel --period 2025-Q2` (GMV gross "
        "and net, units, orders, average basket, take rate, new and returning customers, shares, YoY and "
        "previous-period growth), or `report impact --year 2024` (devices sold, CO2e and e-waste avoided)."
    )

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True)
        gmv = reports.add_parser("gmv", help="GMV for a period, split by dimensions")
        gmv.add_argument("--period", required=True, help="2025, 2025-Q2, 2025-06 or 2025-01..2025-06")
        gmv.add_argument(
            "--by",
            default="",
            help="comma-separated: country, channel, category, merchant, partner, location, month, quarter, year",
        )
        gmv.add_argument("--csv", action="store_true", help="CSV instead of aligned columns")
        impact = reports.add_parser("impact", help="devices sold and the impact they avoided")
        impact.add_argument("--year", type=int, default=None, help="one year (default: since the start)")

    def handle(self, *args, report, **options):
        try:
            if report == "gmv":
                self._gmv(options["period"], options["by"], as_csv=options["csv"])
            else:
                self._impact(options["year"])
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None

    def _gmv(self, period: str, by: str, *, as_csv: bool) -> None:
        result = gmv_report(actor=OPERATOR, period=period_parse(period), by=dimensions_parse(by))
        header, rows = report_table(result)
        if as_csv:
            writer = csv.writer(self.stdout, lineterminator="")
            writer.writerow(header)
            writer.writerows(rows)
            return
        widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
        self.stdout.write(f"GMV {result.period.label} (EUR, net of refunds; growth in %)")
        for line in [header, *rows]:
            self.stdout.write(
                "  ".join(
                    str(c).rjust(w) if i >= len(result.by) else str(c).ljust(w)
                    for i, (c, w) in enumerate(zip(line, widths))
                )
            )

    def _impact(self, year: int | None) -> None:
        r = impact_report(actor=OPERATOR, year=year)
        self.stdout.write(f"Impact {r.label}: {r.units:,} devices sold (net of refunds)")
        self.stdout.write(
            f"  CO2e avoided  {r.co2e_avoided_g / 1e6:,.1f} t  (range {r.co2e_low_g / 1e6:,.1f}–{r.co2e_high_g / 1e6:,.1f} t)"
        )
        self.stdout.write(f"  e-waste avoided  {r.ewaste_avoided_g / 1e6:,.1f} t")
        for country, units, co2e, ewaste in r.by_country:
            self.stdout.write(
                f"  {country}  {units:>12,} devices  {co2e / 1e6:>12,.1f} t CO2e  {ewaste / 1e6:>10,.1f} t e-waste"
            )
        self.stdout.write(
            f"  since the start: {r.since_creation_co2e_g / 1e6:,.1f} t CO2e, {r.since_creation_ewaste_g / 1e6:,.1f} t e-waste"
        )
