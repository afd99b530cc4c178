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

    class Meta:
        indexes = [models.Index(fields=["done_at", "available_at"], name="outbox_pending")]


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
    last_result = models.CharField(max_length=200, blank=True)
