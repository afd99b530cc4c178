"""The worker's housekeeping of shared state."""

import datetime as dt

from remarket.core import clock
from remarket.core.counters import counters_purge

from .models import PeriodicRun
from .periodic import every


@every(dt.timedelta(minutes=10), "rate_counters_purge")
def _counters() -> str:
    return f"{counters_purge()} ended rate windows dropped"


@every(dt.timedelta(days=1), "periodic_runs_purge")
def _periodic_runs() -> str:
    """The periods' records are needed while a period can be asked again: a week keeps them for the operator."""
    gone, _ = PeriodicRun.objects.filter(started_at__lt=clock.now() - dt.timedelta(days=7)).delete()
    return f"{gone} periodic runs older than a week dropped"
