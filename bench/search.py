"""The search benchmark: 200 fixed searches with facet counts, 8 concurrent clients, gunicorn on PostgreSQL.

    .venv/bin/python bench/search.py [--duration 20] [--clients 8] [--workers 3] [--data demo|synthetic]
                                     [--demo-args '--listings 20000'] [--scale 1.0] [--reuse-db]
                                     [--database-url postgres://postgres@127.0.0.1:5432/remarket_bench_search]

Steps, with bench/run.py's helpers (the same database handling and the same gunicorn as `remarket serve`):

1. drop and create the database (its name must contain "bench"), migrate, fill it with `manage.py demo`
   (default; `--demo-args` passes options on) or bench/seed.py (`--data synthetic --scale 1.0` is DESIGN's
   size: 50 k variants, 500 k listings), then `manage.py search_rebuild`, ANALYZE and collectstatic;
2. `bench/search.py --probe` in a subprocess builds the 200 searches from the catalog with a fixed seed (model
   names, prefixes, typos, brands and categories, filters, sorts, second pages: the mix is in `QUERY_MIX`),
   requests each once in process to check it answers 200 and to count its SQL, and reports the data's size;
3. two gunicorn passes on 127.0.0.1: `production` (remarket.settings.local, whose cache keeps the broadest
   results for 30 s) and `uncached` (DummyCache: every search runs all its SQL). In each, wrk with a Lua
   script sends the 200 searches in turn over `--clients` keep-alive connections (closed loop: 8 clients
   each waiting for its answer before the next search) and reports p50/p95/p99 and req/s;
4. prints the figures and writes them under "## Search" in bench/RESULTS.md (its own block, replaced on
   the next run with the same data; bench/run.py's block and anything else in the file are left as they are).

gunicorn is started here and stopped by its own pid, also on error or Ctrl-C; nothing else is stopped."""

import argparse
import datetime as dt
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/remarket_bench_search"
P95_MS, MIN_RPS = 50.0, 100.0  # DESIGN.md, "Performance budgets": search with facet counts
SEED = 20261127
QUERY_MIX = [  # kind, how many, what
    ("name", 50, "a product model's full name, as typed: 'iphone 13 pro'"),
    ("prefix", 25, "the start of a name, cut mid-word: 'galaxy s2'"),
    ("typo", 20, "a name with two letters swapped in its longest word: 'iphnoe 13'"),
    ("name+storage", 20, "a name and a storage: 'galaxy s23 256gb'"),
    ("broad", 15, "one brand or category word: 'apple', 'laptops'"),
    ("browse", 20, "no words, a category or a brand filter"),
    ("filtered", 25, "a brand or name with a grade, storage or price-range filter"),
    ("sorted", 15, "a broad search sorted by price or newest"),
    ("page2", 10, "the second page of a broad search"),
]
RESULTS_HEAD = "## Search"
RUN_START, RUN_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"  # bench/run.py's block


# --- the 200 searches ----------------------------------------------------------------------------------------


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def queries_build(models: list[dict], categories: list[str], storages: list[int]) -> list[tuple[str, str]]:
    """(kind, path) × 200 from the catalog sold in France (`models`: name, brand and the storages each is
    offered in), the same for the same catalog."""
    rng = random.Random(SEED)
    brands = sorted({m["brand"] for m in models})
    out: list[tuple[str, str]] = []

    def add(kind: str, **params) -> None:
        out.append(
            (kind, "/fr/search/?" + urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True))
        )

    names = [m["name"].lower() for m in models]
    for name in (rng.choice(names) for _ in range(50)):
        add("name", q=name)
    for name in (rng.choice(names) for _ in range(25)):
        add("prefix", q=name[: max(3, rng.randrange(3, len(name) + 1) - 1)])
    for name in (rng.choice(names) for _ in range(20)):
        words = name.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) >= 4:
            words[longest] = _swap(words[longest], rng)
        add("typo", q=" ".join(words))
    with_storage = [m for m in models if m["storages"]]
    for model in (rng.choice(with_storage) for _ in range(20)):
        add("name+storage", q=f"{model['name'].lower()} {rng.choice(model['storages'])}gb")
    broad = [b.lower() for b in brands] + categories
    for i in range(15):
        add("broad", q=broad[i % len(broad)])
    for i in range(20):
        add(
            "browse", **({"category": categories[i % len(categories)]} if i % 2 else {"brand": brands[i % len(brands)]})
        )
    grades = ["PREMIUM", "EXCELLENT", "VERY_GOOD", "GOOD", "FAIR"]
    for i in range(25):
        filters = [
            {"grade": rng.choice(grades)},
            {"storage": rng.choice(storages)},
            {"min": rng.choice([100, 200, 300]), "max": rng.choice([499.99, 749.99, 999.99])},
        ][i % 3]
        add("filtered", q=rng.choice(brands).lower() if i % 2 else rng.choice(names), **filters)
    for i in range(15):
        add("sorted", q=broad[i % len(broad)], sort=["price_asc", "price_desc", "newest"][i % 3])
    for i in range(10):
        add(
            "page2",
            **({"q": broad[i % len(broad)]} if i % 2 else {"category": categories[i % len(categories)]}),
            page=2,
        )
    assert len(out) == sum(n for _, n, _ in QUERY_MIX) == 200
    return out


# --- in process (run with DJANGO_SETTINGS_MODULE and DATABASE_URL set) ---------------------------------------


def probe() -> None:
    """Print one JSON line: the 200 searches with their status, SQL count and time in process, and sizes."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from remarket.catalog.models import Category, ProductModel, Variant
    from remarket.offers.models import Listing, ListingMarket
    from remarket.search.models import SearchEntry

    fr = SearchEntry.objects.filter(market__code="FR")
    model_ids = set(fr.values_list("model_id", flat=True).distinct())
    if not model_ids:
        sys.exit("probe: the search index has nothing for sale in France: run `manage.py search_rebuild`")
    models = list(ProductModel.objects.filter(pk__in=model_ids).order_by("pk").values("pk", "name", "brand"))
    offered: dict[int, set[int]] = {}
    for model_id, storage in fr.exclude(storage_gb=None).values_list("model_id", "storage_gb").distinct():
        offered.setdefault(model_id, set()).add(storage)
    for model in models:
        model["storages"] = sorted(offered.get(model["pk"], ()))
    categories = sorted(Category.objects.filter(pk__in=fr.values("category_id")).values_list("slug", flat=True))
    storages = sorted(set(fr.exclude(storage_gb=None).values_list("storage_gb", flat=True).distinct()))
    queries = queries_build(models, categories, storages)
    client = Client()
    checked = []
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        for _, path in queries[:3]:  # the first requests of a process load translations, templates, locales
            client.get(path, HTTP_HOST="127.0.0.1")
        for kind, path in queries:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                elapsed = time.perf_counter() - started
            html = response.content.decode()
            total = html.split('data-total="', 1)[1].split('"', 1)[0] if 'data-total="' in html else None
            checked.append(
                {
                    "kind": kind,
                    "path": path,
                    "status": response.status_code,
                    "queries": len(ctx),
                    "ms": round(elapsed * 1000, 2),
                    "total": int(total) if total else None,
                    "session_cookie": "sessionid" in response.cookies,
                }
            )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "queries": checked,
                "postgres": version,
                "model_pk": min(model_ids),
                "size": {
                    "listings": Listing.objects.count(),
                    "listing_terms": ListingMarket.objects.count(),
                    "variants": Variant.objects.count(),
                    "product_models": ProductModel.objects.count(),
                    "entries": SearchEntry.objects.count(),
                    "entries_fr": fr.count(),
                    "models_fr": len(model_ids),
                },
            }
        )
    )


# --- wrk ------------------------------------------------------------------------------------------------------

LUA = """-- written by bench/search.py: each connection sends the searches in turn
paths = {%(paths)s}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, paths[(offset + n) %% #paths + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('SEARCHBENCH {"requests": %%d, "duration_us": %%d, "p50_ms": %%.3f, "p90_ms": %%.3f, ' ..
    '"p95_ms": %%.3f, "p99_ms": %%.3f, "max_ms": %%.3f, "mean_ms": %%.3f, "non_2xx": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d}\\n', summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, e.status, e.connect, e.read,
    e.write, e.timeout))
end
"""


def lua_write(path: Path, urls: list[str]) -> None:
    path.write_text(LUA % {"paths": ", ".join(json.dumps(u) for u in urls)})


def wrk_search(
    base: str, script: Path, *, clients: int, threads: int, seconds: int, timeout: int, nice: int = 0
) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", f"--timeout={timeout}s", "-s", str(script), base]
    out = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=seconds + timeout + 60,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    line = next((l for l in out.stdout.splitlines() if l.startswith("SEARCHBENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out.stdout}\n{out.stderr}")
    figures = json.loads(line.split(" ", 1)[1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("non_2xx", "connect", "read", "write", "timeout"))
    return figures


# --- the run --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="remarket's search benchmark (see this file's docstring)")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per pass (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of wrk before measuring (default 5)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8, DESIGN's budget)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout, seconds (default 10)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3, as bench/run.py)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--data",
        choices=("demo", "synthetic"),
        default="demo",
        help="demo: `manage.py demo` (default); synthetic: bench/seed.py at --scale",
    )
    parser.add_argument("--demo-args", default="", help="extra arguments for `manage.py demo`")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="bench/seed.py: fraction of 50k variants / 500k listings / 1,800 merchants (default 1)",
    )
    parser.add_argument("--reuse-db", action="store_true", help="keep the database as it is (migrate still runs)")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60,
        help="wait up to this many seconds for other processes to leave the CPUs idle (default 60)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run gunicorn, wrk and the database's backends at this niceness (as bench/run.py "
        "--nice; e.g. -10 on a machine others load; needs root for negative values)",
    )
    parser.add_argument("--no-uncached", action="store_true", help="skip the DummyCache pass")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.probe:
        probe()
        return 0

    sys.path.insert(0, str(BENCH))
    import run as common  # bench/run.py: database, gunicorn and CPU helpers shared by the benchmarks

    python, command, env, manage, workdir = common.bench_setup(
        "bench/search.py", argv, args.database_url, "remarket-search-bench-"
    )
    started = time.monotonic()

    if not args.reuse_db:
        common.database_recreate(args.database_url)
    common.run([*manage, "migrate", "--no-input", "-v0"], env, what="migrate")
    if args.data == "demo":
        data = shlex.join(["manage.py", "demo", *shlex.split(args.demo_args)])
        if not args.reuse_db:
            common.run(
                [
                    *manage,
                    "demo",
                    "--credentials",
                    str(workdir / "demo-credentials.json"),
                    *shlex.split(args.demo_args),
                ],
                env,
                what="fill (manage.py demo)",
            )
    else:
        sizes = [
            f"--variants={round(50_000 * args.scale)}",
            f"--listings={round(500_000 * args.scale)}",
            f"--merchants={max(10, round(1_800 * args.scale))}",
        ]
        data = shlex.join(["bench/seed.py", *sizes])
        if not args.reuse_db:
            common.run([python, str(BENCH / "seed.py"), *sizes], env, what="fill (bench/seed.py)")
    t0 = time.monotonic()
    common.run([*manage, "search_rebuild"], env, what="search index")
    rebuild_s = time.monotonic() - t0
    common.run(
        [
            python,
            "-c",
            "import django; django.setup(); from django.db import connection; connection.cursor().execute('ANALYZE')",
        ],
        env,
        what="analyze",
    )
    common.run([*manage, "collectstatic", "--no-input", "-v0"], env, what="collectstatic")

    probed = json.loads(
        common.run([python, str(BENCH / "search.py"), "--probe"], env, what="probe", capture=True)
        .strip()
        .splitlines()[-1]
    )
    bad = [q for q in probed["queries"] if q["status"] != 200 or q["session_cookie"]]
    if bad:
        raise SystemExit(f"searches that do not answer 200 anonymously: {bad[:5]}")
    script = workdir / "searches.lua"
    lua_write(script, [q["path"] for q in probed["queries"]])

    passes = [("production", "remarket.settings.local")]
    if not args.no_uncached:
        passes.append(("uncached", "settings_nocache"))
    results, noise = {}, {}
    for name, settings in passes:
        pass_env = dict(env, DJANGO_SETTINGS_MODULE=settings)
        if settings == "settings_nocache":
            pass_env["PYTHONPATH"] = str(BENCH)
        with common.Gunicorn(
            python,
            pass_env,
            args.workers,
            workdir / f"gunicorn-{name}.log",
            **({"nice": args.nice} if args.nice else {}),
        ) as server:
            status, body = common.http_get(server.base + probed["queries"][0]["path"])
            if status != 200:
                raise RuntimeError(f"the first search answered {status}:\n{body[:2000]!r}\n{server.log_tail()}")
            if args.warmup:
                wrk_search(
                    server.base,
                    script,
                    clients=args.clients,
                    threads=args.threads,
                    seconds=args.warmup,
                    timeout=args.timeout,
                    nice=args.nice,
                )
            if args.nice and hasattr(common, "renice_backends"):  # the backends the warm-up opened
                common.renice_backends(urlsplit(args.database_url).path.lstrip("/"), args.nice)
            common.settle(server.proc.pid)
            before = common.wait_quiet(args.wait_quiet)
            common.say(f"{name}: wrk {args.duration}s, {args.clients} clients, 200 searches in turn")
            with _cpu_share(common, server.proc.pid, args.database_url) as share:
                figures = wrk_search(
                    server.base,
                    script,
                    clients=args.clients,
                    threads=args.threads,
                    seconds=args.duration,
                    timeout=args.timeout,
                    nice=args.nice,
                )
            results[name], noise[name] = figures, max(before, share.others)
            if name == "production":  # the reference of bench/run.py, same server, same clients
                reference, _ = common.wrk(
                    f"{server.base}/bench/one-select?id={probed['model_pk']}",
                    threads=args.threads,
                    connections=args.clients,
                    seconds=max(5, args.duration // 2),
                    timeout=args.timeout,
                    **({"nice": args.nice} if args.nice else {}),
                )
                results["one-select"] = {
                    "rps": reference.rps,
                    "p50_ms": reference.p50_ms,
                    "p99_ms": reference.p99_ms,
                    "errors": reference.errors,
                }
                common.say(f"  one-select reference: {reference.rps:,.0f} req/s, p99 {reference.p99_ms:.1f} ms")
            common.say(
                f"  {figures['rps']:,.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
                f"p95 {figures['p95_ms']:.1f} ms, "
                f"p99 {figures['p99_ms']:.1f} ms, {figures['errors']} errors "
                f"(others used {share.others:.0%} of the CPUs meanwhile)"
            )
            if figures["errors"]:
                sys.stderr.write(server.log_tail() + "\n")

    block = report(
        args=args,
        command=command,
        data=data,
        probed=probed,
        results=results,
        noise=noise,
        machine=common.machine(),
        rebuild_s=rebuild_s,
        elapsed=time.monotonic() - started,
        busy_warn=common.BUSY_WARN,
    )
    print()
    print(block)
    if not args.no_write:
        detail = f"scale-{args.scale:g}" if args.data == "synthetic" else "-".join(shlex.split(args.demo_args))
        results_write(RESULTS, block, key=re.sub(r"[^a-z0-9.]+", "-", f"{args.data} {detail}".lower()).strip("-"))
        common.say(f"wrote {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _cpu_share(common, pid: int, database_url: str):
    """bench/run.py's measure of the CPU others use, whichever of its versions is there."""
    try:
        return common.CpuShare(pid, urlsplit(database_url).path.lstrip("/"))
    except TypeError:
        return common.CpuShare(pid)


def _verdict(figures: dict) -> str:
    ok = figures["p95_ms"] <= P95_MS and figures["rps"] >= MIN_RPS
    return "MEETS" if ok else "FALLS SHORT"


def report(*, args, command, data, probed, results, noise, machine, rebuild_s, elapsed, busy_warn) -> str:
    size, queries = probed["size"], probed["queries"]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts = sorted(q["queries"] for q in queries)
    ms = sorted(q["ms"] for q in queries)
    empty = sum(1 for q in queries if not q["total"])
    lines = [
        f"### {now} — {data}",
        "",
        f"Command: `{command}` (wrk `-t{args.threads} -c{args.clients} -d{args.duration}s --timeout={args.timeout}s` "
        f"with a Lua script sending the 200 searches in turn, {args.warmup} s warm-up; gunicorn sync workers: "
        f"{args.workers}{f'; gunicorn, wrk and the database backends at nice {args.nice}' if args.nice else ''}; "
        f"whole run {elapsed:.0f} s).",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']} memory, Linux "
        f"{machine['kernel']}, PostgreSQL {probed['postgres']} on 127.0.0.1, Python {machine['python']}, "
        f"{machine['wrk']}. gunicorn, PostgreSQL and wrk share the same CPUs.",
        "",
        f"Data: {data} — {size['listings']:,} listings ({size['listing_terms']:,} market terms), "
        f"{size['variants']:,} variants of {size['product_models']:,} product models; search index "
        f"{size['entries']:,} entries ({size['entries_fr']:,} in France, {size['models_fr']:,} models for sale "
        f"there), rebuilt in {rebuild_s:.1f} s.",
        "",
        "Searches: "
        + ", ".join(f"{n} {kind}" for kind, n, _ in QUERY_MIX)
        + f" (bench/search.py `QUERY_MIX`); {empty} of them find nothing. In process with no cache, one search "
        f"issues {counts[0]}–{counts[-1]} SQL queries (median {counts[len(counts) // 2]}) and takes "
        f"{ms[len(ms) // 2]:.1f} ms (median), {ms[int(len(ms) * 0.95)]:.1f} ms (p95) single-threaded.",
        "",
        "| pass | req/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors | others' CPU "
        "| budget (p95 ≤ 50 ms, ≥ 100 req/s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    reference = results.get("one-select")
    for name, f in results.items():
        if name == "one-select":
            continue
        lines.append(
            f"| {name} | {f['rps']:,.0f} | {f['p50_ms']:.1f} | {f['p90_ms']:.1f} | {f['p95_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {f['max_ms']:.1f} | {f['errors']} | {noise[name]:.0%} | "
            f"**{_verdict(f)}** |"
        )
    lines += [
        "",
        "`production`: remarket.settings.local as `remarket serve` runs it (locmem cache: each worker keeps the "
        "results part of a search page under the index's version, so a repeated search costs the market and the "
        "version queries). `uncached`: DummyCache (bench/settings_nocache.py), every search runs all its SQL "
        "and renders all its HTML.",
    ]
    if reference:
        ratios = ", ".join(
            f"{name} {f['rps'] / reference['rps']:.2f}×" for name, f in results.items() if name != "one-select"
        )
        lines += [
            "",
            f"Reference in the same run (bench/run.py's one indexed pk select on the same server, "
            f"{args.clients} clients, measured right after the production pass): {reference['rps']:,.0f} "
            f"req/s, p99 {reference['p99_ms']:.1f} ms; searches against it: {ratios}. On DESIGN's reference "
            "machine that view does about 2,800 req/s: this machine's absolute figures are lower by that "
            "much, the ratios less so.",
        ]
    if max(noise.values(), default=0) > busy_warn:
        lines += [
            "",
            "**Warning: other processes were using the CPUs during this run; the figures are low and "
            "the run should be repeated on a quiet machine.**",
        ]
    slowest = sorted(queries, key=lambda q: -q["ms"])[:5]
    lines += [
        "",
        "Slowest searches in process (no cache): "
        + "; ".join(f"`{q['path']}` {q['ms']:.0f} ms, {q['queries']} queries, {q['total']} hits" for q in slowest),
        "",
    ]
    return "\n".join(lines)


def results_write(path: Path, block: str, *, key: str) -> None:
    """Put this run's block under "## Search", replacing the previous run with the same data; keep everything
    else. When the file has no bench/run.py block yet, an empty one is left for it first, so that its next
    run fills that in instead of starting the file anew."""
    start, end = f"<!-- bench:search:{key}:start -->", f"<!-- bench:search:{key}:end -->"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if RUN_START not in text:
        text = text.rstrip("\n") + f"\n\n{RUN_START}\n_(bench/run.py has not run yet)_\n{RUN_END}\n"
    mine = f"{start}\n{block.rstrip()}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + mine + rest.split(end, 1)[1]
    else:
        if RESULTS_HEAD not in text.split("\n"):
            text = text.rstrip("\n") + f"\n\n{RESULTS_HEAD}\n\nWritten by `bench/search.py` (see its docstring).\n"
        head, sep, tail = text.partition(f"\n{RESULTS_HEAD}\n")
        # after the Search heading and its line, before the next "## " heading
        after = tail.split("\n## ", 1)
        body = after[0].rstrip("\n") + f"\n\n{mine}\n"
        text = head + sep + body + ("\n## " + after[1] if len(after) > 1 else "")
    path.write_text(text if text.endswith("\n") else text + "\n")


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through `with Gunicorn(...)`, which stops gunicorn by its pid


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
