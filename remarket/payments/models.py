from django.db import models
from django.db.models import Q


class PaymentIntent(models.Model):
    """The money side of one order, created with the order before any money moves."""

    class Status(models.TextChoices):
        CREATED = "created"
        REQUIRES_ACTION = "requires_action"  # a 3-D Secure-style step is pending
        AUTHORIZED = "authorized"
        CAPTURED = "captured"
        FAILED = "failed"
        VOIDED = "voided"
        REFUNDED = "refunded"

    FINAL = (Status.CAPTURED, Status.FAILED, Status.VOIDED, Status.REFUNDED)

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="payment")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
    gateway_ref = models.CharField(max_length=64, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="intent_amount_positive"),
            models.UniqueConstraint(fields=["gateway_ref"], condition=~Q(gateway_ref=""), name="intent_ref_unique"),
        ]


class SandboxCharge(models.Model):
    """The sandbox gateway's own books, standing in for a payment provider's side."""

    ref = models.CharField(max_length=64, unique=True)
    intent_id = models.BigIntegerField(unique=True)  # the provider sees our reference, not our tables
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16)
    card_last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField()


class WebhookReceipt(models.Model):
    """A gateway webhook seen once: a duplicate delivery finds its id here and changes nothing."""

    event_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()
