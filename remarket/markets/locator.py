"""The store locator: active locations nearest a point, a postcode or a town, with their distance and today's
opening hours.

The network (every active location with a position: its card and opening hours) is kept in the process for a
minute (core/kept.py; an import or an edit forgets it at once in its process): a bounding box picks the
candidates (widened until there are enough, or until every location is inside), the exact great-circle distance
ranks them, and the chosen few are checked still open in one indexed read. Over 500 locations an answer is that
one query without a join and a few hundred multiplications. Postcodes and towns resolve through France's communes (`data/fr-communes.csv`) and a
small table of New York ZIP codes (`data/us-postcodes.csv`)."""

import csv
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.kept import Kept

from .hours import hours_on
from .models import Channel, Location

DATA = Path(__file__).resolve().parent / "data"
EARTH_KM = 6371.0088  # the mean Earth radius
FIRST_RADIUS_KM = 30.0
MAX_LIMIT = 50


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _fold(name: str) -> str:
    """A town's name compared without case, accents, dashes or apostrophes: "saint-étienne" is "Saint Etienne"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, Place], dict[str, Place]]:
    """Postcode → place and folded town name → place (its most populous commune), read once per process."""
    postcodes: dict[str, list[tuple[float, float, str]]] = {}
    towns: dict[str, tuple[int, Place]] = {}
    with open(DATA / "fr-communes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["lat"] or not row["lng"]:
                continue
            lat, lon = float(row["lat"]), float(row["lng"])
            postcodes.setdefault(f"FR:{row['code_postal']}", []).append((lat, lon, row["commune"]))
            population = int(row["population_2021"] or 0)
            # an arrondissement counts as its city too ("Paris 4e Arrondissement" is in "Paris")
            for name in {row["commune"], row["commune"].split(" ")[0] if row["commune_type"] == "ARM" else ""} - {""}:
                key = _fold(name)
                if key not in towns or towns[key][0] < population:
                    towns[key] = (population, Place(lat, lon, name))
    with open(DATA / "us-postcodes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lat, lon = float(row["lat"]), float(row["lng"])
            postcodes.setdefault(f"US:{row['postcode']}", []).append((lat, lon, row["town"]))
            towns.setdefault(_fold(row["town"]), (0, Place(lat, lon, row["town"])))
    by_postcode = {
        key: Place(sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps), ps[0][2])
        for key, ps in postcodes.items()
    }
    return by_postcode, {key: place for key, (_pop, place) in towns.items()}


def place_resolve(*, postcode: str | None = None, town: str | None = None, country: str = "") -> Place:
    """Where a postcode (French, or a New York ZIP code) or a town is, or LOCATOR_PLACE_UNKNOWN."""
    by_postcode, by_town = _places()
    if postcode:
        code = postcode.strip().upper()[:12]
        countries = [country.upper()] if country else ["FR", "US"]
        for c in countries:
            place = by_postcode.get(f"{c}:{code}") or by_postcode.get(f"{c}:{code[:5]}")
            if place is not None:
                return place
        raise NotFound("LOCATOR_PLACE_UNKNOWN", _("We do not know the postcode %(code)s.") % {"code": code})
    if town:
        place = by_town.get(_fold(town[:100]))
        if place is not None:
            return place
        raise NotFound("LOCATOR_PLACE_UNKNOWN", _("We do not know the town %(town)s.") % {"town": town[:100]})
    raise DomainError("LOCATOR_PLACE_REQUIRED", _("Give a position, a postcode or a town."))


@dataclass(frozen=True)
class _Network:
    """Every active location with a position: its card (the row with its channel, market and partner, what an
    answer shows) and, per service ("" for any), the positions to rank: (pk, latitude, longitude, market id)."""

    cards: dict[int, Location]
    points: dict[str, tuple[tuple[int, float, float, int], ...]]


def _load_network(_key=None) -> _Network:
    located = Location.objects.select_related("channel__market", "channel__partner").filter(
        is_active=True, latitude__isnull=False, longitude__isnull=False
    )
    cards = {location.pk: location for location in located.order_by("pk")}
    points = {
        service: tuple(
            (pk, float(l.latitude), float(l.longitude), l.channel.market_id)
            for pk, l in cards.items()
            if l.latitude is not None
            and l.longitude is not None  # filtered above; said for the type checker
            and (not service or getattr(l, f"service_{service}"))
        )
        for service in ("", *Location.Service.values)
    }
    return _Network(cards, points)


# the network as the locator answers from it — 500 locations, a few hundred kilobytes — kept in the process for a
# minute (core/kept.py) rather than read and built on every question. An import or an edit forgets it at once in
# its process; elsewhere an edit of hours or address shows within the minute, a closure at once (`locations_near`
# checks the chosen few)
_network = Kept("locator:network:v1", _load_network)


def locator_forget() -> None:
    _network.forget()


@dataclass(frozen=True)
class Near:
    location: Location
    distance_km: float | None  # None: listed by name, the customer's place being unknown (`locations_offering`)
    hours_today: list[list[str]]  # open-close intervals in the location's local time; empty: closed today


def _box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float] | None:
    """The latitude and longitude bounds of a circle, or None when it reaches a pole or the antimeridian."""
    dlat = math.degrees(radius_km / EARTH_KM)
    if abs(lat) + dlat >= 89:
        return None
    dlon = math.degrees(radius_km / (EARTH_KM * math.cos(math.radians(lat))))
    if abs(lon) + dlon >= 180:
        return None
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def locations_near(
    *,
    point: tuple[float, float] | None = None,
    postcode: str | None = None,
    town: str | None = None,
    service: str | None = None,
    limit: int = 10,
    market_id: int | None = None,
    country: str = "",
) -> list[Near]:
    """The `limit` active locations nearest the point (or the postcode's or town's centre) offering `service`,
    nearest first; `market_id`: only that market's; `country`: where the postcode is (France or the US when
    not said)."""
    if service is not None and service not in Location.Service.values:
        raise DomainError(
            "LOCATOR_SERVICE_UNKNOWN",
            _("Services are among: %(known)s.") % {"known": ", ".join(Location.Service.values)},
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise DomainError("LOCATOR_LIMIT_INVALID", _("Ask for 1 to %(most)s locations.") % {"most": MAX_LIMIT})
    if point is not None:
        lat, lon = point
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
            raise DomainError("LOCATOR_POINT_INVALID", _("A position is a latitude and a longitude in degrees."))
    else:
        place = place_resolve(postcode=postcode, town=town, country=country)
        lat, lon = place.latitude, place.longitude
    network = _network.get()
    points = network.points[service or ""]
    if market_id is not None:
        points = tuple(p for p in points if p[3] == market_id)
    radius = FIRST_RADIUS_KM
    while True:
        box = _box(lat, lon, radius)
        if box is None:  # the whole world
            ranked = sorted((haversine_km(lat, lon, la, lo), pk) for pk, la, lo, _m in points)
            chosen = ranked[:limit]
            break
        south, north, west, east = box
        ranked = sorted(
            (haversine_km(lat, lon, la, lo), pk)
            for pk, la, lo, _m in points
            if south <= la <= north and west <= lo <= east
        )
        inside = [t for t in ranked if t[0] <= radius]  # the circle, not only the box
        if len(inside) >= limit:
            chosen = inside[:limit]
            break
        if len(ranked) == len(points):  # every candidate is in the box already: widening finds no more
            chosen = ranked[:limit]
            break
        radius *= 4
    # the network may be a minute old: a location closed (or no longer offering the service) meanwhile is left
    # out, never offered wrongly — one indexed read of the chosen few, no join
    still = Location.objects.filter(pk__in=[pk for _km, pk in chosen], is_active=True)
    if service:
        still = still.filter(**{f"service_{service}": True})
    open_now = set(still.values_list("pk", flat=True)) if chosen else set()
    now = clock.now()
    return [_near(network.cards[pk], round(km, 2), now) for km, pk in chosen if pk in open_now]


def _near(location: Location, km: float | None, now) -> Near:
    return Near(location, km, hours_on(location.hours, location.closed_dates, location.channel.market.local_date(now)))


def _where(near: str) -> dict:
    """What a customer typed to find a place (`near`): "lat,lon", a postcode or a town, as `locations_near`'s
    arguments."""
    near = near.strip()[:100]
    parts = near.replace(";", ",").split(",")
    if len(parts) == 2:
        try:
            return {"point": (float(parts[0]), float(parts[1]))}
        except ValueError:
            pass
    if near.replace(" ", "").isdigit():
        return {"postcode": near.replace(" ", "")}
    return {"town": near}


def locations_offering(*, market, service: str, near: str = "", limit: int = 10) -> list[Near]:
    """The market's active locations offering `service` (pickup, returns...) for a customer: nearest first to
    `near` (what they typed: a postcode, a town, or "lat,lon"), with distance and today's hours; by name, with no
    distance, when `near` is empty or names no place we know (or none of them has a position yet)."""
    if near.strip():
        try:
            found = locations_near(
                **_where(near), service=service, limit=limit, market_id=market.pk, country=str(market.country)
            )
        except DomainError as err:
            if err.code not in ("LOCATOR_PLACE_UNKNOWN", "LOCATOR_POINT_INVALID"):
                raise
        else:
            if found:  # none has a position yet: listed by name below
                return found
    now = clock.now()
    return [_near(location, None, now) for location in locations_with_service(market=market, service=service)[:limit]]


def locations_with_service(*, market, service: str):
    """The market's active stores and partner corners offering `service`, by name (a queryset)."""
    if service not in Location.Service.values:
        raise DomainError(
            "LOCATOR_SERVICE_UNKNOWN",
            _("Services are among: %(known)s.") % {"known": ", ".join(Location.Service.values)},
        )
    return (
        Location.objects.select_related("channel__market", "channel__partner")
        .filter(
            channel__market=market,
            channel__kind__in=(Channel.Kind.STORE, Channel.Kind.PARTNER),
            is_active=True,
            **{f"service_{service}": True},
        )
        .order_by("name", "pk")
    )
