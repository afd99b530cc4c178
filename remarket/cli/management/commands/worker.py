import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from remarket.events.outbox import drain, worker_id
from remarket.events.periodic import run_due


def celery_exec(*args: str) -> None:
    """Replace this process with Celery on the project's app (events/celery_app.py)."""
    if not settings.CELERY_BROKER_URL:
        raise CommandError("CELERY_BROKER_URL is not set: Celery needs a broker (amqp://... or redis://...).")
    argv = [sys.executable, "-m", "celery", "-A", "remarket.events.celery_app", *args]
    os.execv(sys.executable, argv)


class Command(BaseCommand):
    help = "Deliver outbox events and run periodic jobs until stopped (SIGTERM/SIGINT); --celery: a Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain what is due, run due jobs, and exit")
        parser.add_argument("--idle", type=float, default=0.5, help="seconds to sleep when there is nothing to do")
        parser.add_argument("--celery", action="store_true", help="run a Celery worker on CELERY_BROKER_URL instead")
        parser.add_argument("--concurrency", type=int, default=1, help="with --celery: processes of this worker")

    def handle(self, *args, once=False, idle=0.5, celery=False, concurrency=1, **options):
        if celery:
            pool = ["--pool", "solo"] if concurrency == 1 else ["--concurrency", str(concurrency)]
            # each worker its own node name, so that several run on one host (`celery inspect` tells them apart)
            name = f"remarket-{os.getpid()}@%h"
            celery_exec("worker", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", name, *pool)
        owner = worker_id()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"worker {owner} started")
        while not stopping:
            delivered = drain(owner=owner)
            jobs = run_due(owner=owner)
            if once:
                self.stdout.write(f"{delivered} events delivered; jobs run: {', '.join(jobs) or 'none'}")
                return
            if not delivered:
                time.sleep(idle)
        self.stdout.write(f"worker {owner} stopped")
