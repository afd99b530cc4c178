"""The transactional outbox: `emit` inside a write; the worker delivers to registered handlers."""

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Sequence

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from remarket.core import clock
from remarket.core.db import TableRows, insert_together, saved

from .models import HandlerRun, OutboxEvent

log = logging.getLogger("remarket.events")
Handler = Callable[[dict], None]
_handlers: dict[str, list[tuple[str, Handler]]] = {}


def handles(topic: str) -> Callable[[Handler], Handler]:
    """Register a function as a handler of `topic`; its dotted name identifies it for idempotency."""

    def register(fn: Handler) -> Handler:
        _handlers.setdefault(topic, []).append((f"{fn.__module__}.{fn.__qualname__}", fn))
        return fn

    return register


def emit(topic: str, payload: dict, *, along: Sequence[TableRows] = ()) -> OutboxEvent:
    """Record an event in the write's transaction; the worker delivers it once committed. `along`: other rows
    of the same write that need no key back (an order's history line), written in the same statement where the
    database allows (core/db.py `insert_together`)."""
    assert connection.in_atomic_block, "emit() belongs inside the write's transaction"
    now = clock.now()
    row = dict(topic=topic, payload=payload, created_at=now, available_at=now)
    # one INSERT without the model's save() machinery: every checkout transaction emits
    return saved(OutboxEvent, insert_together([(OutboxEvent, [row]), *along])[0][0], **row)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(*, owner: str, limit: int = 100, lease: dt.timedelta = dt.timedelta(seconds=60)) -> list[OutboxEvent]:
    """Lease up to `limit` due events to `owner`. Several workers may claim at once: on PostgreSQL rows
    are skipped when locked; on SQLite the IMMEDIATE transaction serialises claimers."""
    now = clock.now()
    with transaction.atomic():
        due = (
            OutboxEvent.objects.filter(done_at__isnull=True, available_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("id")
            .select_for_update(skip_locked=True)[:limit]
        )
        ids = [e.pk for e in due]
        OutboxEvent.objects.filter(pk__in=ids).update(lease_owner=owner, lease_until=now + lease)
    return list(OutboxEvent.objects.filter(pk__in=ids, lease_owner=owner).order_by("id"))


def deliver(event: OutboxEvent) -> bool:
    """Run every handler of the event once; True when all succeeded and the event is done."""
    ok = True
    for name, fn in _handlers.get(event.topic, []):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        HandlerRun.objects.create(handler=name, event=event, at=clock.now())
                except IntegrityError:
                    continue  # already handled in an earlier delivery
                fn(event.payload)
        except Exception as exc:
            ok = False
            log.exception("handler failed", extra={"event_id": event.pk, "topic": event.topic})
            backoff = dt.timedelta(seconds=min(3600, 2 ** min(event.attempts, 12)))
            OutboxEvent.objects.filter(pk=event.pk).update(
                attempts=event.attempts + 1,
                last_error=f"{name}: {exc}"[:2000],
                available_at=clock.now() + backoff,
                lease_until=None,
            )
    if ok:
        OutboxEvent.objects.filter(pk=event.pk).update(done_at=clock.now(), lease_until=None)
    return ok


def drain(*, owner: str | None = None, limit: int = 100) -> int:
    """Deliver every due event now; returns how many were delivered. Tests and the worker use it."""
    owner = owner or worker_id()
    count = 0
    while batch := claim(owner=owner, limit=limit):
        for event in batch:
            count += deliver(event)
        if len(batch) < limit:
            break
    return count
