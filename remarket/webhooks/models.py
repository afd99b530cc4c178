from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookSubscription(models.Model):
    """A merchant's or a partner's endpoint for some outbox topics; deliveries are signed with its secret."""

    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE)
    partner = models.ForeignKey("markets.Partner", null=True, blank=True, on_delete=models.CASCADE)
    url = models.URLField(max_length=500)
    topics = models.JSONField()  # outbox topic names, among webhooks.topics.SUBSCRIBABLE
    secret = models.CharField(max_length=80)  # the HMAC key: kept to sign, shown to its owner when created
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(merchant__isnull=False, partner__isnull=True)
                | models.Q(merchant__isnull=True, partner__isnull=False),
                name="webhook_one_owner",
            )
        ]


class WebhookDelivery(models.Model):
    """One event for one subscription: retried with backoff until the receiver answers 2xx or the attempts end."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed after every attempt")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("events.OutboxEvent", on_delete=models.CASCADE)
    topic = models.CharField(max_length=60)
    data = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "delivered", "failed"]), name="webhook_state"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]


class WebhookAttempt(models.Model):
    """One POST of a delivery: the receiver's status code (none on a timeout or a refused connection) and time."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)
