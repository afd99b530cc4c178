from django.core.management.base import BaseCommand

from .worker import celery_exec


class Command(BaseCommand):
    help = "Run Celery beat on CELERY_BROKER_URL: the outbox relay and the periodic jobs' ticks (one per deployment)."

    def handle(self, *args, **options):
        celery_exec("beat", "--loglevel", "INFO")
