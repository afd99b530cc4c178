import datetime as dt

from ninja import Router, Schema
from ninja.decorators import decorate_view

from remarket.accounts.permissions import require
from remarket.analytics.selectors import gmv_by_country_channel
from remarket.core.errors import NotFound
from remarket.core.replica import replica_reads
from remarket.merchants.models import Merchant
from remarket.merchants.selectors import merchant_exists, merchants_by_quality
from remarket.merchants.services import merchant_status_set

from .auth import TokenAuth
from .schemas import Error

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
    co2e_low_kg: float  # the estimate's range, from the sources' spread (impact/calc.py)
    co2e_high_kg: float
    ewaste_avoided_kg: float
    cells: list[GmvCell]


@router.get("/gmv", response=GmvOut)
@decorate_view(replica_reads)
def gmv(request, since: dt.date, until: dt.date):
    """GMV in EUR by country × channel over [since, until), from rollups."""
    require(request.actor, "ops.dashboard")
    table = gmv_by_country_channel(since=since, until=until)
    return GmvOut(
        since=since,
        until=until,
        total_eur_minor=table.total_eur_minor,
        units=table.units,
        co2e_avoided_kg=table.co2e_avoided_g / 1000,
        co2e_low_kg=table.co2e_low_g / 1000,
        co2e_high_kg=table.co2e_high_g / 1000,
        ewaste_avoided_kg=table.ewaste_avoided_g / 1000,
        cells=[GmvCell(country=c, channel=k, gmv_eur_minor=v) for (c, k), v in sorted(table.cells.items())],
    )


class MerchantRow(Schema):
    id: int
    name: str
    country: str
    status: str
    quality_score: int


class StatusIn(Schema):
    status: str


@router.get("/merchants", response=list[MerchantRow])
def merchants(request, status: Merchant.Status | None = None):
    """Every merchant, worst quality first; `status` one of the lifecycle's (anything else is a 422)."""
    require(request.actor, "merchant.manage")
    qs = merchants_by_quality(status=status)
    return [
        MerchantRow(id=m.pk, name=m.name, country=m.country.code, status=m.status, quality_score=m.quality_score)
        for m in qs
    ]


@router.post("/merchants/{merchant_id}/status", response={200: MerchantRow, 404: Error, 409: Error})
def merchant_status(request, merchant_id: int, payload: StatusIn):
    """Review, approve, reject, sanction or lift a sanction, along the merchant lifecycle."""
    require(request.actor, "merchant.manage")
    if not merchant_exists(merchant_id=merchant_id):
        raise NotFound("MERCHANT_NOT_FOUND", f"There is no merchant {merchant_id}.")
    m = merchant_status_set(merchant_id=merchant_id, status=payload.status)
    return MerchantRow(id=m.pk, name=m.name, country=m.country.code, status=m.status, quality_score=m.quality_score)
