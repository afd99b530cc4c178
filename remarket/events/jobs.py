"""The worker's housekeeping of shared state."""

import datetime as dt

from remarket.core.counters import counters_purge

from .periodic import every


@every(dt.timedelta(minutes=10), "rate_counters_purge")
def _counters() -> str:
    return f"{counters_purge()} ended rate windows dropped"
