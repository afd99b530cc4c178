import signal
import time

from django.core.management.base import BaseCommand

from remarket.events.outbox import drain, worker_id
from remarket.events.periodic import run_due


class Command(BaseCommand):
    help = "Deliver outbox events and run periodic jobs until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain what is due, run due jobs, and exit")
        parser.add_argument("--idle", type=float, default=0.5, help="seconds to sleep when there is nothing to do")

    def handle(self, *args, once=False, idle=0.5, **options):
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
            jobs = run_due()
            if once:
                self.stdout.write(f"{delivered} events delivered; jobs run: {', '.join(jobs) or 'none'}")
                return
            if not delivered:
                time.sleep(idle)
        self.stdout.write(f"worker {owner} stopped")
