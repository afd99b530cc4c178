from django.db import models


class IdempotencyKey(models.Model):
    """A state-changing request seen once: scoped to caller and route, with its body's fingerprint
    and the answer it got, written in the same transaction as the write itself."""

    scope = models.CharField(max_length=64)  # the caller: "user:12", "token:7", "session:ab..."
    route = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "route", "key"], name="idempotency_once")]


class RateCounter(models.Model):
    """One fixed window's count of requests (core/counters.py): shared by every process of an installation that
    has no Redis, counted by one atomic upsert each."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)
