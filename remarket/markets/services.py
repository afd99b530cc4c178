"""Market and channel writes: the country sites, the own stores and the partner networks."""
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from .models import Channel, Location, Market, Partner


@dataclass(frozen=True)
class MarketSpec:
    code: str
    currency: str
    language: str
    time_zone: str
    vat_rate_bp: int
    prices_include_tax: bool


# The marketplace's country sites. The US shows prices before sales tax, which depends on the ship-to state.
MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec("FR", "EUR", "fr-FR", "Europe/Paris", 2000, True),
    MarketSpec("US", "USD", "en-US", "America/New_York", 0, False),
    MarketSpec("DE", "EUR", "de-DE", "Europe/Berlin", 1900, True),
    MarketSpec("ES", "EUR", "es-ES", "Europe/Madrid", 2100, True),
    MarketSpec("IT", "EUR", "it-IT", "Europe/Rome", 2200, True),
    MarketSpec("GB", "GBP", "en-GB", "Europe/London", 2000, True),
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
            defaults={"country": spec.code, "currency": spec.currency, "language": spec.language,
                      "time_zone": spec.time_zone, "vat_rate_bp": spec.vat_rate_bp,
                      "prices_include_tax": spec.prices_include_tax})
        Channel.objects.get_or_create(code=web_channel_code(spec.code),
                                      defaults={"kind": Channel.Kind.WEB, "market": market})
        markets.append(market)
    return markets


@dataclass(frozen=True)
class LocationSpec:
    code: str
    name: str
    town: str
    postcode: str
    insee_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@transaction.atomic
def store_ensure(*, market: Market, channel_code: str, location: LocationSpec) -> Location:
    """An own store: a `store` channel in `market` with its one location. Idempotent."""
    channel, _ = Channel.objects.get_or_create(code=channel_code,
                                               defaults={"kind": Channel.Kind.STORE, "market": market})
    found = Location.objects.filter(code=location.code).first()
    return found or Location.objects.create(channel=channel, **location.__dict__)


@transaction.atomic
def partner_network_ensure(*, name: str, market: Market, channel_code: str, locations: list[LocationSpec],
                           commission_bp: int = 500) -> tuple[Partner, Channel, int]:
    """A retail partner, its `partner` channel and its points of sale; locations whose code exists are
    skipped, so running it again adds only what is new. Returns the partner, the channel and how many
    locations it created."""
    partner, _ = Partner.objects.get_or_create(name=name, defaults={"commission_bp": commission_bp})
    channel, _ = Channel.objects.get_or_create(code=channel_code, defaults={"kind": Channel.Kind.PARTNER,
                                                                            "market": market, "partner": partner})
    known = set(Location.objects.filter(code__in=[l.code for l in locations]).values_list("code", flat=True))
    new = [Location(channel=channel, **l.__dict__) for l in locations if l.code not in known]
    Location.objects.bulk_create(new, batch_size=500)
    return partner, channel, len(new)
