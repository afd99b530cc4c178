"""Periodic jobs: each runs on one worker at a time, claimed by a conditional update of its next run."""

import datetime as dt
import logging
from collections.abc import Callable

from remarket.core import clock

from .models import PeriodicJob

log = logging.getLogger("remarket.events")
_jobs: dict[str, tuple[dt.timedelta, Callable[[], str]]] = {}


def every(interval: dt.timedelta, name: str) -> Callable:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        _jobs[name] = (interval, fn)
        return fn

    return register


def run_due() -> list[str]:
    """Run every job whose time has come; returns the names that ran here."""
    ran = []
    now = clock.now()
    for name, (interval, fn) in sorted(_jobs.items()):
        job, _ = PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        if job.next_run_at > now:
            continue
        claimed = PeriodicJob.objects.filter(pk=job.pk, next_run_at=job.next_run_at).update(
            next_run_at=now + interval, last_run_at=now
        )
        if not claimed:
            continue  # another worker took it
        try:
            result = fn() or ""
        except Exception as exc:
            log.exception("periodic job failed", extra={"topic": name})
            result = f"failed: {exc}"
        PeriodicJob.objects.filter(pk=job.pk).update(last_result=str(result)[:200])
        ran.append(name)
    return ran
