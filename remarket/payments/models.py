from django.db import models
from django.db.models import F, Q


class PaymentIntent(models.Model):
    """The money side of one order, created with the order before any money moves."""

    class Status(models.TextChoices):
        CREATED = "created"
        SUBMITTED = "submitted"  # marked before the gateway is called: from here on only the gateway knows
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
    refunded_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="intent_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=F("amount_minor")),
                name="intent_refund_within_amount",
            ),
            models.UniqueConstraint(fields=["gateway_ref"], condition=~Q(gateway_ref=""), name="intent_ref_unique"),
        ]


class SandboxCharge(models.Model):
    """The sandbox gateway's own books, standing in for a payment provider's side."""

    ref = models.CharField(max_length=64, unique=True)
    intent_id = models.BigIntegerField(unique=True)  # the provider sees our reference, not our tables
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)
    refunded_minor = models.BigIntegerField(default=0)
    refund_keys = models.JSONField(default=list)  # idempotency keys of the refunds it made
    card_last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField()


class WebhookReceipt(models.Model):
    """A gateway webhook seen once: a duplicate delivery finds its id here and changes nothing."""

    event_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()


class Refund(models.Model):
    """Money to give back, decided inside a business transaction, sent to the gateway after it commits."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    reason = models.CharField(max_length=60)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    gateway_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive")]
        indexes = [models.Index(fields=["status", "created_at"])]


class CashTender(models.Model):
    """The cash a clerk took for an intent at the counter: what was given and the change handed back."""

    intent = models.OneToOneField(PaymentIntent, on_delete=models.PROTECT, related_name="cash")
    given_minor = models.BigIntegerField()
    change_minor = models.BigIntegerField()
    clerk = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(change_minor__gte=0), name="cash_change_not_negative"),
            models.CheckConstraint(condition=Q(given_minor__gt=0), name="cash_given_positive"),
        ]
