from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Merchant(models.Model):
    """A professional refurbisher selling on the marketplace, or the operator itself (first party)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IN_REVIEW = "in_review", _("In review")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Active")
        WARNED = "warned", _("Warned")
        LIMITED = "limited", _("Limited")
        SUSPENDED = "suspended", _("Suspended")

    # the statuses whose offers are on sale: the one definition (offers' querysets and SQL, checkout, /ws/ and
    # the publishing services take it from here, through `status_can_sell`)
    SELLING = (Status.ACTIVE.value, Status.WARNED.value, Status.LIMITED.value)
    # past onboarding: the statuses the hourly quality review moves between (the sanction ladder)
    REVIEWED = (*SELLING, Status.SUSPENDED.value)

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    country = CountryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    is_first_party = models.BooleanField(default=False)
    # a negotiated commission for every sale of this merchant; empty: the category's, else the marketplace's
    commission_bp = models.PositiveIntegerField(null=True, blank=True)
    subscription_fee = models.BooleanField(default=True)  # the monthly fee (settings.REMARKET["SUBSCRIPTION_FEE"])
    quality_score = models.PositiveSmallIntegerField(default=100)  # 0–100, from the latest metrics
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(commission_bp__lte=10000), name="merchant_commission_range"),
            models.CheckConstraint(condition=Q(quality_score__lte=100), name="merchant_quality_range"),
            models.UniqueConstraint(
                fields=["is_first_party"], condition=Q(is_first_party=True), name="one_first_party_merchant"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def status_can_sell(status: str) -> bool:
        """Whether a merchant of this status may publish and sell: the one rule, for a status read as a value."""
        return status in Merchant.SELLING

    @property
    def can_sell(self) -> bool:
        return Merchant.status_can_sell(self.status)


class MerchantMetrics(models.Model):
    """A merchant's quality over a rolling window: the rates are measured by orders/jobs.py
    `merchant_quality_refresh` (the hourly review) and stored with the score by merchants/services.py
    `merchant_quality_record`. Rates are in basis points of the orders they apply to; None where there is
    nothing to measure yet."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="metrics")
    computed_at = models.DateTimeField()
    window_days = models.PositiveSmallIntegerField(default=90)
    orders = models.PositiveIntegerField(default=0)
    cancellation_rate_bp = models.PositiveIntegerField(null=True, blank=True)
    late_shipment_rate_bp = models.PositiveIntegerField(null=True, blank=True)
    defect_rate_bp = models.PositiveIntegerField(null=True, blank=True)  # returns and warranty claims, later
    response_hours = models.FloatField(null=True, blank=True)  # after-sales messages, later
    quality_score = models.PositiveSmallIntegerField()
    status_after = models.CharField(max_length=10)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-computed_at"])]
