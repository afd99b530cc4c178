"""What the operator reads of the outbox: the dead letter, and the queue's depth and age."""

from dataclasses import dataclass

from django.db.models import Min

from remarket.core import clock

from .models import OutboxEvent, PeriodicJob


def events_failed(*, limit: int = 200) -> list[OutboxEvent]:
    """Dead-lettered events, the latest failure first."""
    return list(OutboxEvent.objects.filter(failed_at__isnull=False).order_by("-failed_at", "-id")[:limit])


@dataclass(frozen=True)
class OutboxStats:
    pending: int  # not done and not failed, due or waiting for a retry
    due: int  # of those, due now
    oldest_pending_age_seconds: float  # since the oldest pending event was written; 0 with none
    failed: int  # in the dead letter


def outbox_stats() -> OutboxStats:
    now = clock.now()
    pending = OutboxEvent.objects.filter(done_at__isnull=True, failed_at__isnull=True)
    oldest = pending.aggregate(at=Min("created_at"))["at"]
    return OutboxStats(
        pending=pending.count(),
        due=pending.filter(available_at__lte=now).count(),
        oldest_pending_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        failed=OutboxEvent.objects.filter(failed_at__isnull=False).count(),
    )


def periodic_jobs() -> list[PeriodicJob]:
    return list(PeriodicJob.objects.order_by("name"))
