"""The bulk listing import benchmark: 1 M price/stock updates through `remarket listings-import`, best-offer
scores recomputed in the same pass, on SQLite and on PostgreSQL.

    .venv/bin/python bench/listings_import.py [--listings 500000] [--merchants 50] [--updates 1000000]
                                              [--database sqlite|postgres|both]

Steps per database: a fresh database (an SQLite file under var/bench/, or a PostgreSQL database whose name
contains "bench"), migrated; one market, a catalog of 5,000 variants, N merchants; the listings created through
the same command (timed apart: "create"); then CSV files of price and quantity changes for every listing, as many
passes as it takes to reach the update count, applied through the command ("update") — the budget is ≤ 60 s for
1 M updates (DESIGN.md). The latest run's figures replace the previous ones in bench/RESULTS.md, between the
markers under "Listings bulk import" (`--no-write` leaves the file alone)."""

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

from results_block import record

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = 5000


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _fresh(kind: str) -> str:
    if kind == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (folder / f"listings.sqlite3{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{folder / 'listings.sqlite3'}"
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            "DROP DATABASE IF EXISTS remarket_bench_listings",
            "-c",
            "CREATE DATABASE remarket_bench_listings",
            "postgres",
        ],
        check=True,
    )
    return "postgres://postgres@127.0.0.1:5432/remarket_bench_listings"


def run(kind: str, listings: int, merchants: int, updates: int) -> dict:
    url = _fresh(kind)
    code = f"""
import sys, time, random
sys.argv = ["bench"]
{_body()}
main({listings}, {merchants}, {updates})
"""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "remarket.settings.local"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    figures = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return {k: float(v) for k, v in figures.items()}


def _body() -> str:
    return r"""
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
from remarket.catalog.models import Category, ProductModel, Variant
from remarket.markets.models import Market
from remarket.merchants.services import merchant_create
from remarket.offers.models import ListingMarket

def main(listings, merchants, updates):
    call_command("migrate", verbosity=0)
    Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Paris")
    category = Category.objects.create(slug="smartphones", name="Smartphones", impact_key="smartphone")
    models = ProductModel.objects.bulk_create([ProductModel(category=category, brand="Brand", name=f"Model {i}",
                                                            slug=f"model-{i}") for i in range(500)])
    variants = Variant.objects.bulk_create([Variant(model=models[i % 500], storage_gb=64 * (1 + i // 500),
                                                    colour=f"C{i}") for i in range(5000)])
    sellers = [merchant_create(name=f"Seller {i}", country="FR") for i in range(merchants)]
    grades = ["PREMIUM", "EXCELLENT", "VERY_GOOD", "GOOD", "FAIR"]
    folder = Path("var/bench/feeds"); folder.mkdir(parents=True, exist_ok=True)
    per = listings // merchants
    rng = random.Random(7)
    files = []
    for m, seller in enumerate(sellers):
        lines = ["sku;quantity;price;min_price;grade;product_id"]
        for i in range(per):
            v = variants[(m * 7919 + i) % len(variants)]
            lines.append(f"S{m}-{i};{rng.randint(0, 9)};{rng.randint(150, 900)}.00;100;{grades[i % 5]};{v.public_id}")
        path = folder / f"create-{m}.csv"; path.write_text("\n".join(lines)); files.append((seller, path))
    t = time.perf_counter()
    for seller, path in files:
        call_command("listings_import", str(path), merchant=seller.slug, market="FR", stdout=open("/dev/null", "w"))
    print(f"create_seconds={time.perf_counter() - t:.2f}")
    print(f"listings={per * merchants}")
    from django.db import connection
    if connection.vendor == "postgresql":
        # the updates land on a catalog in service, not on rows written a second ago: vacuumed (visibility map and
        # hint bits set, statistics fresh), as autovacuum leaves a table between two daily feeds; untimed
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) offers_listing, offers_listingmarket, offers_shippingoption")
        print(f"vacuum_seconds={time.perf_counter() - t:.2f}")
    passes, done, spent = 0, 0, 0.0
    while done < updates:
        passes += 1
        batch = []
        for m, seller in enumerate(sellers):
            lines = ["sku;quantity;price"]
            for i in range(per):
                if done + len(lines) - 1 >= updates:
                    break
                lines.append(f"S{m}-{i};{rng.randint(0, 9)};{rng.randint(150, 900)}.{rng.randint(0, 99):02d}")
            done += len(lines) - 1
            path = folder / f"update-{m}.csv"; path.write_text("\n".join(lines)); batch.append((seller, path))
            if done >= updates:
                break
        t = time.perf_counter()
        for seller, path in batch:
            call_command("listings_import", str(path), merchant=seller.slug, market="FR", stdout=open("/dev/null", "w"))
        spent += time.perf_counter() - t
    print(f"update_seconds={spent:.2f}")
    print(f"updates={done}")
    zero = ListingMarket.objects.filter(score=0).count()
    print(f"unscored={zero}")
"""


def machine() -> str:
    cpu = next(
        (
            l.split(":", 1)[1].strip()
            for l in Path("/proc/cpuinfo").read_text().splitlines()
            if l.startswith("model name")
        ),
        platform.processor(),
    )
    memory = (
        int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
        // 1024
        // 1024
    )
    return f"{os.cpu_count()} cores, {memory} GiB, {cpu}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=500_000)
    parser.add_argument("--merchants", type=int, default=50)
    parser.add_argument("--updates", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md alone")
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    rows, notes = [], []
    for kind in kinds:
        print(f"[bench] {kind}: {args.listings} listings, {args.updates} updates ...", flush=True)
        load_before = os.getloadavg()[0]
        f = run(kind, args.listings, args.merchants, args.updates)
        load = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
        rate = f["updates"] / f["update_seconds"]
        verdict = "within" if f["update_seconds"] * 1_000_000 / f["updates"] <= 60 else "MISSES"
        rows.append(
            f"| {kind} | {int(f['listings']):,} | {f['create_seconds']:.1f} s | {int(f['updates']):,} | "
            f"{f['update_seconds']:.1f} s | {rate:,.0f} rows/s | {verdict} the 60 s budget "
            f"(scaled to 1 M: {f['update_seconds'] * 1_000_000 / f['updates']:.0f} s) | {int(f['unscored'])} | {load} |"
        )
        print(rows[-1], flush=True)
        if "vacuum_seconds" in f:
            notes.append(
                f"On {kind}, the created listings were vacuumed before the updates (`VACUUM (ANALYZE)` of "
                f"the offers tables, {f['vacuum_seconds']:.1f} s, not timed): the feeds of a catalog in "
                "service land on tables autovacuum has been through, not on rows written a second ago."
            )
    section = (
        f"\n### Latest run — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {machine()}. Command: `.venv/bin/python bench/listings_import.py {' '.join(sys.argv[1:])}`."
        f"{''.join(' ' + n for n in notes)}\n\n"
        "| database | listings | create | updates | update time | rate | budget (≤ 60 s for 1 M) | offers left unscored "
        "| load average (1 min) before → after |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    if not args.no_write:
        record("listings", "Listings bulk import", section)
    print(section)


if __name__ == "__main__":
    main()
