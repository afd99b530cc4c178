"""Market and channel writes: the country sites, the own stores and the partner networks."""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from remarket.core.errors import DomainError

from .models import Channel, Location, Market, Partner, TaxRate


@dataclass(frozen=True)
class MarketSpec:
    code: str
    currency: str
    language: str
    time_zone: str
    prices_include_tax: bool


# The marketplace's country sites. The US shows prices before sales tax, which depends on the ship-to state.
MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec("FR", "EUR", "fr-FR", "Europe/Paris", True),
    MarketSpec("US", "USD", "en-US", "America/New_York", False),
    MarketSpec("DE", "EUR", "de-DE", "Europe/Berlin", True),
    MarketSpec("ES", "EUR", "es-ES", "Europe/Madrid", True),
    MarketSpec("IT", "EUR", "it-IT", "Europe/Rome", True),
    MarketSpec("GB", "GBP", "en-GB", "Europe/London", True),
)


def web_channel_code(market_code: str) -> str:
    return f"web-{market_code.lower()}"


@transaction.atomic
def markets_ensure(*, specs: tuple[MarketSpec, ...] = MARKETS) -> list[Market]:
    """Every market of `specs` and its web channel (`web-fr`...). Idempotent: existing rows are kept as they are."""
    markets = []
    for spec in specs:
        market, _ = Market.objects.get_or_create(
            code=spec.code,
            defaults={
                "country": spec.code,
                "currency": spec.currency,
                "language": spec.language,
                "time_zone": spec.time_zone,
                "prices_include_tax": spec.prices_include_tax,
            },
        )
        Channel.objects.get_or_create(
            code=web_channel_code(spec.code), defaults={"kind": Channel.Kind.WEB, "market": market}
        )
        markets.append(market)
    return markets


@dataclass(frozen=True)
class LocationSpec:
    code: str
    name: str
    town: str
    postcode: str
    insee_code: str = ""
    region: str = ""  # a US state
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    street: str = ""
    country: str = ""
    hours: dict = field(default_factory=dict)  # markets/hours.py's shape
    service_sales: bool = True
    service_pickup: bool = False
    service_returns: bool = False
    service_trade_in: bool = False


@transaction.atomic
def store_ensure(*, market: Market, channel_code: str, location: LocationSpec) -> Location:
    """An own store: a `store` channel in `market` with its one location. Idempotent."""
    channel, _ = Channel.objects.get_or_create(
        code=channel_code, defaults={"kind": Channel.Kind.STORE, "market": market}
    )
    found = Location.objects.filter(code=location.code).first()
    return found or Location.objects.create(channel=channel, **location.__dict__)


@transaction.atomic
def partner_network_ensure(
    *, name: str, market: Market, channel_code: str, locations: list[LocationSpec], commission_bp: int = 500
) -> tuple[Partner, Channel, int]:
    """A retail partner, its `partner` channel and its points of sale; locations whose code exists are
    skipped, so running it again adds only what is new. Returns the partner, the channel and how many
    locations it created."""
    partner, _ = Partner.objects.get_or_create(name=name, defaults={"commission_bp": commission_bp})
    channel, _ = Channel.objects.get_or_create(
        code=channel_code, defaults={"kind": Channel.Kind.PARTNER, "market": market, "partner": partner}
    )
    known = set(Location.objects.filter(code__in=[l.code for l in locations]).values_list("code", flat=True))
    new = [Location(channel=channel, **l.__dict__) for l in locations if l.code not in known]
    Location.objects.bulk_create(new, batch_size=500)
    return partner, channel, len(new)


TAX_RATES = Path(__file__).resolve().parent / "data" / "tax-rates.json"


@transaction.atomic
def tax_rates_load(*, path: Path = TAX_RATES) -> int:
    """Add the rates of a tax-rates JSON file (markets/data/tax-rates.json's shape) that are not known yet, keyed
    by country, region and start date; a known rate is left as it is. Returns how many were added."""
    from .tax import tax_rates_changed

    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))["rates"]
        rates = [
            TaxRate(
                country=r["country"].upper(),
                region=r.get("region", "").upper(),
                kind=r["kind"],
                rate=Decimal(str(r["rate"])),
                valid_from=dt.date.fromisoformat(r["valid_from"]),
                valid_to=dt.date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
                shipping_taxable=bool(r.get("shipping_taxable", True)),
                postcode_prefixes=r.get("postcode_prefixes", []),
                note=r.get("note", ""),
            )
            for r in rows
        ]
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError) as err:
        raise DomainError("TAX_RATES_INVALID", f"{path}: not a tax-rates file ({err}).") from None
    if any(not 0 <= r.rate < 1 or r.kind not in TaxRate.Kind.values for r in rates):
        raise DomainError(
            "TAX_RATES_INVALID", f"{path}: a rate is a fraction (0.20 for 20 %) of kind vat or sales_tax."
        )
    known = set(TaxRate.objects.values_list("country", "region", "valid_from"))
    new = [r for r in rates if (r.country, r.region, r.valid_from) not in known]
    TaxRate.objects.bulk_create(new)
    tax_rates_changed()
    return len(new)
