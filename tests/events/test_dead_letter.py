"""Jobs that end: a handler failing OUTBOX_MAX_ATTEMPTS times puts its event among the failed events, which the
operator reads on /ops/events/ and with `remarket events failed`, and replays with a button or `remarket events
replay ID`; /metrics gives the queue's depth and age."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from remarket.core import clock
from remarket.events import outbox
from remarket.events.models import HandlerRun, OutboxEvent

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
broken = {"on": True}
calls: list[dict] = []


@outbox.handles("test.sometimes")
def _first(payload):
    calls.append(payload)


@outbox.handles("test.sometimes")
def _second(payload):
    if broken["on"]:
        raise ValueError("the partner's API is down")


def _fail_until_dead(settings, attempts: int = 3) -> OutboxEvent:
    settings.REMARKET = {**settings.REMARKET, "OUTBOX_MAX_ATTEMPTS": attempts}
    calls.clear()
    broken["on"] = True
    with transaction.atomic():
        event = outbox.emit("test.sometimes", {"n": 7})
    for _ in range(attempts):
        assert outbox.drain() == 0
        clock.advance(dt.timedelta(hours=2))  # past any backoff
    event.refresh_from_db()
    return event


def test_the_attempts_back_off_then_end_in_the_failed_events(settings):
    with clock.frozen(T0):
        settings.REMARKET = {**settings.REMARKET, "OUTBOX_MAX_ATTEMPTS": 3}
        broken["on"] = True
        with transaction.atomic():
            event = outbox.emit("test.sometimes", {"n": 1})
        waits = []
        for _ in range(3):
            outbox.drain()
            event.refresh_from_db()
            waits.append((event.available_at - clock.now()).total_seconds())
            clock.advance(dt.timedelta(hours=2))
        assert waits == [2, 4, 8]
        assert event.attempts == 3 and event.failed_at is not None and event.done_at is None
        assert "the partner's API is down" in event.last_error
        clock.advance(dt.timedelta(days=1))
        assert outbox.claim(owner="w") == []  # nothing delivers it again by itself


def test_a_replay_runs_only_the_handlers_that_had_not_succeeded(settings):
    with clock.frozen(T0):
        event = _fail_until_dead(settings)
        assert calls == [{"n": 7}]  # the first handler ran once, recorded; the second failed each time
        broken["on"] = False
        outbox.event_replay(event_id=event.pk)
        event.refresh_from_db()
        assert (event.failed_at, event.attempts) == (None, 0)
        assert outbox.drain() == 1
    event.refresh_from_db()
    assert event.done_at is not None and calls == [{"n": 7}]
    assert HandlerRun.objects.filter(event=event).count() == 2


def test_replaying_what_is_not_failed_is_refused_and_changes_nothing():
    with transaction.atomic():
        event = outbox.emit("test.sometimes", {})
    for event_id, code in ((event.pk, "EVENT_NOT_FAILED"), (event.pk + 1000, "EVENT_NOT_FOUND")):
        with pytest.raises(outbox.DomainError) as err:
            outbox.event_replay(event_id=event_id)
        assert err.value.code == code
    fresh = OutboxEvent.objects.get(pk=event.pk)
    assert (fresh.attempts, fresh.failed_at, fresh.available_at) == (0, None, event.available_at)


def test_the_cli_lists_and_replays_failed_events(settings):
    with clock.frozen(T0):
        event = _fail_until_dead(settings)
        out = io.StringIO()
        call_command("events", "failed", stdout=out)
        text = out.getvalue()
        assert text.startswith("1 failed;") and f"{event.pk}\ttest.sometimes" in text and "3 attempts" in text
        out = io.StringIO()
        call_command("events", "replay", str(event.pk), stdout=out)
        assert f"event {event.pk}" in out.getvalue()
        with pytest.raises(CommandError, match="EVENT_NOT_FAILED"):
            call_command("events", "replay", str(event.pk))
    assert OutboxEvent.objects.get(pk=event.pk).failed_at is None


def test_the_ops_page_lists_failed_events_with_a_label_and_replays_one(client, operator_user, settings):
    with clock.frozen(T0):
        event = _fail_until_dead(settings)
        with transaction.atomic():
            outbox.emit("order.paid", {"order_id": 0})  # a known topic, failing too
            paid = OutboxEvent.objects.get(topic="order.paid")
        OutboxEvent.objects.filter(pk=paid.pk).update(failed_at=clock.now(), attempts=3, last_error="x")
    client.force_login(operator_user)
    page = client.get("/ops/events/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-event="{event.pk}"' in html and "Order paid" in html and "the partner&#x27;s API is down" in html
    replayed = client.post(f"/ops/events/{event.pk}/replay")
    assert replayed.status_code == 302 and replayed["Location"] == "/ops/events/"
    assert OutboxEvent.objects.get(pk=event.pk).failed_at is None
    again = client.post(f"/ops/events/{event.pk}/replay")
    assert again.status_code == 400 and b"EVENT_NOT_FAILED" in again.content


def test_the_ops_page_is_the_operators_only(client, merchant_user):
    client.force_login(merchant_user)
    assert client.get("/ops/events/").status_code == 403
    assert client.post("/ops/events/1/replay").status_code == 403


def test_metrics_give_the_queues_depth_and_age(client, settings):
    with clock.frozen(T0 - dt.timedelta(days=1)):
        event = _fail_until_dead(settings)
    with clock.frozen(T0), transaction.atomic():
        outbox.emit("test.ping.none", {})  # not delivered yet
    with clock.frozen(T0 + dt.timedelta(hours=10)):
        text = client.get("/metrics").content.decode()
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert lines["remarket_outbox_pending"] == "1" and lines["remarket_outbox_due"] == "1"
    assert float(lines["remarket_outbox_oldest_pending_age_seconds"]) == 36000.0
    assert lines["remarket_outbox_failed"] == "1" and event.failed_at
    assert lines['remarket_webhook_deliveries{state="pending"}'] == "0"
