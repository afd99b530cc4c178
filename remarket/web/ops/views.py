import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from remarket.analytics.locations import gmv_by_partner_and_location
from remarket.analytics.reports import dashboard_series
from remarket.analytics.selectors import CHANNEL_KINDS, gmv_by_country_channel, impact_totals
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.money import to_major
from remarket.impact.calc import factors
from remarket.ledger.payouts import ledger_journal, payout_lines
from remarket.ledger.periods import period_bounds, period_parse
from remarket.ledger.selectors import fees_by_month, finance_by_market, finance_totals, payouts_by_month
from remarket.markets.models import Channel
from remarket.merchants.models import Merchant
from remarket.merchants.selectors import merchants_with_latest_metrics
from remarket.merchants.services import merchant_status_set
from remarket.web.common import requires
from remarket.web.finance import csv_response, period_refused


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _kind_label(kind: str) -> str:
    try:
        return str(Channel.Kind(kind).label)
    except ValueError:
        return kind


@requires("ops.dashboard")
def dashboard(request):
    """GMV by country × channel (EUR at each month's rate) and impact avoided, over the last 12 months."""
    this_month = clock.now().date().replace(day=1)
    try:
        months = max(1, min(int(request.GET.get("months", "12")), 60))
    except ValueError:
        months = 12
    since, until = _month_add(this_month, 1 - months), _month_add(this_month, 1)
    table = gmv_by_country_channel(since=since, until=until)
    rows = [
        {
            "country": c,
            "cells": [table.cells.get((c, k), 0) for k in CHANNEL_KINDS],
            "total": sum(table.cells.get((c, k), 0) for k in CHANNEL_KINDS),
        }
        for c in table.countries
    ]
    chart = {
        "labels": [m.strftime("%Y-%m") for m in table.months],
        "series": [
            {"label": _kind_label(k), "data": [float(to_major(v, "EUR")) for v in table.by_month.get(k, [])]}
            for k in CHANNEL_KINDS
        ],
    }
    partners, places, places_selling = gmv_by_partner_and_location(since=since, until=until)
    series = dashboard_series(actor=request.actor)
    story = {
        "years": series.years,
        "by_country": [
            {"label": c, "data": [float(to_major(v, "EUR")) for v in values]}
            for c, values in series.gmv_by_year_country.items()
        ],
        "quarters": series.quarters,
        "mix": [
            {"label": _kind_label(k), "data": [v / 100 for v in values]} for k, values in series.channel_mix_bp.items()
        ],
        "yoy": [None if v is None else v / 100 for v in series.gmv_yoy_bp],
        "new_customers": series.new_customers,
        "new_customers_yoy": [None if v is None else v / 100 for v in series.new_customers_yoy_bp],
    }
    return render(
        request,
        "ops/dashboard.html",
        {
            "since": since,
            "until": until,
            "months": months,
            "kinds": CHANNEL_KINDS,
            "kind_labels": [_kind_label(k) for k in CHANNEL_KINDS],
            "rows": rows,
            "table": table,
            "chart": chart,
            "story": story,
            "impact_all": impact_totals(),
            "factors": factors().values(),
            "partners": partners,
            "places": places,
            "places_selling": places_selling,
        },
    )


@requires("merchant.manage")
def quality(request):
    """Every merchant's latest quality review, worst first, with the operator's status decisions."""
    if request.method == "POST":
        try:
            merchant_status_set(
                merchant_id=int(request.POST.get("merchant_id") or 0), status=request.POST.get("status", "")
            )
        except (DomainError, Merchant.DoesNotExist, ValueError) as err:
            messages.error(request, getattr(err, "message", _("Unknown merchant.")))
        else:
            messages.success(request, _("Status changed."))
        return redirect("ops-quality")
    merchants = merchants_with_latest_metrics()
    return render(request, "ops/quality.html", {"merchants": merchants, "statuses": Merchant.Status.choices})


def _period_or(request, name: str, default: dt.date) -> dt.date:
    text = request.GET.get(name)
    return period_parse(text) if text else default


@requires("finance.view")
def finance(request):
    """Take rate, commission and tax collected per market and month; fees; payouts; exports."""
    this_month = clock.now().date().replace(day=1)
    try:
        first = _period_or(request, "from", _month_add(this_month, -11))
        last = _period_or(request, "to", this_month)
    except DomainError as err:
        return period_refused(request, err)
    rows = finance_by_market(first=first, last=last)
    totals = finance_totals(rows)
    months = sorted({r.month for r in rows})
    chart = {
        "labels": [m.strftime("%Y-%m") for m in months],
        "series": [
            {
                "label": f"{market} ({currency})",
                "data": [
                    next(
                        (
                            float(to_major(r.commission_minor, currency))
                            for r in rows
                            if (r.market, r.currency, r.month) == (market, currency, m)
                        ),
                        0,
                    )
                    for m in months
                ],
            }
            for market, currency in ((t.market, t.currency) for t in totals)
        ],
    }
    return render(
        request,
        "ops/finance.html",
        {
            "first": first,
            "last": last,
            "rows": rows,
            "totals": totals,
            "fees": sorted(fees_by_month(first=first, last=last).items(), reverse=True),
            "chart": chart,
            "payouts": payouts_by_month(first=first, last=last),
        },
    )


@requires("finance.view")
def journal_csv(request):
    """Every ledger entry of a month (UTC), for the operator's accounting."""
    try:
        period = period_parse(request.GET.get("period", ""))
    except DomainError as err:
        return period_refused(request, err)
    start, end = period_bounds(period, dt.UTC)
    rows = (
        [
            txn,
            at.isoformat(),
            kind,
            account,
            line,
            merchant_id or "",
            merchant or "",
            to_major(amount, currency),
            currency,
            order or "",
            sub or "",
            memo,
        ]
        for txn, at, kind, account, line, merchant_id, merchant, amount, currency, order, sub, memo in ledger_journal(
            start=start, end=end
        ).iterator()
    )
    return csv_response(
        f"ledger-{period:%Y-%m}.csv",
        [
            "transaction",
            "at",
            "kind",
            "account",
            "line",
            "merchant_id",
            "merchant",
            "amount",
            "currency",
            "order",
            "suborder",
            "memo",
        ],
        rows,
    )


@requires("finance.view")
def payouts_csv(request):
    try:
        period = period_parse(request.GET.get("period", ""))
    except DomainError as err:
        return period_refused(request, err)
    rows = (
        [
            p.merchant_id,
            p.merchant.name,
            p.currency,
            f"{p.period:%Y-%m}",
            to_major(p.opening_minor, p.currency),
            to_major(p.movements_minor, p.currency),
            to_major(p.amount_minor, p.currency),
            p.transaction_id or "",
            p.created_at.isoformat(),
        ]
        for p in payout_lines(period=period)
    )
    return csv_response(
        f"payouts-{period:%Y-%m}.csv",
        ["merchant_id", "merchant", "currency", "period", "opening", "movements", "paid", "transaction", "created_at"],
        rows,
    )
