"""The outbox relayed into Celery on RabbitMQ: real worker and beat processes on the test database. Every event
is delivered and handled once (its handler records), a task delivered twice does nothing more, and the periodic
jobs run from beat's ticks once per period."""

import time

import pytest
from django.db import transaction

from remarket.events import outbox
from remarket.events.models import HandlerRun, OutboxEvent, PeriodicRun

from ..celery_live import BROKER, celery_stack, new_queue

pytestmark = pytest.mark.django_db(transaction=True)


def _wait(until, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached within {seconds} s")


def _emit(n: int) -> list[int]:
    with transaction.atomic():
        return [outbox.emit("search.changed", {"variant_ids": []}).pk for _ in range(n)]


def test_beat_relays_the_outbox_to_celery_workers_and_each_event_is_handled_once():
    ids = _emit(30)
    with celery_stack(workers=2):
        _wait(lambda: OutboxEvent.objects.filter(pk__in=ids, done_at__isnull=False).count() == len(ids))
        # beat's first tick of the job comes within its period; a loaded machine (the suite on two workers) takes longer
        _wait(
            lambda: PeriodicRun.objects.filter(name="holds_reclaim", owner__startswith="celery:").exists(), seconds=150
        )
    runs = HandlerRun.objects.filter(event_id__in=ids)
    assert runs.count() == len(ids)
    assert set(runs.values_list("handler", flat=True)) == {"remarket.search.handlers.search_follow_changes"}
    run = PeriodicRun.objects.get(name="holds_reclaim")
    assert run.finished_at is not None and run.result.endswith("holds reclaimed"), run.result


def test_a_delivery_task_sent_twice_handles_its_event_once():
    from celery import Celery

    event_id, sentinel_id = _emit(2)
    queue = new_queue()
    sender = Celery(broker=BROKER)
    # two copies of the same task, as a redelivery after a lost ack makes; no beat: nothing else sends it. Then a
    # task for another event: one worker with the solo pool takes its queue in order, so once that event is done
    # both copies have run (no pause standing in for "the second copy's turn")
    for _ in range(2):
        sender.send_task("remarket.event_deliver", args=(event_id,), queue=queue)
    sender.send_task("remarket.event_deliver", args=(sentinel_id,), queue=queue)
    with celery_stack(workers=1, beat=False, queue=queue):
        _wait(lambda: OutboxEvent.objects.filter(pk=sentinel_id, done_at__isnull=False).exists())
    assert OutboxEvent.objects.get(pk=event_id).done_at is not None
    assert HandlerRun.objects.filter(event_id=event_id).count() == 1
    assert OutboxEvent.objects.get(pk=event_id).attempts == 0
