import datetime as dt

from django.shortcuts import render

from remarket.analytics.selectors import CHANNEL_KINDS, gmv_by_country_channel
from remarket.core import clock
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
