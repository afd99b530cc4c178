"""The checkout benchmark (DESIGN.md budgets): orders per second on PostgreSQL with 32 concurrent buyers,
through the service, through `/api/v1` on gunicorn, and every buyer on one hot listing, against a plain
psycopg transaction doing the same writes in the same run; oversold units counted.

    .venv/bin/python bench/checkout.py [--seconds 15] [--buyers 32] [--processes 4] [--workers 4] [--rounds 3]
                                       [--no-record]
    .venv/bin/python bench/checkout.py --cpu 500 [--profile]   # Python CPU per purchase, one buyer, no record

An order here is the whole purchase: checkout_start (order, hold, payment intent, then the stock update, in one
transaction), then checkout_pay (one sandbox sale, authorized and captured, outside any transaction; then one
settle transaction: intent, hold sold, lines, sub-order and order paid, ledger sale, history, outbox). The plain
reference writes the same rows with the same transactions (`_plain_worker`). Buyers are spread over `--processes`
processes with buyers/processes threads each. Through /api/v1 the buyers are `--buyers` connections of wrk
(bench/checkout_api.lua: check out, pay, again) to gunicorn, which this script starts and stops (by its pid).
The same gunicorn first serves the bare Django view to wrk for 5 s: the machine's speed in this run, by which
DESIGN's absolute budgets (set where that view does ≈ 6,000 req/s) are scaled in the report.
Results replace the previous run's in bench/RESULTS.md under "Checkout" (`--no-record` leaves it alone)."""

import argparse
import datetime as dt
import multiprocessing as mp
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from results_block import record
from run import wrk

ROOT = Path(__file__).resolve().parent.parent
DB = "remarket_bench_checkout"
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
CARD = "4242424242424242"
LISTINGS = 2000
HOT_UNITS = 1_000_000
DESIGN_BARE_RPS = 6_000  # DESIGN.md: the bare Django view on the machine its budgets are set on


def _django():
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "remarket.settings.local"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed() -> None:
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
    _django()
    from django.core.management import call_command

    from remarket.catalog.models import Category, ProductModel, Variant
    from remarket.markets.models import Channel, Market
    from remarket.merchants.services import merchant_create
    from remarket.offers.services import ListingRow, listings_apply

    call_command("migrate", verbosity=0)
    fr = Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Paris")
    Channel.objects.create(code="web-fr", kind="web", market=fr)
    category = Category.objects.create(slug="smartphones", name="Smartphones", impact_key="smartphone")
    model = ProductModel.objects.create(category=category, brand="Apple", name="iPhone 13", slug="iphone-13")
    variants = Variant.objects.bulk_create([Variant(model=model, storage_gb=128, colour=f"C{i}") for i in range(200)])
    merchants = [merchant_create(name=f"Seller {i}", country="FR") for i in range(20)]
    for m, merchant in enumerate(merchants):
        listings_apply(
            merchant=merchant,
            rows=[
                ListingRow(
                    sku=f"L{m}-{i}",
                    market="FR",
                    price="399.00",
                    quantity=100_000,
                    variant_id=variants[i % 200].pk,
                    grade="GOOD",
                )
                for i in range(LISTINGS // len(merchants))
            ],
        )
    listings_apply(
        merchant=merchants[0],
        rows=[
            ListingRow(
                sku="HOT", market="FR", price="299.00", quantity=HOT_UNITS, variant_id=variants[0].pk, grade="EXCELLENT"
            )
        ],
    )


# --- buyers ------------------------------------------------------------------------------------------------


def _service_worker(args):
    mode, threads, seconds, gate, hot_id, listing_ids, out = args
    _django()
    import random

    from django.db import connections

    from remarket.checkout.services import Item, checkout_pay, checkout_start
    from remarket.core.errors import DomainError
    from remarket.markets.models import Channel, Market

    market = Market.objects.get(code="FR")
    channel = Channel.objects.get(code="web-fr")
    start_at = _start_line(gate)
    counts = []

    def buyer(n):
        rng = random.Random(n)
        done = failed = 0
        while time.time() < start_at:
            time.sleep(0.001)
        while time.time() < start_at + seconds:
            listing = hot_id if mode == "hot" else rng.choice(listing_ids)
            try:
                order = checkout_start(
                    market=market,
                    channel=channel,
                    items=[Item(listing, 1)],
                    email="bench@example.com",
                    shipping_address=ADDRESS,
                )
                done += checkout_pay(order=order, card_number=CARD).status == "captured"
            except DomainError:
                failed += 1
        connections.close_all()
        counts.append((done, failed))

    pool = [threading.Thread(target=buyer, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum(c[0] for c in counts), sum(c[1] for c in counts)))


def _plain_purchase(conn, listing: int) -> None:
    """One purchase as plain SQL through psycopg (autocommit connection; transactions as the service's)."""
    now = "now()"
    with conn.transaction():  # checkout_start: order, lines, history, outbox, hold, intent, then stock
        merchant = conn.execute(
            "SELECT l.merchant_id FROM offers_listing l JOIN offers_listingmarket t ON"
            " t.listing_id = l.id WHERE l.id = %s AND t.published",
            [listing],
        ).fetchone()[0]
        order = conn.execute(
            f"INSERT INTO orders_order (public_id, market_id, channel_id, email, state, currency, total_minor,"
            f" tax_minor, shipping_address, created_at, modified_at) SELECT gen_random_uuid(), m.id, c.id,"
            f" 'b@e.com', 10, 'EUR', 39900, 6650, '{{}}', {now}, {now} FROM markets_market m, markets_channel c"
            f" WHERE m.code = 'FR' AND c.code = 'web-fr' RETURNING id"
        ).fetchone()[0]
        sub = conn.execute(
            f"INSERT INTO orders_suborder (order_id, merchant_id, state, total_minor, tax_minor,"
            f" shipping_carrier, shipping_minor, shipping_tax_minor, shipping_tax_scheme,"
            f" created_at, modified_at) VALUES (%s, %s, 10, 39900, 6650, 'Standard', 0, 0,"
            f" 'standard', {now}, {now}) RETURNING id",
            [order, merchant],
        ).fetchone()[0]
        line = conn.execute(
            "INSERT INTO orders_orderline (suborder_id, listing_id, sku, title, grade, quantity,"
            " unit_price_minor, total_minor, currency, state, imei, serial_number, tax_scheme,"
            " tax_rate, tax_jurisdiction, tax_minor, commission_bp, commission_minor,"
            " partner_commission_minor) VALUES"
            " (%s, %s, 'L', 'T', 'GOOD', 1, 39900, 39900, 'EUR', 8, '', '', 'standard', 0.2,"
            " 'FR', 6650, 1000, 3990, 0) RETURNING id",
            [sub, listing],
        ).fetchone()[0]
        conn.execute(f"INSERT INTO orders_orderhistory (order_id, at, what) VALUES (%s, {now}, 'created')", [order])
        conn.execute(
            f"INSERT INTO events_outboxevent (topic, payload, created_at, available_at, lease_owner,"
            f" attempts, last_error) VALUES ('order.created', '{{}}', {now}, {now}, '', 0, '')"
        )
        conn.execute(
            f"INSERT INTO checkout_stockhold (order_id, expires_at, outcome, units, created_at, session_key,"
            f" client_ip, checkout_key) VALUES (%s, {now}, '', 1, {now}, '', '', '')",
            [order],
        )
        intent = conn.execute(
            f"INSERT INTO payments_paymentintent (order_id, amount_minor, currency, status,"
            f" gateway_ref, failure_code, refunded_minor, created_at, updated_at) VALUES"
            f" (%s, 39900, 'EUR', 'created', '', '', 0, {now}, {now}) RETURNING id",
            [order],
        ).fetchone()[0]
        cur = conn.execute(
            "UPDATE offers_listing SET quantity = quantity - 1 WHERE id = %s AND quantity >= 1", [listing]
        )
        if cur.rowcount != 1:
            raise RuntimeError("the benchmark's listings never run out")
    # the intent marked submitted before the gateway is called (payments/services.py payment_intent_submit)
    conn.execute(
        f"UPDATE payments_paymentintent SET status = 'submitted', updated_at = {now} WHERE id = %s"
        f" AND status IN ('created', 'submitted')",
        [intent],
    )
    # the gateway's books: one sale (authorized and captured), outside any transaction of ours
    conn.execute(
        f"INSERT INTO payments_sandboxcharge (ref, intent_id, amount_minor, currency, status,"
        f" refunded_minor, refund_keys, card_last4, created_at) VALUES (%s, %s, 39900, 'EUR',"
        f" 'captured', 0, '[]', '4242', {now})",
        [f"ch_{intent}", intent],
    )
    with conn.transaction():  # settle: captured → hold sold, lines/sub-order/order paid, ledger, outbox
        conn.execute("SELECT id FROM payments_paymentintent WHERE id = %s FOR UPDATE", [intent])
        conn.execute(
            f"UPDATE payments_paymentintent SET status = 'captured', gateway_ref = %s,"
            f" updated_at = {now} WHERE id = %s",
            [f"ch_{intent}", intent],
        )
        conn.execute(
            f"UPDATE checkout_stockhold SET released_at = {now}, outcome = 'sold' WHERE order_id = %s"
            f" AND released_at IS NULL",
            [order],
        )
        conn.execute("UPDATE orders_orderline SET state = 1 WHERE id = %s AND state = 8", [line])
        conn.execute(f"UPDATE orders_suborder SET state = 1, modified_at = {now} WHERE id = %s", [sub])
        conn.execute(f"UPDATE orders_order SET state = 1, modified_at = {now} WHERE id = %s", [order])
        txn = conn.execute(
            f"INSERT INTO ledger_ledgertransaction (kind, order_id, suborder_id, merchant_id, at,"
            f" memo) VALUES ('sale', %s, %s, %s, {now}, '') RETURNING id",
            [order, sub, merchant],
        ).fetchone()[0]
        conn.execute(
            f"INSERT INTO ledger_ledgerentry (transaction_id, account, line, merchant_id, amount_minor,"
            f" currency, at) VALUES (%s, 'gateway_clearing', 'sale', NULL, 39900, 'EUR', {now}),"
            f" (%s, 'merchant_payable', 'sale', %s, -33250, 'EUR', {now}),"
            f" (%s, 'merchant_payable', 'tax', %s, -6650, 'EUR', {now}),"
            f" (%s, 'merchant_payable', 'commission', %s, 3990, 'EUR', {now}),"
            f" (%s, 'commission_revenue', 'commission', NULL, -3990, 'EUR', {now})",
            [txn, txn, merchant, txn, merchant, txn, merchant, txn],
        )
        conn.execute(f"INSERT INTO orders_orderhistory (order_id, at, what) VALUES (%s, {now}, 'paid')", [order])
        conn.execute(
            f"INSERT INTO events_outboxevent (topic, payload, created_at, available_at, lease_owner,"
            f" attempts, last_error) VALUES ('order.paid', '{{}}', {now}, {now}, '', 0, '')"
        )


def _plain_worker(args):
    """The same writes as one purchase, as plain SQL through psycopg: the floor of what the database costs."""
    _, threads, seconds, gate, hot_id, listing_ids, out = args
    import random

    import psycopg

    start_at = _start_line(gate)
    counts = []

    def buyer(n):
        rng = random.Random(n)
        done = 0
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=" + DB, autocommit=True) as conn:
            while time.time() < start_at:
                time.sleep(0.001)
            while time.time() < start_at + seconds:
                _plain_purchase(conn, rng.choice(listing_ids))
                done += 1
        counts.append((done, 0))

    pool = [threading.Thread(target=buyer, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum(c[0] for c in counts), 0))


def cpu_per_purchase(n: int, profile: bool) -> None:
    """Python CPU (time.process_time) per purchase of one buyer in this process, after a warm-up: repeatable on a
    shared machine where throughput is not. PostgreSQL's own CPU is not counted (another process)."""
    import cProfile
    import pstats

    from remarket.checkout.services import Item, checkout_pay, checkout_start
    from remarket.markets.models import Channel, Market
    from remarket.offers.models import Listing

    market, channel = Market.objects.get(code="FR"), Channel.objects.get(code="web-fr")
    listing_ids = list(Listing.objects.exclude(sku="HOT").values_list("pk", flat=True))
    phases = {"checkout_start": 0.0, "checkout_pay": 0.0}

    def buy(i: int) -> None:
        t0 = time.process_time()
        order = checkout_start(
            market=market,
            channel=channel,
            items=[Item(listing_ids[i % len(listing_ids)], 1)],
            email="bench@example.com",
            shipping_address=ADDRESS,
        )
        t1 = time.process_time()
        assert checkout_pay(order=order, card_number=CARD).status == "captured"
        phases["checkout_start"] += t1 - t0
        phases["checkout_pay"] += time.process_time() - t1

    import psycopg
    from django.db import connection

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=" + DB, autocommit=True) as conn:
        for i in range(50):  # warm-up: the statements prepared
            _plain_purchase(conn, listing_ids[i])
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        started, db_started = time.process_time(), _process_cpu(backend)
        for i in range(n):
            _plain_purchase(conn, listing_ids[i % len(listing_ids)])
        print(
            f"[bench] {n} plain purchases, one buyer: {(time.process_time() - started) / n * 1000:.2f} ms of Python "
            f"CPU and {(_process_cpu(backend) - db_started) / n * 1000:.2f} ms of PostgreSQL CPU per purchase",
            flush=True,
        )

    for i in range(50):  # warm-up: caches, the connection
        buy(i)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    rounds = []  # the machine is shared: the least disturbed of 3 rounds is the figure, the others show the spread
    for _ in range(3):
        phases = dict.fromkeys(phases, 0.0)
        started, wall, db_started = time.process_time(), time.perf_counter(), _process_cpu(backend)
        for i in range(n):
            buy(i)
        rounds.append(
            (
                (time.process_time() - started) / n,
                (time.perf_counter() - wall) / n,
                dict(phases),
                (_process_cpu(backend) - db_started) / n,
            )
        )
    cpu, wall, phases, db = min(rounds, key=lambda r: r[0])
    print(
        f"[bench] {n} purchases x 3 rounds, one buyer: {cpu * 1000:.2f} ms of Python CPU per purchase "
        f"(checkout_start {phases['checkout_start'] / n * 1000:.2f}, checkout_pay {phases['checkout_pay'] / n * 1000:.2f}; "
        f"rounds {', '.join(f'{r[0] * 1000:.2f}' for r in rounds)}), {db * 1000:.2f} ms of PostgreSQL CPU; "
        f"wall {wall * 1000:.2f} ms",
        flush=True,
    )

    # the same purchase through /api/v1 in process (Django's test client: middleware, django-ninja, JSON; no
    # gunicorn, no HTTP client, no connection health check, which the test client leaves out)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def buy_api(i: int) -> None:
        body = {
            "market": "FR",
            "email": "b@example.com",
            "shipping_address": ADDRESS,
            "items": [{"listing_id": listing_ids[i % len(listing_ids)], "quantity": 1}],
        }
        order = client.post("/api/v1/checkout", body, content_type="application/json").json()
        paid = client.post(f"/api/v1/orders/{order['id']}/pay", {"card_number": CARD}, content_type="application/json")
        assert paid.json()["payment_status"] == "captured", paid.content

    for i in range(50):
        buy_api(i)
    rounds = []
    for _ in range(3):
        started, wall = time.process_time(), time.perf_counter()
        for i in range(n):
            buy_api(i)
        rounds.append(((time.process_time() - started) / n, (time.perf_counter() - wall) / n))
    cpu, wall = min(rounds)
    print(
        f"[bench] {n} purchases x 3 rounds through /api/v1 (test client), one buyer: {cpu * 1000:.2f} ms of Python "
        f"CPU per purchase (rounds {', '.join(f'{r[0] * 1000:.2f}' for r in rounds)}); wall {wall * 1000:.2f} ms",
        flush=True,
    )
    if profile:
        for name, run in (("service", buy), ("api", buy_api)):
            print(f"[bench] profile of {n} purchases ({name}), CPU time", flush=True)
            profiler = cProfile.Profile(time.process_time)  # CPU time, not time spent waiting for PostgreSQL
            profiler.runcall(lambda run=run: [run(i) for i in range(n)])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def _start_line(gate) -> float:
    """Report this process ready, wait for every other one, and return the time the buyers start at."""
    ready, go, start = gate
    ready.put(os.getpid())
    go.wait()
    return start.value


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process on this machine has used so far (PostgreSQL's backend here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settle_database() -> None:
    """Vacuum and analyze between passes (untimed): every pass starts from tables in the same state, and no
    autovacuum worker, woken by the rows the previous pass wrote, takes the CPUs during a measured pass."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=" + DB, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def measure(
    worker, mode: str, buyers: int, processes: int, seconds: int, hot_id: int, listing_ids: list[int]
) -> tuple[float, int]:
    _settle_database()
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    gate = (ctx.Queue(), ctx.Event(), ctx.Value("d"))
    procs = [
        ctx.Process(target=worker, args=((mode, buyers // processes, seconds, gate, hot_id, listing_ids, out),))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:  # every process has loaded Django and connected: the buyers start together, one second on
        gate[0].get(timeout=120)
    gate[2].value = time.time() + 1
    gate[1].set()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    return done / seconds, sum(r[1] for r in results)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for the API pass")
    parser.add_argument("--no-record", action="store_true", help="print the figures, leave bench/RESULTS.md alone")
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        metavar="N",
        help="only measure Python CPU per purchase over N purchases of one buyer (records nothing)",
    )
    parser.add_argument("--profile", action="store_true", help="with --cpu: print a cProfile of N more purchases")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the passes this many times, one after the other, and report medians (the ratios "
        "are each round's against the plain pass of the same round)",
    )
    parser.add_argument(
        "--passes",
        default="plain,service,hot,api",
        help="the passes to run, for a trial (a recorded run runs all four)",
    )
    args = parser.parse_args()
    print("[bench] seeding PostgreSQL ...", flush=True)
    seed()
    if args.cpu:
        cpu_per_purchase(args.cpu, args.profile)
        return
    from remarket.offers.models import Listing

    listing_ids = list(Listing.objects.exclude(sku="HOT").values_list("pk", flat=True))
    hot_id = Listing.objects.get(sku="HOT").pk
    passes = set(args.passes.split(","))
    if passes != {"plain", "service", "hot", "api"} and not args.no_record:
        parser.error("--passes is for trials: add --no-record")
    rounds, loads = [], {}  # loads: the machine is shared, how busy it was after each pass (the last round's)
    for n in range(args.rounds):
        figures = dict.fromkeys(("plain", "service", "hot", "api"), (float("nan"), 0))
        for name, worker, mode in (
            ("plain", _plain_worker, "plain"),
            ("service", _service_worker, "spread"),
            ("hot", _service_worker, "hot"),
        ):
            if name in passes:
                print(f"[bench] round {n + 1}/{args.rounds}: {name} ...", flush=True)
                figures[name] = measure(worker, mode, args.buyers, args.processes, args.seconds, hot_id, listing_ids)
                loads[name] = os.getloadavg()[0]
        if "api" in passes:
            _api_pass(args, listing_ids, figures, loads)
        rounds.append(figures)
    report(args, hot_id, rounds, loads)


def _wrk_purchases(base: str, listings_file: str, connections: int, seconds: int) -> tuple[int, int]:
    """Run bench/checkout_api.lua under wrk: (purchases paid, requests failed or lost)."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=30s",
            "-s",
            str(ROOT / "bench/checkout_api.lua"),
            base,
            "--",
            listings_file,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    found = re.search(r"^purchases (\d+) checkouts (\d+) failed (\d+)$", out.stdout, re.M)
    if out.returncode or not found:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out.stdout)
    return int(found[1]), int(found[3]) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)


def _api_pass(args, listing_ids: list[int], figures: dict, loads: dict) -> None:
    """gunicorn as `remarket serve` runs it, and wrk as the load generator (C, two threads, one connection per
    buyer): each connection checks out one listing, pays the order, and starts again (bench/checkout_api.lua)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    port = _free_port()
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
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # the machine's speed in this run: DESIGN's budgets are set on a machine where this view does ≈ 6,000/s
        wrk(f"{base}/bench/bare", threads=2, connections=args.buyers, seconds=2, timeout=10)
        figures["bare"] = (
            wrk(f"{base}/bench/bare", threads=2, connections=args.buyers, seconds=5, timeout=10)[0].rps,
            0,
        )
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as ids:
            ids.write("\n".join(map(str, listing_ids)))
            ids.flush()
            _wrk_purchases(base, ids.name, args.buyers, 2)  # warm-up (untimed): every worker imports and connects
            _settle_database()
            print("[bench] /api/v1 on gunicorn (wrk) ...", flush=True)
            done, failed = _wrk_purchases(base, ids.name, args.buyers, args.seconds)
        figures["api"] = (done / args.seconds, failed)
        loads["api"] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(args, hot_id: int, rounds: list[dict], loads: dict) -> None:
    import statistics

    from remarket.offers.models import Listing
    from remarket.orders.models import OrderLine

    hot = Listing.objects.get(pk=hot_id)
    sold = sum(OrderLine.objects.filter(listing_id=hot_id, state=1).values_list("quantity", flat=True))
    held = sum(OrderLine.objects.filter(listing_id=hot_id, state=8).values_list("quantity", flat=True))
    oversold = (sold + held + hot.quantity) - HOT_UNITS

    def spread(values: list[float], fmt: str, unit: str = "") -> str:
        """The median, and the range when there are several rounds."""
        middle = format(statistics.median(values), fmt) + unit
        return (
            middle
            if len(values) == 1
            else f"{middle} ({format(min(values), fmt)}{unit}–{format(max(values), fmt)}{unit})"
        )

    paths = [
        ("plain", "plain psycopg transaction (reference)", ""),
        ("service", "service (checkout_start + checkout_pay)", ">= 300/s and >= 0.5x"),
        ("api", "/api/v1 on gunicorn (checkout + pay)", ">= 120/s and >= 0.5x"),
        ("hot", "service, every buyer on one hot listing", ">= 100/s"),
    ]
    lines = []
    for key, name, budget in paths:
        rates = [r[key][0] for r in rounds]
        ratios = [r[key][0] / r["plain"][0] for r in rounds]
        lines.append(
            f"| {name} | {spread(rates, ',.0f')} | {'' if key == 'plain' else spread(ratios, '.2f', 'x')} | {budget} |"
        )
    failed = {key: sum(r[key][1] for r in rounds) for key, _, _ in paths}
    several = f", median of {len(rounds)} rounds (range in brackets)" if len(rounds) > 1 else ""
    command = (
        f".venv/bin/python bench/checkout.py --seconds {args.seconds} --buyers {args.buyers} "
        f"--processes {args.processes} --workers {args.workers}"
        + (f" --rounds {args.rounds}" if len(rounds) > 1 else "")
    )
    section = (
        f"\n### Latest run — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"PostgreSQL, {args.buyers} concurrent buyers ({args.processes} processes), {args.seconds} s per pass"
        f"{several}; gunicorn {args.workers} sync workers and wrk (2 threads, one connection per buyer) for the "
        f"API; the database vacuumed and analyzed before each pass (untimed). Command: `{command}`. "
        f"Machine: {os.cpu_count()} cores (load generator on the same cores); 1-minute load average "
        f"(the benchmark's own processes included) after each pass of the last round: "
        f"{', '.join(f'{k} {v:.1f}' for k, v in loads.items())}.\n\n"
        "| path | orders/s | vs plain (same round) | budget |\n|---|---|---|---|\n"
        + "\n".join(lines)
        + f"\n\nFailed attempts (a checkout or payment not answered as expected): "
        f"{', '.join(f'{k} {v}' for k, v in failed.items())}.\n\nHot listing: {sold:,} sold + {held:,} held + "
        f"{hot.quantity:,} available = {sold + held + hot.quantity:,} of {HOT_UNITS:,} made available: "
        f"**{oversold} oversold**.\n"
    )
    bares = [r["bare"][0] for r in rounds if "bare" in r]
    if bares:
        bare = statistics.median(bares)
        scale = bare / DESIGN_BARE_RPS
        section += (
            f"\nThe machine in this run: the bare Django view did {spread(bares, ',.0f')} req/s through the "
            f"same gunicorn (DESIGN's budgets are set where it does ≈ {DESIGN_BARE_RPS:,}/s), so the absolute "
            f"budgets scaled to this machine are ≥ {300 * scale:,.0f}/s through the service and "
            f"≥ {120 * scale:,.0f}/s through /api/v1; the ratios to the plain reference hold as they are.\n"
        )
    if not args.no_record:
        record("checkout", "Checkout", section)
    print(section)


if __name__ == "__main__":
    main()
