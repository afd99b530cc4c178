import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.core.errors import DomainError
from remarket.demo.build import STAGES, DemoOptions, Progress, demo_build, demo_counts, demo_exists
from remarket.demo.credentials import credentials_path, credentials_write
from remarket.demo.history_scale import SCALES, demo_history


class TqdmProgress(Progress):
    """One bar over the stages, and one over the units of a stage that counts them (the orders)."""

    def __init__(self, *, disable: bool):
        self.disable = disable
        self.stages = tqdm(
            total=len(STAGES),
            desc="demo",
            unit="stage",
            disable=disable,
            bar_format="{desc:<40} {n_fmt}/{total_fmt} stages |{bar:20}| {elapsed}",
        )
        self.units: tqdm | None = None
        self.started = False

    def stage(self, name: str, total: int | None = None) -> None:
        self._close_units()
        if self.started:
            self.stages.update(1)
        self.started = True
        self.stages.set_description(name)
        if total:
            self.units = tqdm(
                total=total, desc=f"  {name}", unit=" " + name.split()[0], leave=False, disable=self.disable
            )

    def advance(self, units: int) -> None:
        if self.units is not None:
            self.units.update(units)

    def done(self) -> None:
        self._close_units()
        self.stages.update(1)
        self.stages.set_description("done")
        self.stages.close()

    def _close_units(self) -> None:
        if self.units is not None:
            self.units.close()
            self.units = None


class Command(BaseCommand):
    help = (
        "Build the demo marketplace: six countries, the New York store, 500 partner points of sale, a real "
        "catalog, merchants with logins, listings and a year of orders. Does nothing when a marketplace exists."
    )

    def add_arguments(self, parser):
        defaults = DemoOptions()
        parser.add_argument("--merchants", type=int, default=defaults.merchants, help="refurbishers (default 50)")
        parser.add_argument("--listings", type=int, default=defaults.listings, help="listings (default 20000)")
        parser.add_argument(
            "--orders", type=int, default=defaults.orders, help=f"orders over the last year (default {defaults.orders})"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=defaults.seed,
            help="random seed (default 1): the same seed gives the same merchants, listings and "
            "orders; passwords and tokens are always random",
        )
        parser.add_argument(
            "--partner-locations",
            type=int,
            default=defaults.partner_locations,
            help="partner points of sale, largest French towns first (default 500)",
        )
        parser.add_argument(
            "--credentials",
            type=Path,
            default=None,
            help="where to write the demo logins (default var/demo-credentials.json)",
        )
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="default",
            help="default: the summarised two years before the year of orders, continuing its curve; backmarket: "
            "the reference marketplace's history since 2014 (1,800 merchants, ≈ 30 M order lines as facts), "
            "resumable after a crash",
        )
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="with --scale backmarket: this share of the reference's volume (0.01 for 1 %%)",
        )
        parser.add_argument(
            "--force", action="store_true", help="wipe the whole database (every table, users included) and build again"
        )

    def handle(
        self,
        *args,
        merchants,
        listings,
        orders,
        seed,
        partner_locations,
        credentials,
        force,
        verbosity,
        scale,
        fraction,
        **options,
    ):
        if scale != "default" and demo_exists() and not force:
            self._history(scale=scale, fraction=fraction, seed=seed, verbosity=verbosity)  # resumes a crashed load
            return
        if demo_exists():
            if not force:
                counts = demo_counts()
                self.stdout.write(
                    f"A marketplace exists already ({counts['markets']} markets, {counts['merchants']} "
                    f"merchants, {counts['orders']} orders): nothing to do. "
                    "`remarket demo --force` wipes the database and builds the demo again."
                )
                return
            call_command("flush", interactive=False, verbosity=0)
        options = DemoOptions(
            merchants=merchants, listings=listings, orders=orders, seed=seed, partner_locations=partner_locations
        )
        started = time.monotonic()
        try:
            result = demo_build(options=options, progress=TqdmProgress(disable=verbosity == 0))
        except DomainError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        path = credentials_write(credentials=result.credentials, path=credentials or credentials_path())
        self._history(scale=scale, fraction=fraction, seed=seed, verbosity=verbosity)
        elapsed = time.monotonic() - started
        if verbosity:
            width = max(len(k) for k in result.counts)
            for key, value in result.counts.items():
                self.stdout.write(f"  {key:<{width}}  {value:>10,}")
        self.stdout.write(self.style.SUCCESS(f"Demo marketplace built in {elapsed:.1f} s. Logins: {path}"))

    def _history(self, *, scale: str, fraction: float, seed: int, verbosity: int) -> None:
        started = time.monotonic()
        with tqdm(desc=f"history ({scale})", unit=" orders", disable=verbosity == 0, unit_scale=True) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = demo_history(scale=scale, fraction=fraction, seed=seed, progress=progress)
            except DomainError as err:
                raise CommandError(f"{err.code}: {err.message}") from None
        if verbosity:
            self.stdout.write(
                f"  summarised history: {result.months} months ({result.months_skipped} done before), "
                f"{result.lines:,} order lines, {result.refunds:,} refunds, in {time.monotonic() - started:.1f} s"
            )
