"""Periodic jobs. Each runs for one period at most once and on one worker at a time, whoever asks: the embedded
worker's loop (`run_due`) or Celery beat's tick (`job_run`, one task per job and interval).

A job's periods are its interval's slots counted from the epoch (every 10 minutes: 10:00, 10:10...). A run is
claimed by a conditional update of the job's row (due, and not held by a run still going) and recorded as a
PeriodicRun whose (name, period) pair is unique, in one transaction: a second claim for the same period, from a
redelivered task, a restarted beat or a worker with a clock ahead, finds the pair taken and does nothing."""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q

from remarket.core import clock

from .models import PeriodicJob, PeriodicRun

log = logging.getLogger("remarket.events")
_jobs: dict[str, tuple[dt.timedelta, Callable[[], str]]] = {}
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def every(interval: dt.timedelta, name: str) -> Callable:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        _jobs[name] = (interval, fn)
        return fn

    return register


def jobs() -> dict[str, dt.timedelta]:
    """Every registered job and its interval (what Celery beat schedules)."""
    return {name: interval for name, (interval, _) in sorted(_jobs.items())}


def period_of(at: dt.datetime, interval: dt.timedelta) -> dt.datetime:
    """The start of the interval's slot that holds `at`."""
    return EPOCH + interval * ((at - EPOCH) // interval)


def _claim(name: str, interval: dt.timedelta, *, owner: str) -> PeriodicRun | None:
    now = clock.now()
    period = period_of(now, interval)
    job, _ = PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": period})
    if job.next_run_at > now:
        return None
    try:
        with transaction.atomic():
            claimed = (
                PeriodicJob.objects.filter(pk=job.pk, next_run_at__lte=now)
                .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
                .update(
                    next_run_at=period + interval,
                    last_run_at=now,
                    # a run that has not ended after an interval (a minute at least) is a killed worker's
                    running_until=now + max(interval, dt.timedelta(minutes=1)),
                )
            )
            if not claimed:
                return None  # another worker took it, or its last run is still going
            return PeriodicRun.objects.create(name=name, period_start=period, owner=owner, started_at=now)
    except IntegrityError:
        return None  # this period ran already


def job_run(name: str, *, owner: str) -> bool:
    """Run the job if its period has not run yet and no other run of it is going; True when it ran here."""
    interval, fn = _jobs[name]
    run = _claim(name, interval, owner=owner)
    if run is None:
        return False
    try:
        result = fn() or ""
    except Exception as exc:
        log.exception("periodic job failed", extra={"topic": name})
        result = f"failed: {exc}"
    now = clock.now()
    PeriodicJob.objects.filter(name=name).update(last_result=str(result)[:200], running_until=None)
    PeriodicRun.objects.filter(pk=run.pk).update(finished_at=now, result=str(result)[:200])
    return True


def run_due(*, owner: str = "embedded") -> list[str]:
    """Run every job whose time has come; returns the names that ran here."""
    return [name for name in sorted(_jobs) if job_run(name, owner=owner)]
