"""The transactional outbox: `emit` inside a write; the worker delivers to registered handlers."""

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.crash import crash_point
from remarket.core.db import TableRows, insert_together, saved
from remarket.core.errors import DomainError

from .models import HandlerRun, OutboxEvent

log = logging.getLogger("remarket.events")
Handler = Callable[..., None]
_handlers: dict[str, list[tuple[str, Handler, bool]]] = {}


def handles(topic: str, *, with_event: bool = False) -> Callable[[Handler], Handler]:
    """Register a function as a handler of `topic`; its dotted name identifies it for idempotency. It is called
    with the payload, and with the event as well when `with_event` (a handler that keeps the event's id)."""

    def register(fn: Handler) -> Handler:
        _handlers.setdefault(topic, []).append((f"{fn.__module__}.{fn.__qualname__}", fn, with_event))
        return fn

    return register


def handlers_of(topic: str) -> list[str]:
    """The names of the handlers an event of `topic` runs (each leaves one HandlerRun when it succeeds)."""
    return [handler[0] for handler in _handlers.get(topic, [])]


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
            OutboxEvent.objects.filter(done_at__isnull=True, failed_at__isnull=True, available_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("id")
            .select_for_update(skip_locked=True)[:limit]
        )
        ids = [e.pk for e in due]
        OutboxEvent.objects.filter(pk__in=ids).update(lease_owner=owner, lease_until=now + lease)
    return list(OutboxEvent.objects.filter(pk__in=ids, lease_owner=owner).order_by("id"))


def max_attempts() -> int:
    return int(settings.REMARKET.get("OUTBOX_MAX_ATTEMPTS", 10))


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: 2, 4, 8 s... at most an hour."""
    return dt.timedelta(seconds=min(3600, 2 ** min(attempts, 12)))


def deliver(event: OutboxEvent) -> bool:
    """Run every handler of the event once; True when all succeeded and the event is done. A failure counts one
    attempt and waits its backoff; the attempt that reaches OUTBOX_MAX_ATTEMPTS puts the event in the dead letter
    (failed_at), where it stays until `event_replay`."""
    ok = True
    for name, fn, with_event in _handlers.get(event.topic, []):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        HandlerRun.objects.create(handler=name, event=event, at=clock.now())
                except IntegrityError:
                    continue  # already handled in an earlier delivery
                crash_point("in_event_handler")  # the recovery tests kill a worker here, its record uncommitted
                if with_event:
                    fn(event.payload, event)
                else:
                    fn(event.payload)
        except Exception as exc:
            ok = False
            log.exception("handler failed", extra={"event_id": event.pk, "topic": event.topic})
            attempts = event.attempts + 1
            now = clock.now()
            OutboxEvent.objects.filter(pk=event.pk).update(
                attempts=attempts,
                last_error=f"{name}: {exc}"[:2000],
                available_at=now + backoff(attempts),
                lease_until=None,
                failed_at=now if attempts >= max_attempts() else None,
            )
            event.attempts = attempts
    if ok:
        OutboxEvent.objects.filter(pk=event.pk).update(done_at=clock.now(), lease_until=None)
    return ok


def event_deliver(*, event_id: int) -> bool:
    """Deliver one event by id (a Celery task's body): nothing when it is done or in the dead letter already, as a
    redelivered task finds it."""
    event = OutboxEvent.objects.filter(pk=event_id, done_at__isnull=True, failed_at__isnull=True).first()
    if event is None:
        return False
    return deliver(event)


@transaction.atomic
def event_replay(*, event_id: int) -> OutboxEvent:
    """Give a dead-lettered event a fresh set of attempts, due now. Its handlers that succeeded before keep their
    records and are not run again."""
    event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise DomainError("EVENT_NOT_FOUND", _("There is no event %(id)s.") % {"id": event_id}, status=404)
    if event.failed_at is None:
        raise DomainError(
            "EVENT_NOT_FAILED", _("Event %(id)s is not among the failed events: nothing to replay.") % {"id": event_id}
        )
    event.failed_at, event.attempts, event.available_at, event.lease_until = None, 0, clock.now(), None
    event.save(update_fields=["failed_at", "attempts", "available_at", "lease_until"])
    return event


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
