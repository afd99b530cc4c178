"""The public impact page: what the marketplace's refurbished devices avoided so far, and how it is counted."""

from django.shortcuts import render

from remarket.analytics.selectors import impact_totals
from remarket.impact.calc import factors

from .views import _market


def impact(request, market):
    return render(
        request,
        "storefront/impact.html",
        {"market": _market(market), "totals": impact_totals(), "factors": factors().values()},
    )
