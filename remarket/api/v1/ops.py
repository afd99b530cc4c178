import datetime as dt

from ninja import Router, Schema

from remarket.accounts.permissions import require
from remarket.analytics.selectors import gmv_by_country_channel

from .auth import TokenAuth

router = Router(tags=["ops"], auth=TokenAuth())


class GmvCell(Schema):
    country: str
    channel: str
    gmv_eur_minor: int


class GmvOut(Schema):
    since: dt.date
    until: dt.date
    total_eur_minor: int
    units: int
    co2e_avoided_kg: float
    ewaste_avoided_kg: float
    cells: list[GmvCell]


@router.get("/gmv", response=GmvOut)
def gmv(request, since: dt.date, until: dt.date):
    """GMV in EUR by country × channel over [since, until), from rollups."""
    require(request.actor, "ops.dashboard")
    table = gmv_by_country_channel(since=since, until=until)
    return GmvOut(since=since, until=until, total_eur_minor=table.total_eur_minor, units=table.units,
                  co2e_avoided_kg=table.co2e_avoided_g / 1000, ewaste_avoided_kg=table.ewaste_avoided_g / 1000,
                  cells=[GmvCell(country=c, channel=k, gmv_eur_minor=v) for (c, k), v in sorted(table.cells.items())])
