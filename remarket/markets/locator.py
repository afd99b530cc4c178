"""The store locator: active locations nearest a point, a postcode or a town, with their distance and today's
opening hours.

Every active location's position is kept in the process for a minute (core/kept.py; an import or an edit forgets
it); a bounding box picks the candidates (widened until there are enough), the exact great-circle distance ranks
them, and only the chosen few are read from the database, checked still active: over 500 locations one indexed range read and a few
hundred multiplications. Postcodes and towns resolve through France's communes (`data/fr-communes.csv`) and a
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
from .models import Location

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


def _load_points(service: str) -> tuple[tuple[int, float, float], ...]:
    located = Location.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False)
    if service:
        located = located.filter(**{f"service_{service}": True})
    rows = located.values_list("pk", "latitude", "longitude")
    # the filter above leaves no None; the test tells the type checker so
    return tuple((pk, float(la), float(lo)) for pk, la, lo in rows if la is not None and lo is not None)


# every active location's position, per service ("" for all): a few bytes each, read once a minute per process
# rather than on every question (core/kept.py); an import or an edit forgets them at once in its process
_points = Kept("locator:points:v1", _load_points)


def locator_forget() -> None:
    _points.forget()


@dataclass(frozen=True)
class Near:
    location: Location
    distance_km: float
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
) -> list[Near]:
    """The `limit` active locations nearest the point (or the postcode's or town's centre) offering `service`,
    nearest first."""
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
        place = place_resolve(postcode=postcode, town=town)
        lat, lon = place.latitude, place.longitude
    points = _points.get(service or "")
    radius = FIRST_RADIUS_KM
    while True:
        box = _box(lat, lon, radius)
        if box is None:  # the whole world
            ranked = sorted((haversine_km(lat, lon, la, lo), pk) for pk, la, lo in points)
            chosen = ranked[:limit]
            break
        south, north, west, east = box
        ranked = sorted(
            (haversine_km(lat, lon, la, lo), pk) for pk, la, lo in points if south <= la <= north and west <= lo <= east
        )
        inside = [t for t in ranked if t[0] <= radius]  # the circle, not only the box
        if len(inside) >= limit:
            chosen = inside[:limit]
            break
        radius *= 4
    rows = Location.objects.select_related("channel__market", "channel__partner").in_bulk([pk for _km, pk in chosen])
    # the points may be a minute old: a location closed or changed meanwhile is left out, never shown wrongly
    chosen = [
        (km, pk)
        for km, pk in chosen
        if pk in rows and rows[pk].is_active and (not service or service in rows[pk].services)
    ]
    now = clock.now()
    return [
        Near(
            rows[pk],
            round(km, 2),
            hours_on(rows[pk].hours, rows[pk].closed_dates, rows[pk].channel.market.local_date(now)),
        )
        for km, pk in chosen
    ]
