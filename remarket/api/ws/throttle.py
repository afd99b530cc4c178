"""Per-token rate limits, counted per token id in counters every process shares (core/counters.py: Redis at
scale, the database in the embedded setup), so `remarket serve --workers 4` holds one limit, not four.

Fixed windows: the contract's reference blocks above ~200 requests per 10 s per token, and above ~20 per 10 s
on the more expensive catalog endpoints, until the window ends (`Retry-After`). Limits are settings
(`WS_RATE_LIMIT`, `WS_CATALOG_RATE_LIMIT`, each `(requests, seconds)`) so tests can lower them."""

from django.conf import settings

from remarket.core.counters import counter_window_hit

from .errors import RateLimited

DEFAULTS = {"default": ("WS_RATE_LIMIT", (200, 10)), "catalog": ("WS_CATALOG_RATE_LIMIT", (20, 10))}


def limit_for(bucket: str) -> tuple[int, int]:
    name, default = DEFAULTS[bucket]
    requests, seconds = getattr(settings, name, default)
    return int(requests), int(seconds)


def throttle(*, key: str, bucket: str) -> None:
    """Count one request of `key` in `bucket`; raise RateLimited past the limit of the current window."""
    limit, window = limit_for(bucket)
    count, retry_after = counter_window_hit(key=f"ws:rate:{bucket}:{key}", window_seconds=window)
    if count > limit:
        raise RateLimited(retry_after=retry_after, limit=limit, window=window)
