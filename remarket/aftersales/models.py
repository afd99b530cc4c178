import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    """Why a customer returns a device: a fixed list; none of them costs the customer anything."""

    CHANGED_MIND = "changed_mind", _("I changed my mind")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DOES_NOT_WORK = "does_not_work", _("It does not work properly")
    WRONG_ITEM = "wrong_item", _("I received the wrong item")
    BETTER_PRICE = "better_price", _("I found a better price")
    TRANSIT_DAMAGE = "transit_damage", _("Damaged in transit")


class ReturnState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    LABEL_ISSUED = "label_issued", _("Return label issued")
    DROPOFF_ISSUED = "dropoff_issued", _("Drop-off code issued")
    IN_TRANSIT = "in_transit", _("On its way back")
    DROPPED_OFF = "dropped_off", _("Dropped off")
    RECEIVED = "received", _("Received by the seller")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnRequest(models.Model):
    """A customer's return of units of one sub-order (aftersales/services.py moves it)."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Return")
        TRANSIT_DAMAGE = "transit_damage", _("Transit damage")

    class Mode(models.TextChoices):
        PARCEL = "parcel", _("By parcel, with a prepaid label")
        DROPOFF = "dropoff", _("Dropped off at a location")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suborder = models.ForeignKey("orders.SubOrder", on_delete=models.PROTECT, related_name="returns")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="returns")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RETURN)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.PARCEL)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.CharField(max_length=1000, blank=True)
    state = models.CharField(max_length=16, choices=ReturnState.choices, default=ReturnState.REQUESTED)
    deadline_on = models.DateField()  # the last day it could be opened, in the market's time zone
    label_carrier = models.CharField(max_length=200, blank=True)
    label_tracking = models.CharField(max_length=200, blank=True)
    dropoff_code = models.CharField(max_length=12, null=True, blank=True, unique=True)
    dropoff_location = models.ForeignKey("markets.Location", null=True, blank=True, on_delete=models.PROTECT)
    refusal_reason = models.CharField(max_length=500, blank=True)
    refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT)
    refund_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # handed to the carrier or dropped off
    received_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="refunded") | Q(refund__isnull=False), name="refunded_return_has_refund"
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""), name="refused_return_has_reason"
            ),
        ]


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_positive"),
            models.UniqueConstraint(fields=["request", "order_line"], name="return_line_once"),
        ]


class ReturnPhoto(models.Model):
    """A photo of transit damage, checked to be a PNG, JPEG or WebP of at most 5 MB."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(max_length=20)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)


# --- warranty claims (care folders): claims.py moves them -----------------------------------------------------


class ClaimState(models.TextChoices):
    OPEN = "open", _("Waiting for the seller's answer")
    REPAIRING = "repairing", _("Being repaired")
    REPLACING = "replacing", _("Being replaced")
    ESCALATED = "escalated", _("With remarket's customer care")
    REFUNDED = "refunded", _("Refunded")
    REPAIRED = "repaired", _("Repaired")
    REPLACED = "replaced", _("Replaced")
    REFUSED = "refused", _("Refused")


class ClaimIssue(models.TextChoices):
    """What the customer says is wrong (the contract's issue tags, `/ws/sav` `issues`)."""

    BATTERY = "battery", _("The battery does not hold or does not charge")
    SCREEN = "screen", _("The screen or touch does not work")
    CAMERA = "camera", _("A camera does not work")
    AUDIO = "audio", _("Sound, microphone or speaker")
    CONNECTIVITY = "connectivity", _("Network, Wi-Fi or Bluetooth")
    BUTTONS = "buttons", _("Buttons, ports or sensors")
    OTHER = "other", _("Something else")


class Resolution(models.TextChoices):
    REPAIR = "repair", _("Repair")
    REPLACE = "replace", _("Replace")
    REFUND = "refund", _("Refund")
    REFUSE = "refuse", _("Refuse")


class WarrantyClaim(models.Model):
    """A customer's warranty claim on one shipped order line (the contract's care folder)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suborder = models.ForeignKey("orders.SubOrder", on_delete=models.PROTECT, related_name="claims")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="claims")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="claims")
    issue = models.CharField(max_length=16, choices=ClaimIssue.choices)
    problem = models.CharField(max_length=2000)
    wanted = models.CharField(max_length=8, choices=Resolution.choices[:3], blank=True)  # the customer's wish
    state = models.CharField(max_length=10, choices=ClaimState.choices, default=ClaimState.OPEN)
    deadline_at = models.DateTimeField(null=True, blank=True)  # who holds it must act by then
    warranty_until = models.DateField()  # the last day of the warranty, in the market's time zone
    escalation_reason = models.CharField(max_length=10, blank=True)  # deadline or dispute
    refusal_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.CharField(max_length=10, blank=True)  # merchant or operator
    refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT)
    refund_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField(db_index=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # the seller's first answer (response time)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "state", "deadline_at"]),
            models.Index(fields=["state", "deadline_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=("refunded", "repaired", "replaced", "refused")) | Q(deadline_at__isnull=False),
                name="open_claim_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state="refunded") | Q(refund__isnull=False), name="refunded_claim_has_refund"
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""), name="refused_claim_has_reason"
            ),
        ]


class ClaimMessage(models.Model):
    """A message on a claim, from the customer, the seller or the operator (or the platform, informative)."""

    class Author(models.TextChoices):
        CUSTOMER = "customer", _("You")
        MERCHANT = "merchant", _("The seller")
        OPERATOR = "operator", _("remarket customer care")
        PLATFORM = "platform", _("remarket")

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    sender_id = models.BigIntegerField(null=True, blank=True)  # the user who wrote it, when one did
    body = models.TextField()
    problem_type = models.CharField(max_length=24, blank=True)  # a problem the seller declared (/ws/sav)
    informative = models.BooleanField(default=False)  # a step told by the platform: asks for no answer
    created_at = models.DateTimeField()


class ClaimAttachment(models.Model):
    """A photo sent with a claim message: a PNG, JPEG or WebP of at most 5 MB (photos.py)."""

    message = models.ForeignKey(ClaimMessage, on_delete=models.CASCADE, related_name="attachments")
    claim = models.ForeignKey(WarrantyClaim, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=20)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()


class ItemTransfer(models.Model):
    """The seller sent the device back to the customer (repaired, replaced or unchanged)."""

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.PROTECT, related_name="transfers")
    carrier = models.CharField(max_length=200)
    tracking_number = models.CharField(max_length=200)
    action = models.CharField(max_length=8)  # REPAIR, REPLACE or NOTHING
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="item_transfer_tracking_once")
        ]
