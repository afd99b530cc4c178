from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Market(models.Model):
    """A country site: its currency, language, time zone and how its prices treat tax."""

    code = models.CharField(max_length=2, unique=True)  # ISO 3166 alpha-2, upper case: FR, US...
    country = CountryField()
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=10)  # BCP 47: fr-FR, en-US
    time_zone = models.CharField(max_length=64)
    vat_rate_bp = models.PositiveIntegerField(default=0)  # standard rate in basis points (20 % = 2000)
    prices_include_tax = models.BooleanField(default=True)  # EU yes; US sales tax is added at checkout

    def __str__(self) -> str:
        return self.code


class Channel(models.Model):
    class Kind(models.TextChoices):
        WEB = "web", _("Web")
        STORE = "store", _("Own store")
        PARTNER = "partner", _("Partner point of sale")

    code = models.SlugField(max_length=40, unique=True)  # web-fr, store-us, partner-fr
    kind = models.CharField(max_length=8, choices=Kind.choices)
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="channels")
    partner = models.ForeignKey("Partner", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(kind="partner") | Q(partner__isnull=False),
                                              name="partner_channel_has_partner")]

    def __str__(self) -> str:
        return self.code


class Partner(models.Model):
    """A retail chain whose shops host the marketplace's corners."""

    name = models.CharField(max_length=100, unique=True)
    commission_bp = models.PositiveIntegerField(default=500)

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A physical place that sells: an own store or a partner's point of sale."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="locations")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=12)
    insee_code = models.CharField(max_length=5, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class FxRate(models.Model):
    """Units of `currency` per one US dollar for a month (the source's convention, checked on load)."""

    currency = models.CharField(max_length=3)
    month = models.DateField()  # first day of the month
    per_usd = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="fx_one_rate_a_month"),
            models.CheckConstraint(condition=Q(per_usd__gt=0), name="fx_rate_positive"),
        ]
