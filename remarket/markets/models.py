import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from remarket.core import clock

from .tax import Scheme


class Market(models.Model):
    """A country site: its currency, language, time zone and how its prices treat tax."""

    code = models.CharField(max_length=2, unique=True)  # ISO 3166 alpha-2, upper case: FR, US...
    country = CountryField()
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=10)  # BCP 47: fr-FR, en-US
    time_zone = models.CharField(max_length=64)
    prices_include_tax = models.BooleanField(default=True)  # EU yes; US sales tax is added at checkout

    def __str__(self) -> str:
        return self.code

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)

    def local_date(self, at: dt.datetime) -> dt.date:
        """The market's calendar day at a moment: the one definition of "today" for its taxes, invoices,
        months and deadlines (timestamps are stored in UTC)."""
        return clock.local_date(at, self.zone)

    def local_month(self, at: dt.datetime) -> dt.date:
        """The first day of the market's month at a moment."""
        return clock.local_month(at, self.zone)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


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
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="partner") | Q(partner__isnull=False), name="partner_channel_has_partner"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Partner(models.Model):
    """A retail chain whose shops host the marketplace's corners."""

    name = models.CharField(max_length=100, unique=True)
    commission_bp = models.PositiveIntegerField(default=500)

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A physical place that sells: an own store or a partner's point of sale. Its network is its channel's
    (`channel.partner` for a corner). Opening hours and services are written by `markets/locations.py`, which
    validates them."""

    class Service(models.TextChoices):
        SALES = "sales", _("Sales")
        PICKUP = "pickup", _("Pickup")
        RETURNS = "returns", _("Returns")
        TRADE_IN = "trade_in", _("Trade-in")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="locations")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=12)
    country = models.CharField(max_length=2, blank=True)  # ISO 3166 alpha-2; the channel's market by default
    region = models.CharField(max_length=10, blank=True)  # a US state (NY), for the sales tax of counter sales
    insee_code = models.CharField(max_length=5, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # {"mon": [["09:00", "19:00"]], ...}: per weekday its open-close intervals in the location's local time;
    # a weekday missing or empty is closed
    hours = models.JSONField(default=dict, blank=True)
    closed_dates = models.JSONField(default=list, blank=True)  # ["2026-12-25", ...]: exceptional closures
    # the services offered, one flag each (filtered on by the locator and the ops page): see `Service`
    service_sales = models.BooleanField(default=True)
    service_pickup = models.BooleanField(default=False)
    service_returns = models.BooleanField(default=False)
    service_trade_in = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_geo")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def services(self) -> list[str]:
        return [s for s in self.Service.values if getattr(self, f"service_{s}")]


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


class TaxRate(models.Model):
    """A tax rate as data, valid over dates: a country's VAT, or a US state's (or city's) sales tax.
    `region` is empty for a whole country, a state code (NY), or a city inside a state (NY-NYC) found by the
    ship-to postcode's prefixes. Loaded from markets/data/tax-rates.json by a migration."""

    class Kind(models.TextChoices):  # the codes of markets/tax.py `Scheme` a rate can be
        VAT = Scheme.VAT.value, _("VAT")
        SALES_TAX = Scheme.SALES_TAX.value, _("Sales tax")

    country = models.CharField(max_length=2)
    region = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rate = models.DecimalField(max_digits=6, decimal_places=5)  # 0.20000 is 20 %
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # inclusive; open-ended when empty
    shipping_taxable = models.BooleanField(default=True)
    postcode_prefixes = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=1), name="tax_rate_range"),
            models.UniqueConstraint(fields=["country", "region", "valid_from"], name="tax_rate_one_start"),
        ]
        indexes = [models.Index(fields=["country", "region", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.country}{'-' + self.region if self.region else ''} {self.rate:%} from {self.valid_from}"
