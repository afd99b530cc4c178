from django.db import models


class OutboxEvent(models.Model):
    """A fact written in the same transaction as the change it describes, delivered at least once."""

    topic = models.CharField(max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField()
    available_at = models.DateTimeField()
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # dead letter: a handler failed OUTBOX_MAX_ATTEMPTS times; nothing delivers it again until an operator replays it
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["done_at", "available_at"], name="outbox_pending"),
            models.Index(fields=["failed_at"], name="outbox_failed", condition=models.Q(failed_at__isnull=False)),
        ]


class HandlerRun(models.Model):
    """That `handler` has processed `event`: a redelivered event finds this row and does nothing."""

    handler = models.CharField(max_length=100)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["handler", "event"], name="handler_once_per_event")]


class PeriodicJob(models.Model):
    name = models.CharField(max_length=60, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(blank=True, max_length=200)
    # while a run holds it: no other worker starts the job before it ends or this lapses (a killed worker's run)
    running_until = models.DateTimeField(null=True, blank=True)


class PeriodicRun(models.Model):
    """One run of a periodic job for one period (its interval's slot, counted from the epoch): the unique pair
    is what makes a second run of the same period impossible, whichever worker or scheduler asks."""

    name = models.CharField(max_length=60)
    period_start = models.DateTimeField()
    owner = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="periodic_once_per_period")]
