from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Merchant(models.Model):
    """A professional refurbisher selling on the marketplace, or the operator itself (first party)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        WARNED = "warned", _("Warned")
        LIMITED = "limited", _("Limited")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    country = CountryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    is_first_party = models.BooleanField(default=False)
    commission_bp = models.PositiveIntegerField(default=1000)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(commission_bp__lte=10000), name="merchant_commission_range"),
            models.UniqueConstraint(fields=["is_first_party"], condition=Q(is_first_party=True),
                                    name="one_first_party_merchant"),
        ]

    @property
    def can_sell(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.WARNED, self.Status.LIMITED)

    def __str__(self) -> str:
        return self.name
