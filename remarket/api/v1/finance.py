"""Money: a merchant's statements and payouts (merchant token); take rate, commission and tax per market and
the payout run (operator token)."""

import datetime as dt

from ninja import Router, Schema

from remarket.accounts.permissions import require
from remarket.ledger.models import Payout
from remarket.ledger.payouts import merchant_currencies, statement_build
from remarket.ledger.periods import period_parse
from remarket.ledger.selectors import finance_by_market, payout_find, payouts_for_merchant
from remarket.merchants.billing import merchant_payouts_run
from remarket.merchants.selectors import merchant_get

from .auth import TokenAuth
from .schemas import Error

router = Router(tags=["finance"], auth=TokenAuth())


class StatementLineOut(Schema):
    at: dt.datetime
    kind: str
    line: str
    amount_minor: int
    order_id: int | None
    suborder_id: int | None
    memo: str


class StatementOut(Schema):
    merchant_id: int
    currency: str
    period: str  # YYYY-MM, in the merchant's time zone
    start: dt.datetime
    end: dt.datetime
    opening_minor: int
    closing_minor: int
    totals: dict[str, int]
    lines: list[StatementLineOut]
    payout_minor: int | None


class PayoutOut(Schema):
    merchant_id: int
    currency: str
    period: str
    opening_minor: int
    movements_minor: int
    amount_minor: int
    created_at: dt.datetime


class FinanceRowOut(Schema):
    market: str
    currency: str
    month: str
    gmv_minor: int
    refunds_minor: int
    commission_minor: int
    take_rate_bp: int | None
    merchant_vat_minor: int
    sales_tax_minor: int


def _payout_out(p: Payout) -> PayoutOut:
    return PayoutOut(
        merchant_id=p.merchant_id,
        currency=p.currency,
        period=f"{p.period:%Y-%m}",
        opening_minor=p.opening_minor,
        movements_minor=p.movements_minor,
        amount_minor=p.amount_minor,
        created_at=p.created_at,
    )


@router.get("/merchant/statements/{period}", response={200: StatementOut, 400: Error})
def statement(request, period: str, currency: str | None = None):
    """The token's merchant's statement for a month (YYYY-MM): opening balance, every line, closing balance;
    positive amounts are owed to the merchant."""
    require(request.actor, "statement.view_own")
    merchant = merchant_get(merchant_id=request.actor.merchant_id)
    month = period_parse(period)
    currency = (currency or (merchant_currencies(merchant.pk) or ["EUR"])[0]).upper()
    s = statement_build(merchant=merchant, currency=currency, period=month)
    payout = payout_find(merchant_id=merchant.pk, currency=currency, period=month)
    return StatementOut(
        merchant_id=merchant.pk,
        currency=currency,
        period=f"{month:%Y-%m}",
        start=s.start,
        end=s.end,
        opening_minor=s.opening_minor,
        closing_minor=s.closing_minor,
        totals=s.totals(),
        lines=[
            StatementLineOut(
                at=l.at,
                kind=l.kind,
                line=l.line,
                amount_minor=l.amount_minor,
                order_id=l.order_id,
                suborder_id=l.suborder_id,
                memo=l.memo,
            )
            for l in s.lines
        ],
        payout_minor=payout.amount_minor if payout else None,
    )


@router.get("/merchant/payouts", response=list[PayoutOut])
def payouts(request):
    require(request.actor, "statement.view_own")
    return [_payout_out(p) for p in payouts_for_merchant(merchant_id=request.actor.merchant_id)]


@router.get("/ops/finance", response={200: list[FinanceRowOut], 400: Error})
def finance(request, first: str, last: str):
    """Per market and month from `first` to `last` (YYYY-MM, inclusive): GMV, refunds, commission, take rate,
    VAT collected in the merchants' names and US sales tax the marketplace remits."""
    require(request.actor, "finance.view")
    rows = finance_by_market(first=period_parse(first), last=period_parse(last))
    return [
        FinanceRowOut(
            market=r.market,
            currency=r.currency,
            month=f"{r.month:%Y-%m}",
            gmv_minor=r.gmv_minor,
            refunds_minor=r.refunds_minor,
            commission_minor=r.commission_minor,
            take_rate_bp=r.take_rate_bp,
            merchant_vat_minor=r.merchant_vat_minor,
            sales_tax_minor=r.sales_tax_minor,
        )
        for r in rows
    ]


@router.post("/ops/payouts/{period}", response={200: list[PayoutOut], 400: Error, 409: Error})
def payouts_make(request, period: str):
    """Pay every merchant for a closed month; merchants already paid for it are skipped, so it can be repeated."""
    require(request.actor, "payout.run")
    return [_payout_out(p) for p in merchant_payouts_run(period=period_parse(period))]
