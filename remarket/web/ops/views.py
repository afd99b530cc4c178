import datetime as dt

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render

from remarket.analytics.selectors import CHANNEL_KINDS, gmv_by_country_channel
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.merchants.models import Merchant, MerchantMetrics
from remarket.merchants.services import merchant_status_set
from remarket.impact.calc import SOURCE, UNCERTAINTY, factors, with_range
from remarket.web.common import requires


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


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
    rows = [{"country": c, "cells": [table.cells.get((c, k), 0) for k in CHANNEL_KINDS],
             "total": sum(table.cells.get((c, k), 0) for k in CHANNEL_KINDS)} for c in table.countries]
    chart = {"labels": [m.strftime("%Y-%m") for m in table.months],
             "series": [{"label": k, "data": [v / 100 for v in table.by_month.get(k, [])]} for k in CHANNEL_KINDS]}
    co2_low, co2_high = with_range(table.co2e_avoided_g)
    return render(request, "ops/dashboard.html", {
        "since": since, "until": until, "months": months, "kinds": CHANNEL_KINDS, "rows": rows, "table": table,
        "chart": chart, "co2_low": co2_low, "co2_high": co2_high, "source": SOURCE,
        "uncertainty": int(UNCERTAINTY * 100), "factors": factors().values()})


@requires("merchant.manage")
def quality(request):
    """Every merchant's latest quality review, worst first, with the operator's status decisions."""
    if request.method == "POST":
        try:
            merchant_status_set(merchant_id=int(request.POST.get("merchant_id") or 0),
                                status=request.POST.get("status", ""))
        except (DomainError, Merchant.DoesNotExist, ValueError) as err:
            messages.error(request, getattr(err, "message", "Unknown merchant."))
        else:
            messages.success(request, "Status changed.")
        return redirect("ops-quality")
    latest = MerchantMetrics.objects.filter(merchant=OuterRef("pk")).order_by("-computed_at")
    merchants = (Merchant.objects.annotate(
        orders=Subquery(latest.values("orders")[:1]), cancel_bp=Subquery(latest.values("cancellation_rate_bp")[:1]),
        late_bp=Subquery(latest.values("late_shipment_rate_bp")[:1]), reviewed_at=Subquery(latest.values("computed_at")[:1]))
        .order_by("quality_score", "name"))
    return render(request, "ops/quality.html", {"merchants": merchants, "statuses": Merchant.Status.choices})
