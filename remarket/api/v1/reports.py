"""GMV and impact reports from the analytics rollups (remarket/analytics/reports.py): the operator sees the
marketplace, a merchant its own sales, a partner manager its corners'."""

from ninja import Router, Schema
from ninja.decorators import decorate_view

from remarket.analytics.reports import dimensions_parse, gmv_report, impact_report, period_parse
from remarket.core.replica import replica_reads

from .auth import TokenAuth
from .schemas import Error

router = Router(tags=["reports"], auth=TokenAuth())


class GmvRowOut(Schema):
    key: list[str]  # the labels of the row's dimensions, in the order of `by`
    gross_eur_minor: int
    refunds_eur_minor: int
    net_eur_minor: int
    units: int
    orders: int
    new_customers: int
    returning_orders: int
    average_basket_eur_minor: int | None
    take_rate_bp: int | None
    share_bp: int | None
    yoy_bp: int | None  # net GMV growth on a year before, in basis points (3000 is +30 %)
    previous_bp: int | None  # on the period just before (QoQ for a quarter)
    new_customers_yoy_bp: int | None


class GmvReportOut(Schema):
    period: str
    since: str
    until: str  # exclusive
    by: list[str]
    scope: str
    rows: list[GmvRowOut]
    total: GmvRowOut


class CountryImpactOut(Schema):
    country: str
    units: int
    co2e_avoided_g: int
    ewaste_avoided_g: int


class ImpactReportOut(Schema):
    period: str
    units: int
    co2e_avoided_g: int
    co2e_low_g: int
    co2e_high_g: int
    ewaste_avoided_g: int
    by_country: list[CountryImpactOut]
    since_creation_co2e_g: int
    since_creation_ewaste_g: int


def _row(r) -> GmvRowOut:
    return GmvRowOut(
        key=list(r.key),
        gross_eur_minor=r.gross_eur_minor,
        refunds_eur_minor=r.refunds_eur_minor,
        net_eur_minor=r.net_eur_minor,
        units=r.units,
        orders=r.orders,
        new_customers=r.new_customers,
        returning_orders=r.returning_orders,
        average_basket_eur_minor=r.average_basket_eur_minor,
        take_rate_bp=r.take_rate_bp,
        share_bp=r.share_bp,
        yoy_bp=r.yoy_bp,
        previous_bp=r.previous_bp,
        new_customers_yoy_bp=r.new_customers_yoy_bp,
    )


@router.get("/reports/gmv", response={200: GmvReportOut, 400: Error, 403: Error})
@decorate_view(replica_reads)
def gmv(request, period: str, by: str = ""):
    """GMV over a period (`2025`, `2025-Q2`, `2025-06`, `2025-01..2025-06`) split `by` dimensions (country,
    channel, category, merchant, partner, location, month, quarter, year), in the caller's scope."""
    report = gmv_report(actor=request.actor, period=period_parse(period), by=dimensions_parse(by))
    return GmvReportOut(
        period=report.period.label,
        since=report.period.since.isoformat(),
        until=report.period.until.isoformat(),
        by=list(report.by),
        scope=report.scope,
        rows=[_row(r) for r in report.rows],
        total=_row(report.total),
    )


@router.get("/reports/impact", response={200: ImpactReportOut, 400: Error, 403: Error})
@decorate_view(replica_reads)
def impact(request, year: int | None = None):
    """Devices sold (net of refunds) and the CO2e and e-waste they avoided, in a year or since the start."""
    r = impact_report(actor=request.actor, year=year)
    return ImpactReportOut(
        period=r.label,
        units=r.units,
        co2e_avoided_g=r.co2e_avoided_g,
        co2e_low_g=r.co2e_low_g,
        co2e_high_g=r.co2e_high_g,
        ewaste_avoided_g=r.ewaste_avoided_g,
        by_country=[
            CountryImpactOut(country=c, units=u, co2e_avoided_g=co2e, ewaste_avoided_g=e)
            for c, u, co2e, e in r.by_country
        ],
        since_creation_co2e_g=r.since_creation_co2e_g,
        since_creation_ewaste_g=r.since_creation_ewaste_g,
    )
