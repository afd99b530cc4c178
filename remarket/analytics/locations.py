"""GMV at the physical places: per partner (its corners together; own stores as the operator's) and per
location, over whole months, from the sales facts of counter sales (facts with a location)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from remarket.markets.models import Location

from .models import SaleFact

OWN_STORES = "own stores"


@dataclass(frozen=True)
class PlaceGmv:
    name: str
    code: str
    partner: str
    gmv_eur_minor: int
    units: int
    lines: int


def gmv_by_partner_and_location(
    *, since: dt.date, until: dt.date, top: int = 20
) -> tuple[list[tuple[str, int, int]], list[PlaceGmv], int]:
    """(per partner: name, GMV in EUR minor units, locations that sold; the `top` locations by GMV; how many
    locations sold) over months [since, until). One grouped read of the period's located facts."""
    rows = list(
        SaleFact.objects.filter(month__gte=since, month__lt=until, location__isnull=False)
        .values("location_id")
        .annotate(gmv=Sum("gmv_eur_minor"), units=Sum("quantity"), lines=Count("pk"))
        .order_by()
    )
    places = {
        l.pk: l
        for l in Location.objects.select_related("channel__partner").filter(pk__in=[r["location_id"] for r in rows])
    }
    by_partner: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ranked = []
    for r in rows:
        place = places[r["location_id"]]
        partner = place.channel.partner.name if place.channel.partner else OWN_STORES  # selected with the place
        by_partner[partner][0] += r["gmv"]
        by_partner[partner][1] += 1
        ranked.append(PlaceGmv(place.name, place.code, partner, r["gmv"], r["units"], r["lines"]))
    ranked.sort(key=lambda p: (-p.gmv_eur_minor, p.code))
    partners = sorted(((name, gmv, n) for name, (gmv, n) in by_partner.items()), key=lambda t: (-t[1], t[0]))
    return partners, ranked[:top], len(rows)
