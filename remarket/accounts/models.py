import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    MERCHANT = "merchant", _("Merchant staff")
    CLERK = "clerk", _("Store clerk")
    PARTNER = "partner", _("Partner manager")
    OPERATOR = "operator", _("Operator staff")


class User(AbstractUser):
    """Everyone who logs in. The role decides what they may touch; merchant staff belong to one
    merchant, clerks to one location, partner managers to one partner."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    merchant = models.ForeignKey(
        "merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    location = models.ForeignKey(
        "markets.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="clerks"
    )
    partner = models.ForeignKey(
        "markets.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="managers"
    )
    # the back office's language and time zone the user chose; empty: their home market's (accounts/preferences.py)
    language = models.CharField(max_length=10, blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="merchant") | Q(merchant__isnull=False), name="merchant_staff_has_merchant"
            ),
            models.CheckConstraint(condition=~Q(role="clerk") | Q(location__isnull=False), name="clerk_has_location"),
            models.CheckConstraint(
                condition=~Q(role="partner") | Q(partner__isnull=False), name="partner_manager_has_partner"
            ),
            # customers log in with their e-mail: one account per address, whatever its case
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
        ]


class ApiToken(models.Model):
    """A bearer secret for machines. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # lets people tell their tokens apart
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
