"""The till benchmark (issue 13): 500 tills each selling once every 30 s (≈ 17 sales/s) while web checkouts run,
on PostgreSQL with gunicorn; the till sale's round trip (p50 / p95 / p99, target p95 ≤ 100 ms) beside the
reference views (the bare Django view and one indexed select) sampled at the same rate in the same run.

    .venv/bin/python bench/till.py [--seconds 60] [--tills 500] [--every 30] [--web-buyers 4] [--workers 4]

What it does, in order:
1. Drops and creates the database `remarket_bench_till`, migrates it (`remarket.settings.local`), and seeds: a US
   market with its store channel and `--tills` locations, each with one clerk (an API token each) and a shelf of
   one listing (1 M units, $599.00, New York City sales tax); a French web market with 200 offers for the web
   buyers.
2. Starts gunicorn as `remarket serve` does (`--workers`, the bench views routed, no background worker).
3. Runs, for `--seconds` after 5 s of warm-up, at once:
   - the tills, open loop: till i sells at i × every / tills seconds and then every `--every` seconds, one cash
     sale of one shelf unit through `POST /api/v1/pos/sales` with a fresh sale id (what the till page sends);
     a pool of threads sends each sale at its time, the round trip measured from the send;
   - `--web-buyers` closed-loop web buyers: `POST /api/v1/checkout` then `POST /api/v1/orders/{id}/pay`;
   - the reference: `GET /bench/bare` and `GET /bench/one-select` at the tills' rate, open loop, each measured
     the same way.
4. Prints the table; gunicorn is stopped by its own pid at the end (on error too). The load generator is Python
   threads on the same machine: its own CPU counts in every figure, the reference views' included."""

import argparse
import http.client
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "remarket_bench_till"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street": "12 rue de Rivoli",
    "postal_code": "75001",
    "city": "Paris",
    "country": "FR",
    "phone": "+33612345678",
}


def seed(tills: int) -> tuple[list[tuple[str, int]], list[int]]:
    """The tills as (token, shelf listing id), and the French listings for the web buyers."""
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {DB}",
            "-c",
            f"CREATE DATABASE {DB}",
            "postgres",
        ],
        check=True,
    )
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "remarket.settings.local"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from remarket.accounts.models import Role, User
    from remarket.accounts.services import api_token_issue
    from remarket.catalog.models import Category, ProductModel, Variant
    from remarket.markets.models import Channel, Location, Market
    from remarket.merchants.services import merchant_create
    from remarket.offers.models import Listing, LocationStock
    from remarket.offers.services import ListingRow, listings_apply

    call_command("migrate", verbosity=0)
    us = Market.objects.create(
        code="US",
        country="US",
        currency="USD",
        language="en-US",
        time_zone="America/New_York",
        prices_include_tax=False,
    )
    fr = Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Paris")
    store = Channel.objects.create(code="store-us", kind="store", market=us)
    Channel.objects.create(code="web-fr", kind="web", market=fr)
    category = Category.objects.create(slug="smartphones", name="Smartphones", impact_key="smartphone")
    model = ProductModel.objects.create(category=category, brand="Apple", name="iPhone 13", slug="iphone-13")
    variants = Variant.objects.bulk_create([Variant(model=model, storage_gb=128, colour=f"C{i}") for i in range(200)])
    house = merchant_create(name="remarket", country="US", is_first_party=True)
    listings_apply(
        merchant=house,
        rows=[
            ListingRow(sku="SHELF", market="US", price="599.00", quantity=1, variant_id=variants[0].pk, grade="GOOD")
        ],
    )
    shelf = Listing.objects.get(sku="SHELF")
    web = merchant_create(name="Seller", country="FR")
    listings_apply(
        merchant=web,
        rows=[
            ListingRow(sku=f"W{i}", market="FR", price="399.00", quantity=1_000_000, variant_id=v.pk, grade="GOOD")
            for i, v in enumerate(variants)
        ],
    )
    locations = Location.objects.bulk_create(
        [
            Location(
                channel=store, code=f"store-{i}", name=f"Store {i}", town="New York", region="NY", postcode="10012"
            )
            for i in range(tills)
        ]
    )
    LocationStock.objects.bulk_create(
        [LocationStock(location=l, listing=shelf, available=1_000_000) for l in locations]
    )
    clerks = []
    for l in locations:
        clerk = User(username=f"clerk-{l.pk}", role=Role.CLERK, location=l)
        clerk.set_unusable_password()
        clerks.append(clerk)
    User.objects.bulk_create(clerks)
    tokens = [api_token_issue(user=c, name="till")[1] for c in User.objects.filter(role=Role.CLERK).order_by("pk")]
    call_command("collectstatic", verbosity=0, interactive=False)
    return [(t, shelf.pk) for t in tokens], list(Listing.objects.filter(merchant=web).values_list("pk", flat=True))


class Client:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=all_headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def open_loop(port: int, schedule: list[tuple[float, object]], send, threads: int, results: dict, key: str) -> list:
    """Send each job at its time (seconds from the start) from a pool of threads; the latency of each, in ms."""
    jobs: queue.Queue = queue.Queue()
    for item in schedule:
        jobs.put(item)
    start = results["start"]
    latencies, errors, late = [], [], []

    def worker():
        client = Client(port)
        while True:
            try:
                at, job = jobs.get_nowait()
            except queue.Empty:
                return
            wait = start + at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                late.append(-wait)
            t0 = time.perf_counter()
            status = send(client, job)
            elapsed = (time.perf_counter() - t0) * 1000
            (latencies if status in (200, 201) else errors).append(elapsed if status in (200, 201) else status)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results[key] = {"latencies": latencies, "errors": errors, "late_over_10ms": sum(1 for l in late if l > 0.01)}
    return latencies


def web_buyers(port: int, listings: list[int], n: int, stop: threading.Event, results: dict) -> None:
    counts = {"orders": 0, "errors": 0}
    lock = threading.Lock()

    def buyer(b: int):
        client = Client(port)
        i = b
        while not stop.is_set():
            i += n
            status, body = client.call(
                "POST",
                "/api/v1/checkout",
                {
                    "market": "FR",
                    "email": f"buyer{b}@example.com",
                    "shipping_address": ADDRESS,
                    "items": [{"listing_id": listings[i % len(listings)], "quantity": 1}],
                },
                {"Idempotency-Key": str(uuid.uuid4()), "X-Forwarded-For": f"10.2.{b}.{i % 250 + 1}"},
            )
            ok = status == 201
            if ok:
                order = json.loads(body)["id"]
                status, _ = client.call(
                    "POST",
                    f"/api/v1/orders/{order}/pay",
                    {"card_number": "4242424242424242"},
                    {"X-Forwarded-For": f"10.2.{b}.{i % 250 + 1}"},
                )
                ok = status == 200
            with lock:
                counts["orders" if ok else "errors"] += 1

    pool = [threading.Thread(target=buyer, args=(b,)) for b in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results["web"] = counts


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--tills", type=int, default=500)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between two sales of one till")
    parser.add_argument("--web-buyers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=16, help="load-generator threads per open-loop stream")
    args = parser.parse_args()

    print(f"[bench] seeding {args.tills} tills ...", flush=True)
    tills, listings = seed(args.tills)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.local",
        "REMARKET_SUPERVISE_WORKER": "0",
        "REMARKET_BENCH_VIEWS": "1",
        "REMARKET_TRUSTED_PROXIES": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "remarket.wsgi:application",
            "--config",
            str(ROOT / "remarket/cli/gunicorn_conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                Client(port).call("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)

        def sell(client: Client, till: tuple[str, int]) -> int:
            token, listing = till
            status, _ = client.call(
                "POST",
                "/api/v1/pos/sales",
                {"lines": [{"listing_id": listing, "quantity": 1}], "tender": "cash", "cash_given_minor": 70000},
                {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
            )
            return status

        def get(client: Client, path: str) -> int:
            return client.call("GET", path)[0]

        # warm-up: every worker imports, connects and caches once (untimed)
        warm = Client(port)
        for till in tills[: args.workers * 4]:
            sell(warm, till)
            get(warm, "/bench/bare")
            get(warm, "/bench/one-select?id=1")

        rate = args.tills / args.every
        sales = [
            (i * args.every / args.tills + k * args.every, tills[i])
            for k in range(int(args.seconds // args.every) + 1)
            for i in range(args.tills)
            if i * args.every / args.tills + k * args.every < args.seconds
        ]
        sales.sort(key=lambda s: s[0])
        reference = [(n / rate, None) for n in range(int(args.seconds * rate))]
        results: dict = {"start": time.perf_counter() + 1.0}
        stop = threading.Event()
        streams = [
            threading.Thread(target=open_loop, args=(port, sales, sell, args.threads, results, "till")),
            threading.Thread(
                target=open_loop,
                args=(port, reference, lambda c, _: get(c, "/bench/bare"), 4, results, "bare"),
            ),
            threading.Thread(
                target=open_loop,
                args=(port, reference, lambda c, _: get(c, "/bench/one-select?id=1"), 4, results, "select"),
            ),
        ]
        buyers = threading.Thread(target=web_buyers, args=(port, listings, args.web_buyers, stop, results))
        print(
            f"[bench] {len(sales)} till sales over {args.seconds} s ({rate:.1f}/s) with {args.web_buyers} web buyers",
            flush=True,
        )
        buyers.start()
        for s in streams:
            s.start()
        for s in streams:
            s.join()
        elapsed = time.perf_counter() - results["start"]
        stop.set()
        buyers.join()
    finally:
        server.terminate()
        server.wait(timeout=20)

    print(f"\n{'stream':<34}{'n':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'late':>7}")
    for key, label in (
        ("till", "till sale POST /api/v1/pos/sales"),
        ("bare", "reference: bare Django view"),
        ("select", "reference: one indexed select"),
    ):
        r = results[key]
        lat = r["latencies"]
        print(
            f"{label:<34}{len(lat):>7}{len(r['errors']):>8}{pct(lat, 50):>9.1f}{pct(lat, 95):>9.1f}{pct(lat, 99):>9.1f}"
            f"{r['late_over_10ms']:>7}"
        )
    web = results["web"]
    print(
        f"\nweb checkouts (checkout + pay, {args.web_buyers} closed-loop buyers): {web['orders']} paid in {elapsed:.0f} s"
        f" = {web['orders'] / elapsed:.1f}/s, {web['errors']} failed"
    )
    till = results["till"]["latencies"]
    print(f"till sales: {len(till) / elapsed:.1f}/s; mean {statistics.fmean(till):.1f} ms" if till else "no till sale")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}; target: till sale p95 <= 100 ms")


if __name__ == "__main__":
    main()
