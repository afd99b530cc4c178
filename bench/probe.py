"""What the benchmark needs to know before it sends traffic, and the SQL each page issues.

Run by bench/run.py in a subprocess with DJANGO_SETTINGS_MODULE and DATABASE_URL set; prints one JSON
object on its last line of stdout:

- `target`: the product model with the most published, in-stock offers in France from merchants who may
  sell (the heaviest real product page), with its offer and variant counts;
- `size`: row counts (listings, their market terms, variants, product models, merchants) and the
  database's size on disk; `postgres`: the server's version;
- `queries`: per page, the queries of one request, counted in process with
  django.test.utils.CaptureQueriesContext through django.test.Client (the whole middleware stack):
    `first`     the first request in a fresh process, with no cache at all (DummyCache);
    `uncached`  a repeat request with no cache at all: what every request costs when nothing is cached;
    `filled`    the first request with the profile's real cache (it fills the cache, if the page uses one);
    `cached`    the repeat request with the real cache: what a cached request costs.
  Each with the SQL (shortened), how many of them write (INSERT/UPDATE/DELETE) and whether the response
  set a session cookie (anonymous pages must do neither);
- `service_ms` and `service_ms_uncached`: per page, the median wall time of one request served in process
  (django.test.Client, after the requests above), with the profile's real cache and with none: the cost of a
  request with no queueing and no HTTP, which the req/s that wrk sees follow from (about CPUs / service time)."""

import json
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SELLING = ("active", "warned", "limited")
WRITES = ("INSERT", "UPDATE", "DELETE")
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _request(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    sql = [q["sql"] for q in ctx.captured_queries]
    return {
        "status": response.status_code,
        "count": len(sql),
        "writes": sum(1 for s in sql if s.lstrip().upper().startswith(WRITES)),
        "session_cookie": "sessionid" in response.cookies,
        "bytes": len(response.content),
        "sql": [_short(s) for s in sql],
    }


def _short(sql: str) -> str:
    """The statement without its column list, cut at 200 characters."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", sql, count=1, flags=re.S)
    return sql if len(sql) <= 200 else sql[:197] + "..."


def _service_ms(client, url: str, n: int = 15) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings

    from remarket.catalog.models import ProductModel, Variant
    from remarket.merchants.models import Merchant
    from remarket.offers.models import Listing, ListingMarket

    top = (
        ListingMarket.objects.filter(
            market__code="FR", published=True, listing__quantity__gt=0, listing__merchant__status__in=SELLING
        )
        .values("listing__variant__model")
        .annotate(n=Count("id"))
        .order_by("-n", "listing__variant__model")
        .first()
    )
    if top is None:
        sys.exit("probe: no published French offer in the database: nothing to benchmark")
    model = ProductModel.objects.get(pk=top["listing__variant__model"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = cursor.fetchone()[0]
    result = {
        "target": {
            "slug": model.slug,
            "pk": model.pk,
            "name": str(model),
            "fr_offers": top["n"],
            "variants": model.variants.count(),
        },
        "size": {
            "listings": Listing.objects.count(),
            "listing_terms": ListingMarket.objects.count(),
            "variants": Variant.objects.count(),
            "product_models": ProductModel.objects.count(),
            "merchants": Merchant.objects.count(),
            "database_bytes": db_bytes,
        },
        "postgres": version,
        "queries": {},
        "service_ms": {},
        "service_ms_uncached": {},
    }
    pages = {
        "product_page": f"/fr/p/{model.slug}/",
        "product_api": f"/api/v1/catalog/products/{model.slug}?market=FR",
    }
    if os.environ.get("REMARKET_BENCH_VIEWS") == "1":
        pages["one_select"] = f"/bench/one-select?id={model.pk}"
        pages["bare"] = "/bench/bare"
    logging.disable(logging.INFO)  # the request log line per request is not what is measured here
    for name, url in pages.items():
        client = Client()
        counts = {}
        with override_settings(CACHES=NO_CACHE):
            counts["first"] = _request(client, url)
            counts["uncached"] = _request(client, url)
        counts["filled"] = _request(client, url)
        counts["cached"] = _request(client, url)
        result["queries"][name] = {"url": url, **counts}
        result["service_ms"][name] = _service_ms(client, url)
        with override_settings(CACHES=NO_CACHE):
            result["service_ms_uncached"][name] = _service_ms(client, url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
