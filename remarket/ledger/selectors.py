"""Reading the ledger for finance: take rate, commission and tax collected per market and month."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from remarket.core import clock
from remarket.markets.models import Market

from .calc import take_rate_bp
from .models import Account, FinanceMonth, LedgerEntry, Line, Payout
from .periods import period_bounds


@dataclass(frozen=True)
class FinanceRow:
    market: str
    currency: str
    month: dt.date
    gmv_minor: int  # paid by buyers (incl. tax and shipping)
    refunds_minor: int  # given back (positive)
    commission_minor: int  # net of commission given back on refunds
    merchant_vat_minor: int  # VAT collected in the merchants' names (they declare it)
    sales_tax_minor: int  # US sales tax the marketplace remits

    @property
    def net_gmv_minor(self) -> int:
        return self.gmv_minor - self.refunds_minor

    @property
    def take_rate_bp(self) -> int | None:
        """Commission over net GMV, in basis points."""
        return take_rate_bp(commission_minor=self.commission_minor, net_gmv_minor=self.net_gmv_minor)


SUMS = dict(
    gmv=Sum("amount_minor", filter=Q(account=Account.GATEWAY_CLEARING, transaction__kind="sale")),
    refunds=Sum("amount_minor", filter=Q(account=Account.GATEWAY_CLEARING, transaction__kind="refund")),
    commission=Sum("amount_minor", filter=Q(account=Account.COMMISSION)),
    merchant_vat=Sum("amount_minor", filter=Q(account=Account.MERCHANT_PAYABLE, line=Line.TAX)),
    sales_tax=Sum("amount_minor", filter=Q(account=Account.TAX_PAYABLE)),
)


def month_sums(*, market: Market, first: dt.date, last: dt.date) -> list[FinanceRow]:
    """A market's money per month (its own months, in its time zone) from the ledger: one grouped query."""
    zone = market.zone
    start, _ = period_bounds(first, zone)
    _, end = period_bounds(last, zone)
    # read as mappings: the plugin types a values() row by its literal keys and cannot see the **SUMS ones
    grouped: Iterable[Mapping[str, Any]] = (
        LedgerEntry.objects.filter(transaction__order__market=market, at__gte=start, at__lt=end)
        .annotate(month=TruncMonth("at", tzinfo=zone))
        .values("month", "currency")
        .annotate(**SUMS)
        .order_by("month", "currency")
    )
    return [
        FinanceRow(
            market.code,
            g["currency"],
            g["month"].date() if hasattr(g["month"], "date") else g["month"],
            g["gmv"] or 0,
            -(g["refunds"] or 0),
            -(g["commission"] or 0),
            -(g["merchant_vat"] or 0),
            -(g["sales_tax"] or 0),
        )
        for g in grouped
    ]


def market_month(market: Market, now: dt.datetime) -> dt.date:
    return market.local_month(now)


def finance_by_market(*, first: dt.date, last: dt.date) -> list[FinanceRow]:
    """Per market and month, from `first` to `last` inclusive: closed months from their stored sums
    (`FinanceMonth`, written by the month's close), the current month — and any closed month not stored
    yet — from the ledger."""
    rows = []
    for market in Market.objects.order_by("code"):
        current = market_month(market, clock.now())
        stored = [
            FinanceRow(
                market.code,
                f.currency,
                f.month,
                f.gmv_minor,
                f.refunds_minor,
                f.commission_minor,
                f.merchant_vat_minor,
                f.sales_tax_minor,
            )
            for f in FinanceMonth.objects.filter(
                market=market, month__gte=first, month__lte=last, month__lt=current
            ).order_by("month", "currency")
        ]
        closed_until = max((r.month for r in stored), default=None)
        live_from = (closed_until + dt.timedelta(days=32)).replace(day=1) if closed_until else first
        if live_from <= last:
            rows += stored + month_sums(market=market, first=live_from, last=last)
        else:
            rows += stored
    return rows


def finance_totals(rows: list[FinanceRow]) -> list[FinanceRow]:
    """The rows summed per market and currency over their months, by market (each dated by its first month):
    the take rate of a period is its commission over its net GMV (`FinanceRow.take_rate_bp`), never an average
    of the months' rates."""
    totals: dict[tuple[str, str], FinanceRow] = {}
    for r in rows:
        t = totals.get((r.market, r.currency))
        totals[(r.market, r.currency)] = (
            r
            if t is None
            else FinanceRow(
                r.market,
                r.currency,
                min(t.month, r.month),
                t.gmv_minor + r.gmv_minor,
                t.refunds_minor + r.refunds_minor,
                t.commission_minor + r.commission_minor,
                t.merchant_vat_minor + r.merchant_vat_minor,
                t.sales_tax_minor + r.sales_tax_minor,
            )
        )
    return [totals[key] for key in sorted(totals)]


def fees_by_month(*, first: dt.date, last: dt.date) -> dict[tuple[dt.date, str], int]:
    """Subscription fees earned, by month charged and currency."""
    return {
        (period, currency): -total
        for period, currency, total in LedgerEntry.objects.filter(
            account=Account.FEES, transaction__period__gte=first, transaction__period__lte=last
        )
        .values_list("transaction__period", "currency")
        .annotate(s=Sum("amount_minor"))
        .order_by()
    }


def payout_find(*, merchant_id: int, currency: str, period: dt.date) -> Payout | None:
    return Payout.objects.filter(merchant_id=merchant_id, currency=currency, period=period).first()


def payouts_for_merchant(*, merchant_id: int, currency: str | None = None) -> list[Payout]:
    """The merchant's payouts, latest period first (in one currency if given)."""
    qs = Payout.objects.filter(merchant_id=merchant_id)
    return list((qs if currency is None else qs.filter(currency=currency)).order_by("-period"))


def payouts_by_month(*, first: dt.date, last: dt.date) -> QuerySet:
    """Per period and currency from `first` to `last`: how many payouts (`n`) and their sum (`paid`), latest first."""
    return (
        Payout.objects.filter(period__gte=first, period__lte=last)
        .values("period", "currency")
        .annotate(n=Count("pk"), paid=Sum("amount_minor"))
        .order_by("-period", "currency")
    )


def payouts_count(*, period: dt.date) -> int:
    return Payout.objects.filter(period=period).count()
