"""The merchant's monthly statements and payouts."""

from django.core.paginator import Paginator
from django.shortcuts import render

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.payouts import merchant_currencies, statement_build
from remarket.ledger.periods import merchant_zone, period_parse, recent_periods
from remarket.ledger.selectors import payouts_for_merchant
from remarket.merchants.selectors import merchant_get
from remarket.web.common import requires
from remarket.web.finance import STATEMENT_HEADER, csv_response, period_refused, statement_rows


def _statement(request):
    merchant = merchant_get(merchant_id=request.actor.merchant_id)
    zone = merchant_zone(merchant)
    currencies = merchant_currencies(merchant.pk) or ["EUR"]
    currency = request.GET.get("currency", currencies[0]).upper()
    period = period_parse(request.GET["period"]) if request.GET.get("period") else clock.local_month(clock.now(), zone)
    return merchant, zone, currencies, currency, period


@requires("statement.view_own")
def statements(request):
    try:
        merchant, zone, currencies, currency, period = _statement(request)
    except DomainError as err:
        return period_refused(request, err)
    statement = statement_build(merchant=merchant, currency=currency, period=period)
    payouts = {p.period: p for p in payouts_for_merchant(merchant_id=merchant.pk, currency=currency)}
    return render(
        request,
        "merchant/statements.html",
        {
            "merchant": merchant,
            "statement": statement,
            "totals": statement.totals(),
            "currency": currency,
            "lines": Paginator(statement.lines, 200).get_page(request.GET.get("page")),
            "currencies": currencies,
            "months": recent_periods(clock.now(), zone),
            "payout": payouts.get(period),
            "payouts": sorted(payouts.values(), key=lambda p: p.period, reverse=True)[:12],
            "zone": zone,
        },
    )


@requires("statement.view_own")
def statement_csv(request):
    try:
        merchant, _, _, currency, period = _statement(request)
    except DomainError as err:
        return period_refused(request, err)
    statement = statement_build(merchant=merchant, currency=currency, period=period)
    return csv_response(
        f"statement-{merchant.slug}-{period:%Y-%m}-{currency}.csv", STATEMENT_HEADER, statement_rows(statement)
    )
