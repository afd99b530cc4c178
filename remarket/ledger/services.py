"""Ledger writes. Every money movement is one balanced transaction of append-only entries, posted inside the
business write's own transaction."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.db import insert_with_children, saved
from remarket.core.errors import DomainError

from .calc import Entry, LineMoney, ShippingMoney, prorated_refund, sale_entries
from .models import Account, BalanceSnapshot, LedgerEntry, LedgerTransaction, Line
from .periods import merchant_zone
from .selectors import market_month, month_sums

__all__ = [
    "Entry",
    "ledger_post",
    "ledger_record_sale",
    "ledger_record_unhonoured_capture",
    "ledger_record_customer_refund",
    "ledger_record_refund",
    "ledger_record_partial_refund",
    "ledger_record_tax_change",
    "ledger_balance",
    "merchant_balance",
    "fees_charge",
    "balances_snapshot",
    "finance_months_close",
]


def ledger_post(
    *,
    kind: str,
    entries: list[Entry],
    order_id: int | None = None,
    suborder_id: int | None = None,
    merchant_id: int | None = None,
    period: dt.date | None = None,
    memo: str = "",
    at: dt.datetime | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction; refuses entries that do not sum to zero in each currency."""
    assert connection.in_atomic_block, "ledger_post() runs inside the business write's transaction"
    sums: dict[str, int] = defaultdict(int)
    for e in entries:
        sums[e.currency] += e.amount_minor
    unbalanced = {c: s for c, s in sums.items() if s != 0}
    if unbalanced or not entries:
        raise DomainError("LEDGER_UNBALANCED", f"A ledger transaction must sum to zero per currency: {unbalanced}.")
    at = at or clock.now()
    # one statement on PostgreSQL (two INSERTs elsewhere), without model instances for the entries (every sale
    # posts 5 to 7 of them)
    row = dict(
        kind=kind, order_id=order_id, suborder_id=suborder_id, merchant_id=merchant_id, period=period, at=at, memo=memo
    )
    txn_id = insert_with_children(
        LedgerTransaction,
        row,
        LedgerEntry,
        "transaction_id",
        [
            dict(
                account=e.account,
                line=e.line,
                at=at,
                merchant_id=e.merchant_id,
                partner_id=e.partner_id,
                amount_minor=e.amount_minor,
                currency=e.currency,
            )
            for e in entries
        ],
    )
    return saved(LedgerTransaction, txn_id, **row)


def ledger_record_unhonoured_capture(*, order_id: int, amount_minor: int, currency: str) -> LedgerTransaction:
    """Money the gateway captured for an order that will not be honoured: it holds it for us, and we owe it back
    to the customer until the refund is sent (`ledger_record_customer_refund`). No merchant is involved."""
    return ledger_post(
        kind="capture_unhonoured",
        order_id=order_id,
        memo="captured for no order, to refund",
        entries=[
            Entry(Account.GATEWAY_CLEARING, amount_minor, currency, line=Line.REFUND),
            Entry(Account.CUSTOMER_REFUNDS, -amount_minor, currency, line=Line.REFUND),
        ],
    )


def ledger_record_customer_refund(*, order_id: int, amount_minor: int, currency: str) -> LedgerTransaction:
    """The refund of such money went out through the gateway: the debt to the customer is settled."""
    return ledger_post(
        kind="customer_refund",
        order_id=order_id,
        memo="refund sent",
        entries=[
            Entry(Account.CUSTOMER_REFUNDS, amount_minor, currency, line=Line.REFUND),
            Entry(Account.GATEWAY_CLEARING, -amount_minor, currency, line=Line.REFUND),
        ],
    )


def line_money(line) -> LineMoney:
    return LineMoney(line.total_minor, line.tax_minor, line.tax_scheme, line.commission_minor)


def shipping_money(suborder) -> ShippingMoney | None:
    if not suborder.shipping_minor:
        return None
    return ShippingMoney(suborder.shipping_minor, suborder.shipping_tax_minor, suborder.shipping_tax_scheme)


def ledger_record_sale(*, suborder, lines=None) -> LedgerTransaction:
    """The money of one paid sub-order (calc.sale_entries)."""
    lines = list(suborder.lines.all()) if lines is None else lines
    return ledger_post(
        kind="sale",
        order_id=suborder.order_id,
        suborder_id=suborder.pk,
        merchant_id=suborder.merchant_id,
        entries=sale_entries(
            merchant_id=suborder.merchant_id,
            currency=lines[0].currency,
            lines=[line_money(l) for l in lines],
            shipping=shipping_money(suborder),
        ),
    )


def ledger_record_refund(*, suborder, lines, with_shipping: bool, memo: str = "") -> LedgerTransaction:
    """Whole lines given back (cancelled or refunded): their sale entries reversed exactly — sale, tax,
    commission and payable — with the shipping's when the parcel's shipping is refunded too."""
    return ledger_post(
        kind="refund",
        order_id=suborder.order_id,
        suborder_id=suborder.pk,
        merchant_id=suborder.merchant_id,
        memo=memo,
        entries=sale_entries(
            merchant_id=suborder.merchant_id,
            currency=suborder.order.currency,
            lines=[line_money(l) for l in lines],
            shipping=shipping_money(suborder) if with_shipping else None,
            sign=-1,
        ),
    )


def ledger_record_partial_refund(*, suborder, amount_minor: int, memo: str = "") -> LedgerTransaction:
    """An amount given back that is not whole lines: the sale reversed in proportion (calc.prorated_refund)."""
    sold = (
        LedgerEntry.objects.filter(transaction__suborder=suborder, transaction__kind__in=("sale", "tax_adjustment"))
        .values("account", "currency", "merchant_id", "line")
        .annotate(s=Sum("amount_minor"))
        .order_by()
    )
    entries = sorted(
        (Entry(r["account"], r["s"], r["currency"], r["merchant_id"], r["line"]) for r in sold if r["s"]),
        key=lambda e: (e.account, e.line),
    )  # the sale as it stands, its VAT scheme's changes included
    if not entries:
        raise DomainError("LEDGER_NO_SALE", _("This order was never paid; there is nothing to refund."), status=409)
    paid = sum(e.amount_minor for e in entries if e.account == Account.GATEWAY_CLEARING)
    refunded = -(
        LedgerEntry.objects.filter(
            transaction__suborder=suborder, transaction__kind="refund", account=Account.GATEWAY_CLEARING
        ).aggregate(s=Sum("amount_minor"))["s"]
        or 0
    )
    if amount_minor <= 0 or refunded + amount_minor > paid:
        raise DomainError(
            "LEDGER_REFUND_EXCEEDS",
            _("A refund of %(amount)s would exceed what is left of the sale (%(left)s).")
            % {"amount": amount_minor, "left": paid - refunded},
            status=409,
        )
    return ledger_post(
        kind="refund",
        order_id=suborder.order_id,
        suborder_id=suborder.pk,
        merchant_id=suborder.merchant_id,
        memo=memo,
        entries=prorated_refund(entries, paid_minor=paid, refunded_before=refunded, amount_minor=amount_minor),
    )


def ledger_record_tax_change(*, suborder, delta_minor: int, memo: str = "") -> LedgerTransaction:
    """The merchant changed the VAT scheme of paid lines: the buyer's price stays, the part of it that is tax
    moves by `delta_minor` between the merchant's sale and tax lines."""
    currency = suborder.order.currency
    return ledger_post(
        kind="tax_adjustment",
        order_id=suborder.order_id,
        suborder_id=suborder.pk,
        merchant_id=suborder.merchant_id,
        memo=memo,
        entries=[
            Entry(Account.MERCHANT_PAYABLE, -delta_minor, currency, suborder.merchant_id, Line.TAX),
            Entry(Account.MERCHANT_PAYABLE, delta_minor, currency, suborder.merchant_id, Line.SALE),
        ],
    )


def ledger_balance(
    *, account: str, currency: str, merchant_id: int | None = None, before: dt.datetime | None = None
) -> int:
    """The sum of an account's entries (debit positive) before a moment: the latest snapshot at or before it,
    plus the entries since."""
    # the operator's own accounts have no merchant: `merchant_id IS NULL`
    merchant = Q(merchant_id__isnull=True) if merchant_id is None else Q(merchant_id=merchant_id)
    snapshots = BalanceSnapshot.objects.filter(merchant, account=account, currency=currency)
    entries = LedgerEntry.objects.filter(merchant, account=account, currency=currency)
    if before is not None:
        snapshots = snapshots.filter(as_of__lte=before)
        entries = entries.filter(at__lt=before)
    snapshot = snapshots.order_by("-as_of").first()
    if snapshot:
        entries = entries.filter(at__gte=snapshot.as_of)
    return (snapshot.amount_minor if snapshot else 0) + (entries.aggregate(s=Sum("amount_minor"))["s"] or 0)


def merchant_balance(*, merchant_id: int, currency: str, before: dt.datetime | None = None) -> int:
    """What the marketplace owes a merchant (positive)."""
    return -ledger_balance(account=Account.MERCHANT_PAYABLE, merchant_id=merchant_id, currency=currency, before=before)


def balances_snapshot(*, as_of: dt.datetime) -> int:
    """Snapshot every account's balance before `as_of` (the worker does it at each month's start): the previous
    snapshot plus the entries since, so each month reads one month of entries. Idempotent."""
    if BalanceSnapshot.objects.filter(as_of=as_of).exists():
        return 0
    previous = (
        BalanceSnapshot.objects.filter(as_of__lt=as_of).order_by("-as_of").values_list("as_of", flat=True).first()
    )
    balances: dict[tuple, int] = defaultdict(int)
    entries = LedgerEntry.objects.filter(at__lt=as_of)
    if previous:
        for account, merchant_id, currency, amount in BalanceSnapshot.objects.filter(as_of=previous).values_list(
            "account", "merchant_id", "currency", "amount_minor"
        ):
            balances[(account, merchant_id, currency)] += amount
        entries = entries.filter(at__gte=previous)
    for row in entries.values("account", "merchant_id", "currency").annotate(s=Sum("amount_minor")).order_by():
        balances[(row["account"], row["merchant_id"], row["currency"])] += row["s"]
    with transaction.atomic():
        BalanceSnapshot.objects.bulk_create(
            [
                BalanceSnapshot(
                    account=account, merchant_id=merchant_id, currency=currency, as_of=as_of, amount_minor=amount
                )
                for (account, merchant_id, currency), amount in balances.items()
            ],
            ignore_conflicts=True,
        )
    return len(balances)


def fees_charge(*, merchants, now: dt.datetime | None = None) -> int:
    """The monthly subscription fee of each of `merchants` (the ones that pay one: merchants billing.py decides),
    for the month `now` falls in (in the merchant's time zone), in its home currency. Charged once per merchant
    and month, however often it runs (a unique constraint). Returns how many were charged."""
    from remarket.markets.models import Market

    now = now or clock.now()
    fees = settings.REMARKET["SUBSCRIPTION_FEE"]
    currencies = dict(Market.objects.values_list("code", "currency"))
    count = 0
    for merchant in merchants:
        period = clock.local_month(now, merchant_zone(merchant))
        currency = currencies.get(str(merchant.country), "EUR")
        amount = fees.get(currency)
        if not amount or LedgerTransaction.objects.filter(kind="fee", merchant=merchant, period=period).exists():
            continue
        try:
            with transaction.atomic():
                ledger_post(
                    kind="fee",
                    merchant_id=merchant.pk,
                    period=period,
                    memo=f"subscription {period:%Y-%m}",
                    entries=[
                        Entry(Account.MERCHANT_PAYABLE, amount, currency, merchant.pk, Line.FEE),
                        Entry(Account.FEES, -amount, currency, None, Line.FEE),
                    ],
                    at=now,
                )
        except IntegrityError:  # a concurrent run charged it first
            continue
        count += 1
    return count


def finance_months_close(*, now: dt.datetime | None = None) -> int:
    """Store the sums of every market's closed months not stored yet (the month's close does it), so that the
    finance page reads one row per market and month. Idempotent. Returns how many rows it stored."""
    from django.db.models import Min

    from remarket.markets.models import Market

    from .models import FinanceMonth

    now = now or clock.now()
    made = 0
    for market in Market.objects.all():
        current = market_month(market, now)
        done = FinanceMonth.objects.filter(market=market).order_by("-month").values_list("month", flat=True).first()
        if done:
            first = (done + dt.timedelta(days=32)).replace(day=1)
        else:
            oldest = LedgerEntry.objects.filter(transaction__order__market=market).aggregate(at=Min("at"))["at"]
            if oldest is None:
                continue
            first = market_month(market, oldest)
        last = (current - dt.timedelta(days=1)).replace(day=1)
        if first > last:
            continue
        rows = month_sums(market=market, first=first, last=last)
        with transaction.atomic():
            FinanceMonth.objects.bulk_create(
                [
                    FinanceMonth(
                        market=market,
                        currency=r.currency,
                        month=r.month,
                        gmv_minor=r.gmv_minor,
                        refunds_minor=r.refunds_minor,
                        commission_minor=r.commission_minor,
                        merchant_vat_minor=r.merchant_vat_minor,
                        sales_tax_minor=r.sales_tax_minor,
                    )
                    for r in rows
                ],
                ignore_conflicts=True,
            )
        made += len(rows)
    return made
