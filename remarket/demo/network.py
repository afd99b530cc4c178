"""Where the demo sells: six country sites, the New York store, a partner's corners across France (with addresses,
opening hours and services), FX rates."""

import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from remarket.markets import fx
from remarket.markets.hours import hours_parse
from remarket.markets.models import Channel, Location, Market
from remarket.markets.services import (
    LocationSpec,
    markets_ensure,
    partner_network_ensure,
    store_ensure,
    web_channel_code,
)

from .people_data import PARTNER

DATA = Path(fx.__file__).parent / "data"
COMMUNES = DATA / "fr-communes.csv"
FX_RATES = DATA / "fx-monthly-per-usd.csv"
STORE = LocationSpec(
    code="nyc-soho",
    name="remarket New York — SoHo",
    town="New York",
    postcode="10012",
    region="NY",
    latitude=Decimal("40.723301"),
    longitude=Decimal("-73.998910"),
    street="123 Greene Street",
    country="US",
    hours=hours_parse("mon-sat 10:00-20:00; sun 11:00-19:00"),
    service_pickup=True,
    service_returns=True,
    service_trade_in=True,
)
# the partner's shops keep shopping-street hours; one in three opens on Monday afternoon only
CORNER_HOURS = (hours_parse("mon-sat 10:00-19:00"), hours_parse("mon 14:00-19:00; tue-sat 10:00-19:00"))
STREETS = ("rue de la République", "avenue Jean Jaurès", "rue Nationale", "place du Marché", "rue Victor Hugo",
           "centre commercial Les Halles", "boulevard Gambetta", "rue du Général de Gaulle")  # fmt: skip


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    postcode: str
    population: int
    latitude: float
    longitude: float


def communes_largest(*, limit: int, path: Path = COMMUNES) -> list[Commune]:
    """The `limit` most populous communes of mainland France, largest first, one per commune and town name.

    The file lists a commune once per postcode. Paris, Marseille and Lyon appear only as their
    arrondissements (type ARM): they count once, as their parent city, population summed, at the
    population-weighted centre, with their lowest postcode. Overseas departments are left out: the
    partner's shops are on the mainland."""
    towns: dict[str, dict] = {}
    parts: dict[str, list[dict]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["insee_dep"].startswith("97"):
                continue
            if row["commune_type"] == "ARM":
                parts[row["insee_parente"]].append(row)
                continue
            town = towns.setdefault(row["insee_com"], row)
            town["code_postal"] = min(town["code_postal"], row["code_postal"])
    communes = [
        Commune(
            code,
            row["commune"],
            row["code_postal"],
            int(row["population_2021"] or 0),
            float(row["lat"] or 0),
            float(row["lng"] or 0),
        )
        for code, row in towns.items()
    ]
    for code, rows in parts.items():
        population = sum(int(r["population_2021"] or 0) for r in rows)
        weights = [int(r["population_2021"] or 0) / population for r in rows]
        communes.append(
            Commune(
                code,
                rows[0]["commune"].split(" ")[0],
                min(r["code_postal"] for r in rows),
                population,
                sum(float(r["lat"]) * w for r, w in zip(rows, weights)),
                sum(float(r["lng"]) * w for r, w in zip(rows, weights)),
            )
        )
    communes.sort(key=lambda c: (-c.population, c.insee_code))
    chosen, names = [], set()
    for commune in communes:
        if commune.name not in names:
            chosen.append(commune)
            names.add(commune.name)
        if len(chosen) == limit:
            break
    return chosen


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


@dataclass
class Network:
    markets: dict[str, Market]
    web: dict[str, Channel]  # market code → its web channel
    store_channel: Channel
    store: Location
    partner_channel: Channel
    partner_locations: list[Location]  # largest town first


def network_build(*, partner_locations: int) -> Network:
    markets = {m.code: m for m in markets_ensure()}
    channels = {c.code: c for c in Channel.objects.all()}
    store = store_ensure(market=markets["US"], channel_code="store-us", location=STORE)
    name, commission_bp = PARTNER
    specs = [
        LocationSpec(
            code=f"{name.lower()}-{c.insee_code}",
            name=f"{name} {c.name}",
            town=c.name,
            postcode=c.postcode,
            insee_code=c.insee_code,
            latitude=_degrees(c.latitude),
            longitude=_degrees(c.longitude),
            street=f"{1 + index * 7 % 90} {STREETS[index % len(STREETS)]}",
            country="FR",
            hours=CORNER_HOURS[index % 3 == 2],
            # every corner sells and takes pickups; one in three takes returns, one in ten trade-ins
            service_pickup=True,
            service_returns=index % 3 == 0,
            service_trade_in=index % 10 == 0,
        )
        for index, c in enumerate(communes_largest(limit=partner_locations))
    ]
    _, partner_channel, _ = partner_network_ensure(
        name=name, market=markets["FR"], channel_code="partner-fr", locations=specs, commission_bp=commission_bp
    )
    fx.fx_load(path=FX_RATES)
    return Network(
        markets=markets,
        web={code: channels[web_channel_code(code)] for code in markets},
        store_channel=store.channel,
        store=store,
        partner_channel=partner_channel,
        partner_locations=list(Location.objects.filter(channel=partner_channel).order_by("pk")),
    )
