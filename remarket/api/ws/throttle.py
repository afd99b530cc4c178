"""Per-token rate limits in the shared cache (local memory in the embedded setup, Redis at scale).

Fixed windows: the contract's reference blocks above ~200 requests per 10 s per token, and above ~20 per 10 s
on the more expensive catalog endpoints, until the window ends (`Retry-After`). Limits are settings
(`WS_RATE_LIMIT`, `WS_CATALOG_RATE_LIMIT`, each `(requests, seconds)`) so tests can lower them."""
import math

from django.conf import settings
from django.core.cache import cache

from remarket.core import clock

from .errors import RateLimited

DEFAULTS = {"default": ("WS_RATE_LIMIT", (200, 10)), "catalog": ("WS_CATALOG_RATE_LIMIT", (20, 10))}


def limit_for(bucket: str) -> tuple[int, int]:
    name, default = DEFAULTS[bucket]
    requests, seconds = getattr(settings, name, default)
    return int(requests), int(seconds)


def throttle(*, key: str, bucket: str) -> None:
    """Count one request of `key` in `bucket`; raise RateLimited past the limit of the current window."""
    limit, window = limit_for(bucket)
    now = clock.now().timestamp()
    start = int(now // window) * window
    cache_key = f"ws:rate:{bucket}:{key}:{start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, math.ceil(start + window - now)), limit=limit, window=window)
