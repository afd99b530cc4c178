"""The store locator benchmark: `locations_near` over 500 partner corners and the New York store, through the
service and through `GET /api/v1/locations` on gunicorn, on PostgreSQL, with a reference measured in the same run.

    .venv/bin/python bench/locator.py [--duration 15] [--clients 8] [--workers 3] [--locations 500]
                                      [--database-url postgres://postgres@127.0.0.1:5432/remarket_bench_locator]

Steps, with bench/run.py's helpers (the same database handling and the same gunicorn as `remarket serve`):

1. drop and create the database (its name must contain "bench"), migrate, and build the demo's network
   (`network_build`: the six markets, the New York store, `--locations` corners in France's largest towns with
   their hours and services) plus one product model for the reference view; ANALYZE;
2. the service, in a subprocess: 300 fixed questions (a third positions around France, a third postcodes, a
   third town names; one in three asks for pickup), each asked `--rounds` times, timed one by one; beside it,
   in the same process and the same way, one indexed primary-key select of a location (the reference);
3. HTTP: gunicorn (`--workers` sync workers) and a closed-loop Python client (`--clients` processes, one
   keep-alive connection each, wrk being absent here) sending the same questions in turn to
   `/api/v1/locations`, then the same client on `/bench/one-select` (bench/run.py's reference view);
4. prints the figures (p50/p95/p99 and req/s) and the verdict against the budget (p95 ≤ 20 ms); the lead
   copies them to bench/RESULTS.md.

gunicorn is started here and stopped by its own pid, also on error; nothing else is stopped."""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/remarket_bench_locator"
P95_MS = 20.0  # issue 13: store locator p95 ≤ 20 ms over 500 locations
SEED = 20261203


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _figures(samples_ms: list[float], seconds: float) -> dict:
    return {
        "n": len(samples_ms),
        "p50_ms": round(_pct(samples_ms, 0.50), 2),
        "p95_ms": round(_pct(samples_ms, 0.95), 2),
        "p99_ms": round(_pct(samples_ms, 0.99), 2),
        "rps": round(len(samples_ms) / seconds, 1) if seconds else None,
    }


def questions_build() -> list[dict]:
    """300 locator questions from the network in the database and France's communes, the same for the same data."""
    from remarket.markets.locator import _places
    from remarket.markets.models import Location

    rng = random.Random(SEED)
    corners = list(Location.objects.filter(country="FR").order_by("pk").values("postcode", "town"))
    by_postcode, _ = _places()
    french = sorted(k[3:] for k in by_postcode if k.startswith("FR:"))
    out = []
    for i in range(300):
        q: dict = {}
        if i % 3 == 0:  # a position in mainland France
            q["near"] = f"{rng.uniform(43.0, 50.8):.5f},{rng.uniform(-1.5, 7.5):.5f}"
        elif i % 3 == 1:  # a postcode: half the corners' own, half anywhere
            q["postcode"] = rng.choice(corners)["postcode"] if rng.random() < 0.5 else rng.choice(french)
        else:
            q["town"] = rng.choice(corners)["town"]
        if rng.random() < 1 / 3:
            q["service"] = "pickup"
        out.append(q)
    return out


def fill(locations: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from remarket.catalog.models import Category, ProductModel
    from remarket.demo.network import network_build

    network = network_build(partner_locations=locations)
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    ProductModel.objects.get_or_create(
        slug="bench-model", defaults={"name": "Bench", "brand": "Bench", "category": category}
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps({"locations": len(network.partner_locations) + 1}))


def service(rounds: int) -> None:
    """Each question `rounds` times through locations_near, timed one by one, and the reference select."""
    import django

    django.setup()
    from remarket.markets.locator import locations_near
    from remarket.markets.models import Location

    questions = questions_build()
    calls = []
    for q in questions:
        point = tuple(float(v) for v in q["near"].split(",")) if "near" in q else None
        calls.append(dict(point=point, postcode=q.get("postcode"), town=q.get("town"), service=q.get("service")))
    for call in calls:  # warm: the communes table, the connection, the statement shapes
        locations_near(**call)
    samples, started, cpu = [], time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for call in calls:
            t0 = time.perf_counter()
            locations_near(**call)
            samples.append((time.perf_counter() - t0) * 1000)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    pks = list(Location.objects.values_list("pk", flat=True))
    reference, ref_started, ref_cpu = [], time.perf_counter(), time.process_time()
    for i in range(len(samples)):
        t0 = time.perf_counter()
        Location.objects.filter(pk=pks[i % len(pks)]).values("id", "code", "name").first()
        reference.append((time.perf_counter() - t0) * 1000)
    ref_elapsed, ref_cpu = time.perf_counter() - ref_started, time.process_time() - ref_cpu
    # this process's own CPU per call: what a loaded machine's waiting does not inflate
    figures = dict(_figures(samples, elapsed), cpu_ms_per_call=round(cpu * 1000 / len(samples), 3))
    ref_figures = dict(_figures(reference, ref_elapsed), cpu_ms_per_call=round(ref_cpu * 1000 / len(reference), 3))
    print(json.dumps({"service": figures, "reference": ref_figures}))


def _client(args) -> list[float]:
    """One keep-alive connection sending `paths` in turn until `until` (time.time()); the latencies in ms."""
    port, paths, until, offset = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    samples, i, errors = [], offset, 0
    while time.time() < until:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        samples.append((time.perf_counter() - t0) * 1000)
        if response.status != 200:
            errors += 1
    conn.close()
    return samples + [-1.0] * errors  # errors counted as negative samples


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    until = time.time() + seconds
    with multiprocessing.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, [(port, paths, until, k * 37) for k in range(clients)])
        elapsed = time.perf_counter() - started
    samples = [s for r in results for s in r if s >= 0]
    figures = _figures(samples, elapsed)
    figures["errors"] = sum(1 for r in results for s in r if s < 0)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="remarket's store locator benchmark (see this file's docstring)")
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--service", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=int, default=15, help="seconds of HTTP load per pass (default 15)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--locations", type=int, default=500, help="partner corners (default 500)")
    parser.add_argument("--rounds", type=int, default=5, help="service: times each question is asked (default 5)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOCATOR_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    if args.fill is not None:
        fill(args.fill)
        return 0
    if args.service is not None:
        service(args.service)
        return 0

    sys.path.insert(0, str(BENCH))
    import run as common  # bench/run.py: database and gunicorn helpers shared by the benchmarks

    python = sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("REMARKET_DEBUG", "PYTHONPATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="remarket.settings.local",
        DATABASE_URL=args.database_url,
        REMARKET_BENCH_VIEWS="1",
        REMARKET_SUPERVISE_WORKER="0",
        PYTHONUNBUFFERED="1",
    )
    os.environ.update(env)  # for the questions built here
    manage = [python, str(ROOT / "manage.py")]
    common.database_recreate(args.database_url)
    common.run([*manage, "migrate", "--no-input", "-v0"], env, what="migrate")
    me = str(BENCH / "locator.py")
    filled = json.loads(
        common.run([python, me, "--fill", str(args.locations)], env, what="fill", capture=True).strip().splitlines()[-1]
    )
    measured = json.loads(
        common.run([python, me, "--service", str(args.rounds)], env, what="service", capture=True)
        .strip()
        .splitlines()[-1]
    )
    import django

    django.setup()
    from remarket.catalog.models import ProductModel

    paths = ["/api/v1/locations?" + urlencode(q) for q in questions_build()]
    model_pk = ProductModel.objects.get(slug="bench-model").pk
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"remarket-locator-bench-{os.getpid()}"
    workdir.mkdir(exist_ok=True)
    with common.Gunicorn(python, env, args.workers, workdir / "gunicorn.log") as server:
        port = urlsplit(server.base).port
        status, body = common.http_get(server.base + paths[0])
        if status != 200:
            raise RuntimeError(f"the locator answered {status}: {body[:500]!r}")
        load(port, paths, args.clients, 3)  # warm every worker
        http_locator = load(port, paths, args.clients, args.duration)
        http_reference = load(port, [f"/bench/one-select?id={model_pk}"], args.clients, args.duration)
    report = {
        "locations": filled["locations"],
        "service": measured["service"],
        "service_reference_pk_select": measured["reference"],
        "http_locator": http_locator,
        "http_reference_one_select": http_reference,
        "clients": args.clients,
        "workers": args.workers,
    }
    print(json.dumps(report, indent=2))
    for name in ("service", "http_locator"):
        verdict = "within" if report[name]["p95_ms"] <= P95_MS else "OVER"
        print(f"{name}: p95 {report[name]['p95_ms']} ms, {verdict} the {P95_MS:.0f} ms budget")
    ratio = http_locator["rps"] / http_reference["rps"] if http_reference["rps"] else 0
    print(f"HTTP locator {http_locator['rps']} req/s = {ratio:.2f}x the one-select reference's {http_reference['rps']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
