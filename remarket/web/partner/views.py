"""The partner manager's pages: every location of their partner — sales, pickups, stock and commission per
location and per month, one location over a year, the monthly statement, CSV exports. Scoped by
orders/partner_reports.py: another partner's locations are not found."""

from django.http import Http404
from django.shortcuts import render

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.money import to_major
from remarket.ledger.periods import recent_periods
from remarket.orders.partner_payouts import partner_payouts_for
from remarket.orders.partner_reports import (
    month_parse,
    partner_location_get,
    partner_market,
    partner_of,
    partner_report,
    partner_statement_for,
)
from remarket.web.common import requires
from remarket.web.finance import csv_response, period_refused

PICKUP_COLUMNS = ("awaiting", "in_transit", "ready", "collected", "returned")
REPORT_HEADER = [
    "month",
    "location_code",
    "location",
    "town",
    "orders",
    "units",
    "gmv",
    "refunded",
    "commission",
    "currency",
    *(f"pickups_{s}" for s in PICKUP_COLUMNS),
    "stock_units",
]


def _setup(request):
    partner = partner_of(actor=request.actor)
    market = partner_market(partner.pk)
    month = month_parse(request.GET.get("month"), market.zone, clock.now())
    return partner, market, month


def _totals(rows) -> dict:
    return {
        k: sum(getattr(r, k) for r in rows)
        for k in ("orders", "units", "gmv_minor", "refunded_minor", "commission_minor", "stock_units")
    }


@requires("partner.report")
def report(request):
    try:
        partner, market, month = _setup(request)
    except DomainError as err:
        return period_refused(request, err)
    rows = partner_report(actor=request.actor, month=month)
    return render(
        request,
        "partner/report.html",
        {
            "partner": partner,
            "market": market,
            "month": month,
            "months": recent_periods(clock.now(), market.zone),
            "rows": rows,
            "totals": _totals(rows),
            "pickup_columns": PICKUP_COLUMNS,
        },
    )


@requires("partner.report")
def location(request, location_id: int):
    try:
        partner, market, _month = _setup(request)
        place = partner_location_get(actor=request.actor, location_id=location_id)
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        return period_refused(request, err)
    months = [
        (m, partner_report(actor=request.actor, month=m, location_id=place.pk)[0])
        for m in recent_periods(clock.now(), market.zone)
    ]
    return render(
        request,
        "partner/location.html",
        {"partner": partner, "market": market, "place": place, "months": months, "pickup_columns": PICKUP_COLUMNS},
    )


def _row(month, r, currency):
    major = lambda minor: to_major(minor, currency)  # noqa: E731
    return [
        f"{month:%Y-%m}",
        r.location.code,
        r.location.name,
        r.location.town,
        r.orders,
        r.units,
        major(r.gmv_minor),
        major(r.refunded_minor),
        major(r.commission_minor),
        currency,
        *(r.pickups.get(s, 0) for s in PICKUP_COLUMNS),
        r.stock_units,
    ]


@requires("partner.report")
def report_csv(request):
    try:
        partner, market, month = _setup(request)
    except DomainError as err:
        return period_refused(request, err)
    rows = partner_report(actor=request.actor, month=month)
    return csv_response(
        f"partner-{partner.pk}-{month:%Y-%m}.csv", REPORT_HEADER, [_row(month, r, market.currency) for r in rows]
    )


@requires("statement.view_partner")
def statement(request):
    try:
        partner, market, month = _setup(request)
    except DomainError as err:
        return period_refused(request, err)
    return render(
        request,
        "partner/statement.html",
        {
            "partner": partner,
            "market": market,
            "month": month,
            "months": recent_periods(clock.now(), market.zone),
            "statement": partner_statement_for(actor=request.actor, month=month),
            "payouts": partner_payouts_for(actor=request.actor),
        },
    )


PAYOUTS_HEADER = ["period", "currency", "amount", "paid_at", "ledger_transaction"]


@requires("statement.view_partner")
def payouts_csv(request):
    """Every payout of the manager's partner, one row a month (0: nothing owed, carried over)."""
    partner = partner_of(actor=request.actor)
    rows = [
        [
            f"{p.period:%Y-%m}",
            p.currency,
            to_major(p.amount_minor, p.currency),
            p.created_at.isoformat(),
            p.transaction_id or "",
        ]
        for p in partner_payouts_for(actor=request.actor)
    ]
    return csv_response(f"partner-{partner.pk}-payouts.csv", PAYOUTS_HEADER, rows)
