"""The stack at scale, killed under load: two gunicorn app servers, two Celery workers and beat on RabbitMQ, all on
127.0.0.1 and the test database. Guests buy through /api/v1 (checkout, then pay) against both servers while the test
kill -9s a gunicorn worker, a Celery worker in the middle of an event's handler, and beat, and starts the Celery
processes again. After the reconciler's passes and the outbox drained:

- every captured payment has exactly one order, every paid order its payment and its ledger sales;
- stock is conserved per listing (available + held + sold = what was listed), and never negative;
- the ledger balances per currency;
- every outbox event is done and each of its handlers recorded once;
- no periodic job ran twice for one period, nor two runs of one job at once;
- every paid order of the subscribed merchant has one webhook delivery, delivered with a valid signature.

REMARKET_KILL_TEST_CHECKOUTS sets the count (default 150, which keeps the test near two minutes on a shared 2-core
machine: the checkouts take ~15 s, the Celery workers' handlers ~80 ms an event, so draining the outbox behind them
takes longer than buying; 300 passed in 3.5 minutes, the issue's 1,000 would take about ten)."""

import datetime as dt
import os
import signal
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.db.models import Sum

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.models import StockHold
from remarket.checkout.services import payments_reconcile
from remarket.core import clock
from remarket.events.models import HandlerRun, OutboxEvent, PeriodicRun
from remarket.events.outbox import handlers_of
from remarket.offers.models import Listing
from remarket.orders.models import Order, OrderLine
from remarket.payments.models import PaymentIntent, SandboxCharge
from remarket.webhooks.models import WebhookDelivery
from remarket.webhooks.services import subscription_create

from ..celery_live import celery_stack, start, stop, wait_consuming
from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace, gunicorn_serving
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from ..money_checks import ledger_sums, negative_stock, order_violations
from ..webhook_receiver import Receiver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CHECKOUTS = int(os.environ.get("REMARKET_KILL_TEST_CHECKOUTS", "150"))
LISTINGS, UNITS = 12, 40  # fewer units than checkouts: some buyers find a listing sold out
BUYERS = 8  # concurrent HTTP clients
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _gunicorn_worker(port: str) -> int:
    """A worker of the gunicorn serving on `port`: a child of the master this test started."""
    for pid in _children(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in cmdline and f"127.0.0.1:{port}".encode() in cmdline:
            workers = _children(pid)
            if workers:
                return workers[0]
    raise AssertionError(f"no gunicorn worker found on port {port}")


def _wait(until, seconds: float, what) -> None:
    """Until `until()` holds; `what` says what was awaited (a callable: what is left, read when it fails)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return
        time.sleep(0.25)
    raise AssertionError(f"{what() if callable(what) else what}: not within {seconds} s")


def _left() -> str:
    events = list(
        OutboxEvent.objects.filter(done_at__isnull=True).values_list(
            "pk", "topic", "attempts", "lease_owner", "lease_until", "available_at", "failed_at", "last_error"
        )[:10]
    )
    hooks = list(
        WebhookDelivery.objects.exclude(state="delivered").values_list(
            "pk", "state", "attempts", "next_attempt_at", "lease_until", "last_error"
        )[:10]
    )
    return f"left: events {events}; webhook deliveries {hooks}; now {clock.now()}"


def _buy(base: str, n: int, listing_id: int) -> str:
    """One guest's purchase; returns what became of it as the client saw it."""
    headers = {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.7"}
    try:
        made = requests.post(
            f"{base}/api/v1/checkout",
            json={
                "market": "FR",
                "email": f"buyer{n}@example.com",
                "shipping_address": ADDRESS_FR,
                "items": [{"listing_id": listing_id, "quantity": 1}],
            },
            headers=headers,
            timeout=TIMEOUT,
        )
        if made.status_code != 201:
            return f"checkout {made.status_code}"
        paid = requests.post(
            f"{base}/api/v1/orders/{made.json()['id']}/pay",
            json={"card_number": PAY_OK},
            headers=headers,
            timeout=TIMEOUT,
        )
        return (
            "paid"
            if paid.status_code == 200 and paid.json().get("payment_status") == "captured"
            else (f"pay {paid.status_code}")
        )
    except requests.RequestException as exc:
        return f"dropped ({type(exc).__name__})"


def test_checkouts_on_two_servers_and_celery_survive_kill_9_of_each_kind(tmp_path):
    mp = build_marketplace()
    merchant = MerchantFactory()
    offers = [
        ListingMarketFactory(market=mp.fr, listing=ListingFactory(merchant=merchant, quantity=UNITS))
        for _ in range(LISTINGS)
    ]
    listed = {o.listing_id: UNITS for o in offers}
    staff = UserFactory(role=Role.MERCHANT, merchant=merchant)

    receiver = Receiver(script=[500, 500])  # the integrator's endpoint fails twice, then answers 200
    with receiver:
        sub = subscription_create(actor=Actor.of(staff), url=receiver.url, topics=["order.paid"])
        receiver.secret = sub.secret
        started_at = clock.now()
        boot = time.monotonic()
        app_env = {"REMARKET_TRUSTED_PROXIES": "1"}
        pause = {"REMARKET_PAUSE_AT": "in_event_handler", "REMARKET_PAUSE_DIR": str(tmp_path)}
        with (
            gunicorn_serving(env=app_env, workers=2) as one,
            gunicorn_serving(env=app_env, workers=2) as two,
            celery_stack(workers=1, env={"REMARKET_OUTBOX_RELAY_SECONDS": "0.5"}) as (queue, procs, env),
        ):
            procs["paused"] = start("worker", {**env, **pause})  # the worker to be killed mid-task
            wait_consuming(procs["paused"])
            servers = [one, two]
            boot_seconds = time.monotonic() - boot
            outcomes: Counter = Counter()
            done = 0
            lock = threading.Lock()

            def buyer(n: int) -> None:
                nonlocal done
                outcome = _buy(servers[n % 2], n, offers[n % LISTINGS].listing_id)
                with lock:
                    outcomes[outcome] += 1
                    done += 1

            kills = []
            run_started = time.monotonic()
            with ThreadPoolExecutor(BUYERS) as pool:
                for n in range(CHECKOUTS):
                    pool.submit(buyer, n)
                # 1. the Celery worker paused in the middle of an event's handler (its record not committed)
                _wait(lambda: any(tmp_path.glob("in_event_handler.*")), 60, "a worker inside a handler")
                (point,) = tmp_path.glob("in_event_handler.*")
                os.kill(int(point.suffix[1:]), signal.SIGKILL)
                procs["paused"].wait(timeout=10)
                kills.append(("celery worker mid-task", done))
                procs["worker1"] = start("worker", env)  # restarted, without the pause
                # 2. a gunicorn worker of the first server, under requests
                _wait(lambda: done >= CHECKOUTS // 3, 120, "a third of the checkouts")
                os.kill(_gunicorn_worker(one.rsplit(":", 1)[1]), signal.SIGKILL)
                kills.append(("gunicorn worker", done))
                # 3. beat, later, and started again
                _wait(lambda: done >= CHECKOUTS // 2, 120, "half of the checkouts")
                os.kill(procs["beat"].pid, signal.SIGKILL)
                procs["beat"].wait(timeout=10)
                kills.append(("beat", done))
                time.sleep(2)  # an outage of beat while checkouts go on (its ticks missed, not a wait for a result)
                procs["beat"] = start("beat", env)
            assert done == CHECKOUTS
            assert all(at < CHECKOUTS for _, at in kills), kills  # each kill came during the run
            run_seconds = time.monotonic() - run_started

            # the reconciler settles payments whose request died with its worker: every request has ended, so it
            # may ask the gateway about every open payment now rather than after its usual two minutes (the events
            # it writes then carry the real time, which the Celery workers share)
            payments_reconcile(ask_after=dt.timedelta(0))
            payments_reconcile(ask_after=dt.timedelta(0))  # a second pass changes nothing
            submitted = PaymentIntent.objects.filter(status="submitted").count()

            samples = []

            def drained() -> bool:
                if len(samples) < 200 and (not samples or time.monotonic() - samples[-1][0] >= 5):
                    pending = OutboxEvent.objects.filter(done_at__isnull=True).count()
                    hooks = WebhookDelivery.objects.exclude(state="delivered").count()
                    samples.append((time.monotonic(), pending, hooks))
                return not OutboxEvent.objects.filter(done_at__isnull=True).exists() and not (
                    WebhookDelivery.objects.exclude(state="delivered").exists()
                )

            drain_started = time.monotonic()
            _wait(drained, 240, lambda: f"the outbox and the webhooks drained ({_left()})")
            drain_seconds = time.monotonic() - drain_started
            print(
                "[scale] draining (s, events pending, webhooks pending):",
                [(round(t - drain_started), p, h) for t, p, h in samples],
            )
            stop(procs["beat"])
    finished_at = clock.now()

    print(
        f"[scale] started in {boot_seconds:.1f} s; drained in {drain_seconds:.1f} s; total {time.monotonic() - boot:.1f} s\n"
        f"[scale] {CHECKOUTS} checkouts on 2 servers in {run_seconds:.1f} s: {dict(outcomes)}; kills after "
        f"{kills} checkouts; submitted left {submitted}; {OutboxEvent.objects.count()} events, "
        f"{WebhookDelivery.objects.count()} webhook deliveries, {len(receiver.received)} POSTs received"
    )

    # money: one order per captured payment, one payment per paid order, the ledger balanced
    assert order_violations() == {}
    assert ledger_sums() == {}
    captured = PaymentIntent.objects.filter(status="captured")
    assert captured.count() == Order.objects.filter(state=1).count() > 0
    assert SandboxCharge.objects.filter(status="captured").count() == captured.count()
    assert Order.objects.filter(state=1).count() >= outcomes["paid"]

    # stock: what was listed = available + held by open holds + sold
    assert negative_stock() == []
    open_or_sold = (
        StockHold.objects.filter(released_at__isnull=True)
        .values("order_id")
        .union(StockHold.objects.filter(outcome="sold").values("order_id"))
    )
    taken = dict(
        OrderLine.objects.filter(suborder__order_id__in=open_or_sold)
        .values_list("listing_id")
        .annotate(n=Sum("quantity"))
    )
    available = dict(Listing.objects.filter(pk__in=listed).values_list("pk", "quantity"))
    assert {pk: available[pk] + taken.get(pk, 0) for pk in listed} == listed

    # the outbox: every event done, each handler of its topic recorded once
    runs = Counter(HandlerRun.objects.values_list("event_id", "handler"))
    assert all(n == 1 for n in runs.values())
    events = list(OutboxEvent.objects.values_list("pk", "topic", "done_at"))
    assert all(done_at for _, _, done_at in events)
    missing = [(pk, h) for pk, topic, _ in events for h in handlers_of(topic) if (pk, h) not in runs]
    assert missing == []

    # periodic jobs: one run per job and period, never two of one job at once
    by_job = defaultdict(list)
    for run in PeriodicRun.objects.filter(started_at__gte=started_at).order_by("started_at"):
        by_job[run.name].append(run)
    assert by_job["holds_reclaim"] and by_job["webhooks_send"], sorted(by_job)
    for name, job_runs in by_job.items():
        periods = [r.period_start for r in job_runs]
        assert len(periods) == len(set(periods)), name
        for earlier, later in zip(job_runs, job_runs[1:]):
            if earlier.finished_at is not None:  # a run killed with its worker never finishes
                assert later.started_at >= earlier.finished_at, (name, earlier.pk, later.pk)
        assert len(job_runs) <= (finished_at - started_at) / dt.timedelta(seconds=5) + 2

    # webhooks: each paid order of the merchant delivered once, signed, whatever was killed
    paid_events = OutboxEvent.objects.filter(topic="order.paid")
    deliveries = WebhookDelivery.objects.filter(subscription=sub)
    assert deliveries.count() == paid_events.count() == Order.objects.filter(state=1).count()
    assert set(deliveries.values_list("event_id", flat=True)) == set(paid_events.values_list("pk", flat=True))
    assert not deliveries.exclude(state="delivered").exists()
    received_ok = {r["id"] for r in receiver.received if r["valid"] and r.get("status") == 200}
    assert received_ok == {str(pk) for pk in deliveries.values_list("pk", flat=True)}
    assert all(r["valid"] for r in receiver.received)
