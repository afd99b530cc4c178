import datetime as dt

import pytest
from django.db import transaction

from remarket.core import clock
from remarket.events import outbox
from remarket.events.models import HandlerRun, OutboxEvent
from remarket.events.periodic import every, run_due

pytestmark = pytest.mark.django_db
calls: list[dict] = []


@outbox.handles("test.ping")
def _ping(payload):
    calls.append(payload)


@outbox.handles("test.flaky")
def _flaky(payload):
    raise ValueError("downstream is down")


def test_an_event_is_handled_once_even_when_redelivered():
    calls.clear()
    with transaction.atomic():
        event = outbox.emit("test.ping", {"n": 1})
    assert outbox.drain() == 1 and calls == [{"n": 1}]
    OutboxEvent.objects.filter(pk=event.pk).update(done_at=None)  # as if the worker died before marking it done
    assert outbox.drain() == 1 and calls == [{"n": 1}]
    assert HandlerRun.objects.filter(event=event).count() == 1


def test_a_failing_handler_is_retried_later_with_backoff():
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        with transaction.atomic():
            event = outbox.emit("test.flaky", {})
        assert outbox.drain() == 0
        event.refresh_from_db()
        assert event.attempts == 1 and event.done_at is None and "downstream is down" in event.last_error
        assert event.available_at > clock.now()
        assert outbox.claim(owner="w") == []


def test_leased_events_are_not_claimed_twice_until_the_lease_lapses():
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        with transaction.atomic():
            outbox.emit("test.ping", {})
        assert len(outbox.claim(owner="a")) == 1
        assert outbox.claim(owner="b") == []
        clock.advance(dt.timedelta(minutes=2))
        assert len(outbox.claim(owner="b")) == 1


def test_periodic_jobs_run_when_due_and_once():
    ran = []
    every(dt.timedelta(minutes=5), "test_job")(lambda: ran.append(1) or "ok")
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        assert "test_job" in run_due()
        assert "test_job" not in run_due()
        clock.advance(dt.timedelta(minutes=6))
        assert "test_job" in run_due()
    assert ran == [1, 1]
