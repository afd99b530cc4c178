"""Celery, when CELERY_BROKER_URL names a broker (RabbitMQ: amqp://user:password@host:5672/vhost, or Redis).

The outbox stays the source of truth: an event is written in its change's transaction, and the relay (a beat
task, every OUTBOX_RELAY_SECONDS) leases the due ones and publishes one `remarket.event_deliver` task each. The
task runs the same handlers with the same handled-once records as the embedded worker, so a task delivered twice
(a worker killed before its ack: tasks are acknowledged late and requeued when their worker is lost) does nothing
the second time; a task lost altogether is published again once its lease lapses. Periodic jobs are beat entries,
one task per job at its interval; periodic.py's claim lets each run once per period, on one worker at a time.

    celery -A remarket.events.celery_app worker --pool solo    (or `remarket worker --celery`)
    celery -A remarket.events.celery_app beat                  (or `remarket beat`; exactly one)
"""

import datetime as dt
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
django.setup()

from celery import Celery  # noqa: E402
from django.conf import settings  # noqa: E402
from kombu import Queue  # noqa: E402

from . import outbox, periodic  # noqa: E402

QUEUE = os.environ.get("CELERY_QUEUE", "remarket")  # several installations on one broker: one name each
# beat's ticks (the relay, the periodic jobs) in a queue of their own, which every worker also consumes: a backlog
# of deliveries does not hold them back past their expiry
TICKS = f"{QUEUE}.ticks"
app = Celery("remarket")
app.conf.update(
    broker_url=os.environ.get("CELERY_BROKER_URL", ""),
    broker_connection_retry_on_startup=True,
    task_default_queue=QUEUE,
    task_queues=[Queue(QUEUE), Queue(TICKS)],
    task_routes={"remarket.outbox_relay": {"queue": TICKS}, "remarket.job_run": {"queue": TICKS}},
    task_acks_late=True,  # acknowledged once the task ran: a killed worker's task goes to another
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    worker_hijack_root_logger=False,
    # beat keeps its schedule in memory: a restarted beat may tick early, and the periods' records refuse a
    # second run, so no schedule file to corrupt when beat is killed
    beat_scheduler="celery.beat:Scheduler",
    timezone="UTC",
)


def relay_seconds() -> float:
    return float(settings.REMARKET.get("OUTBOX_RELAY_SECONDS", 0.5))


@app.task(name="remarket.event_deliver")
def event_deliver(event_id: int) -> bool:
    return outbox.event_deliver(event_id=event_id)


@app.task(name="remarket.outbox_relay")
def outbox_relay() -> int:
    """Lease the due events and publish a delivery task for each; returns how many."""
    lease = dt.timedelta(seconds=settings.REMARKET["OUTBOX_LEASE_SECONDS"])
    sent = 0
    while batch := outbox.claim(owner="celery-relay", limit=200, lease=lease):
        for event in batch:
            event_deliver.delay(event.pk)
        sent += len(batch)
        if len(batch) < 200:
            break
    return sent


@app.task(name="remarket.job_run")
def job_run(name: str) -> bool:
    return periodic.job_run(name, owner=f"celery:{outbox.worker_id()}")


def beat_schedule() -> dict:
    every = relay_seconds()
    # a tick no worker took in time is dropped rather than piled up behind busy workers
    schedule: dict = {
        "outbox-relay": {
            "task": "remarket.outbox_relay",
            "schedule": every,
            "options": {"expires": max(5.0, every * 4)},
        }
    }
    for name, interval in periodic.jobs().items():
        # asked five times a period: a tick lost with a killed worker or beat is made up within the period
        schedule[f"job-{name}"] = {
            "task": "remarket.job_run",
            "schedule": interval / 5,
            "args": (name,),
            "options": {"expires": max(5.0, interval.total_seconds() / 5)},
        }
    return schedule


app.conf.beat_schedule = beat_schedule()
