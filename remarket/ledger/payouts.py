"""Merchant statements and payouts.

A statement covers one merchant, one currency and one month in the merchant's time zone (its home market's):
the balance owed when the month began, every entry of its payable account during the month (sales, tax
collected in its name, shipping, commissions, the subscription fee, refunds, the previous payout), and the
closing balance. Amounts are as the merchant reads them: positive is owed to the merchant.

A payout settles a closed month: it pays the closing balance when positive (a negative one is carried over and
nothing is paid; what payouts of earlier months made after the month's end paid already is not paid again) and posts `merchant_payable +amount / bank −amount`. There is one payout per merchant, currency
and month (a unique constraint), so running payouts again pays nobody twice."""

import datetime as dt
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.db import advisory_lock
from remarket.core.errors import DomainError
from remarket.events.outbox import emit

from .models import Account, LedgerEntry, Line, Payout
from .periods import merchant_zone, period_bounds
from .services import Entry, ledger_post, merchant_balance


@dataclass(frozen=True)
class StatementLine:
    at: dt.datetime
    kind: str  # the transaction's: sale, refund, fee, payout, tax_adjustment
    line: str  # sale, tax, shipping, commission, fee, payout
    amount_minor: int  # positive: owed to the merchant
    transaction_id: int
    order_id: int | None
    suborder_id: int | None
    memo: str


@dataclass
class Statement:
    merchant_id: int
    currency: str
    period: dt.date
    start: dt.datetime
    end: dt.datetime
    opening_minor: int
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def movements_minor(self) -> int:
        return sum(l.amount_minor for l in self.lines)

    @property
    def closing_minor(self) -> int:
        return self.opening_minor + self.movements_minor

    def totals(self) -> dict[str, int]:
        """Per line kind, refunds apart from sales: what a statement's summary shows."""
        sums: dict[str, int] = defaultdict(int)
        for l in self.lines:
            sums[f"refund_{l.line}" if l.kind == "refund" else l.line] += l.amount_minor
        return dict(sums)


def merchant_currencies(merchant_id: int) -> list[str]:
    return sorted(
        set(
            LedgerEntry.objects.filter(account=Account.MERCHANT_PAYABLE, merchant_id=merchant_id)
            .values_list("currency", flat=True)
            .distinct()
        )
    )


def statement_build(*, merchant, currency: str, period: dt.date) -> Statement:
    period = period.replace(day=1)
    start, end = period_bounds(period, merchant_zone(merchant))
    statement = Statement(
        merchant.pk,
        currency,
        period,
        start,
        end,
        opening_minor=merchant_balance(merchant_id=merchant.pk, currency=currency, before=start),
    )
    rows = (
        LedgerEntry.objects.filter(
            account=Account.MERCHANT_PAYABLE, merchant_id=merchant.pk, currency=currency, at__gte=start, at__lt=end
        )
        .order_by("at", "pk")
        .values_list(
            "at",
            "transaction__kind",
            "line",
            "amount_minor",
            "transaction_id",
            "transaction__order_id",
            "transaction__suborder_id",
            "transaction__memo",
        )
    )
    statement.lines = [
        StatementLine(at, kind, line, -amount, txn, order, sub, memo)
        for at, kind, line, amount, txn, order, sub, memo in rows
        if at is not None  # always: the period's bounds leave out a NULL `at`
    ]
    return statement


def _payout_payload(payout, **owner: int) -> dict:
    return {
        "payout_id": payout.pk,
        **owner,
        "currency": payout.currency,
        "period": f"{payout.period:%Y-%m}",
        "amount_minor": payout.amount_minor,
    }


def _payout_lock_key(merchant_id: int) -> int:
    return zlib.crc32(f"payout|{merchant_id}".encode()) - 2**31


def payout_create(*, merchant, currency: str, period: dt.date) -> Payout:
    """Settle a closed month: pay its closing balance (if positive). A second payout for the same merchant,
    currency and month is refused."""
    period = period.replace(day=1)
    start, end = period_bounds(period, merchant_zone(merchant))
    if clock.now() < end:
        raise DomainError(
            "PAYOUT_PERIOD_OPEN",
            _("%(period)s is not over yet; a payout settles a closed month.") % {"period": f"{period:%Y-%m}"},
            status=409,
        )
    already = DomainError(
        "PAYOUT_ALREADY_MADE",
        _("%(merchant)s was already paid for %(period)s in %(currency)s.")
        % {"merchant": merchant, "period": f"{period:%Y-%m}", "currency": currency},
        status=409,
    )
    try:
        with transaction.atomic():
            # one payout computation per merchant at a time: two runs settling different months at once would
            # each miss the other's payout in `settled_since`
            advisory_lock(_payout_lock_key(merchant.pk))
            if Payout.objects.filter(merchant=merchant, currency=currency, period=period).exists():
                raise already
            statement = statement_build(merchant=merchant, currency=currency, period=period)
            # payouts of earlier months made after this one ended settled part of its closing balance already
            settled_since = (
                LedgerEntry.objects.filter(
                    account=Account.MERCHANT_PAYABLE,
                    merchant=merchant,
                    currency=currency,
                    line=Line.PAYOUT,
                    at__gte=end,
                ).aggregate(s=Sum("amount_minor"))["s"]
                or 0
            )
            amount = max(0, statement.closing_minor - settled_since)
            txn = None
            if amount:
                txn = ledger_post(
                    kind="payout",
                    merchant_id=merchant.pk,
                    period=period,
                    memo=f"payout {period:%Y-%m}",
                    entries=[
                        Entry(Account.MERCHANT_PAYABLE, amount, currency, merchant.pk, Line.PAYOUT),
                        Entry(Account.BANK, -amount, currency, None, Line.PAYOUT),
                    ],
                )
            payout = Payout.objects.create(
                merchant=merchant,
                currency=currency,
                period=period,
                period_start=start,
                period_end=end,
                opening_minor=statement.opening_minor,
                movements_minor=statement.movements_minor,
                amount_minor=amount,
                transaction=txn,
                created_at=clock.now(),
            )
            if amount:  # money left for the merchant's bank (a webhook's topic); 0 carries the balance over
                emit("payout.made", _payout_payload(payout, merchant_id=merchant.pk))
            return payout
    except IntegrityError:  # a concurrent run made it first
        raise already from None


def payouts_run(*, period: dt.date, merchants: dict, progress=None) -> list[Payout]:
    """The payouts of a closed month of `merchants` (merchant instances by id: the caller's lookup, merchants
    billing.py), in each currency each earned in; those already made are skipped, so the run can be repeated
    after a crash or by a second worker. Returns the payouts made now."""
    period = period.replace(day=1)
    done = set(Payout.objects.filter(period=period).values_list("merchant_id", "currency"))
    pairs = sorted(
        set(
            LedgerEntry.objects.filter(account=Account.MERCHANT_PAYABLE, merchant__isnull=False)
            .values_list("merchant_id", "currency")
            .distinct()
        )
    )
    made = []
    for merchant_id, currency in pairs:
        if (merchant_id, currency) in done or merchant_id not in merchants:
            continue
        try:
            made.append(payout_create(merchant=merchants[merchant_id], currency=currency, period=period))
        except DomainError as err:
            if err.code not in ("PAYOUT_ALREADY_MADE", "PAYOUT_PERIOD_OPEN"):
                raise
        if progress:
            progress()
    return made


def payout_lines(*, period: dt.date):
    """The payouts of a month with their merchant, for the operator's export."""
    return (
        Payout.objects.filter(period=period.replace(day=1))
        .select_related("merchant")
        .order_by("merchant__name", "currency")
    )


def ledger_journal(*, start: dt.datetime, end: dt.datetime):
    """Every entry between two moments, in posting order, for the operator's accounting export."""
    return (
        LedgerEntry.objects.filter(at__gte=start, at__lt=end)
        .order_by("transaction_id", "pk")
        .values_list(
            "transaction_id",
            "at",
            "transaction__kind",
            "account",
            "line",
            "merchant_id",
            "merchant__name",
            "amount_minor",
            "currency",
            "transaction__order_id",
            "transaction__suborder_id",
            "transaction__memo",
        )
    )
