"""Counters every process of an installation shares, for rate limits: Redis when `REDIS_URL` is set (the cache's
atomic INCR), otherwise the database (one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, atomic on SQLite and
PostgreSQL alike). Local memory is never used: each gunicorn worker would count alone."""

import datetime as dt
import math

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from . import clock
from .db import fetch_rows

_UPSERT = (
    "INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = core_ratecounter.count + 1 RETURNING count"
)


def counter_hit(*, key: str, ttl_seconds: int) -> int:
    """Add one to `key` (a key naming its own window, so it is never reused) and return the new count."""
    if getattr(settings, "REMARKET_COUNTERS", "database") == "cache":
        cache.add(key, 0, timeout=ttl_seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=ttl_seconds)
            return 1
    expires = connection.ops.adapt_datetimefield_value(clock.now() + dt.timedelta(seconds=ttl_seconds))
    ((count,),) = fetch_rows(_UPSERT, [key[:200], expires])
    return count


def counter_window_hit(*, key: str, window_seconds: int) -> tuple[int, int]:
    """Add one to `key` in the current fixed window of `window_seconds`; return the window's count and the
    seconds until it ends (what a Retry-After says)."""
    now = clock.now().timestamp()
    start = int(now // window_seconds) * window_seconds
    count = counter_hit(key=f"{key}:{start}", ttl_seconds=window_seconds + 1)
    return count, max(1, math.ceil(start + window_seconds - now))


def counters_purge() -> int:
    """Drop the windows that ended (the worker runs it)."""
    from .models import RateCounter

    return RateCounter.objects.filter(expires_at__lt=clock.now()).delete()[0]
