"""Retail partners' money: the commission a partner earns on sales at its locations, its monthly statement and
payout — the merchants' shape (ledger/payouts.py) on the partner's own account.

The partner's commission is a share of the operator's: each sale at (or collected at) one of its locations
posts `commission_revenue +x / partner_payable −x` for the partner, in the sale's transaction; a refund of
those lines posts the same with the signs reversed. The caller works out the amounts (orders/partners.py)
and passes them: the ledger reads no catalog, order or market model."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import emit

from .models import Account, LedgerEntry, LedgerTransaction, Line, PartnerPayout
from .services import Entry, ledger_post

SALE_KIND = "partner_commission"
REFUND_KIND = "partner_commission_refund"
PAYOUT_KIND = "partner_payout"


def partner_commission_entries(*, partner_id: int, amount_minor: int, currency: str, sign: int = 1) -> list[Entry]:
    """The balanced pair of a partner's commission (sign −1: its reversal)."""
    return [
        Entry(Account.COMMISSION, sign * amount_minor, currency, None, Line.PARTNER_COMMISSION),
        Entry(Account.PARTNER_PAYABLE, -sign * amount_minor, currency, None, Line.PARTNER_COMMISSION, partner_id),
    ]


def ledger_record_partner_commission(
    *,
    order_id: int,
    suborder_id: int,
    partner_id: int,
    amount_minor: int,
    currency: str,
    refund: bool = False,
    at: dt.datetime | None = None,
) -> LedgerTransaction | None:
    """Post a partner's commission on a paid sub-order's lines (or reverse it for refunded lines); nothing for 0.
    `at`: the sale's moment, for history written after the fact (the demo); now otherwise."""
    if amount_minor <= 0:
        return None
    return ledger_post(
        kind=REFUND_KIND if refund else SALE_KIND,
        order_id=order_id,
        suborder_id=suborder_id,
        memo=f"partner {partner_id} commission{' reversed' if refund else ''}",
        entries=partner_commission_entries(
            partner_id=partner_id, amount_minor=amount_minor, currency=currency, sign=-1 if refund else 1
        ),
        at=at,
    )


def partner_balance(*, partner_id: int, currency: str, before: dt.datetime | None = None) -> int:
    """What the marketplace owes a partner (positive), from its entries."""
    entries = LedgerEntry.objects.filter(account=Account.PARTNER_PAYABLE, partner_id=partner_id, currency=currency)
    if before is not None:
        entries = entries.filter(at__lt=before)
    return -(entries.aggregate(s=Sum("amount_minor"))["s"] or 0)


@dataclass(frozen=True)
class PartnerStatementLine:
    at: dt.datetime
    kind: str  # partner_commission, partner_commission_refund, partner_payout
    amount_minor: int  # positive: owed to the partner
    order_id: int | None
    suborder_id: int | None
    memo: str


@dataclass
class PartnerStatement:
    partner_id: int
    currency: str
    period: dt.date
    start: dt.datetime
    end: dt.datetime
    opening_minor: int
    lines: list[PartnerStatementLine] = field(default_factory=list)

    def total(self, kind: str) -> int:
        return sum(l.amount_minor for l in self.lines if l.kind == kind)

    @property
    def commission_minor(self) -> int:
        return self.total(SALE_KIND)

    @property
    def reversed_minor(self) -> int:
        return self.total(REFUND_KIND)

    @property
    def movements_minor(self) -> int:
        return sum(l.amount_minor for l in self.lines)

    @property
    def closing_minor(self) -> int:
        return self.opening_minor + self.movements_minor


def partner_statement(
    *, partner_id: int, currency: str, period: dt.date, start: dt.datetime, end: dt.datetime
) -> PartnerStatement:
    """One partner's month (`start` to `end`, exclusive, the caller's zone): the balance owed when it began,
    every entry of its account during it, and the closing balance."""
    rows = (
        LedgerEntry.objects.filter(
            account=Account.PARTNER_PAYABLE, partner_id=partner_id, currency=currency, at__gte=start, at__lt=end
        )
        .select_related("transaction")
        .order_by("at", "pk")
    )
    return PartnerStatement(
        partner_id=partner_id,
        currency=currency,
        period=period,
        start=start,
        end=end,
        opening_minor=partner_balance(partner_id=partner_id, currency=currency, before=start),
        lines=[
            PartnerStatementLine(
                at=e.at,
                kind=e.transaction.kind,
                amount_minor=-e.amount_minor,
                order_id=e.transaction.order_id,
                suborder_id=e.transaction.suborder_id,
                memo=e.transaction.memo,
            )
            for e in rows
            if e.at is not None  # always: the period's bounds leave out a NULL `at`
        ],
    )


def partner_payout_run(
    *, partner_id: int, currency: str, period: dt.date, start: dt.datetime, end: dt.datetime
) -> PartnerPayout:
    """Settle a closed month: pay the closing balance when positive (`partner_payable +x / bank −x`), else record
    a payout of 0 (carried over). Once per partner, currency and month, however often it runs."""
    if end > clock.now():
        raise DomainError("PAYOUT_PERIOD_OPEN", _("This month is not over yet; it is paid once it has ended."))
    done = PartnerPayout.objects.filter(partner_id=partner_id, currency=currency, period=period).first()
    if done is not None:
        return done
    owed = partner_balance(partner_id=partner_id, currency=currency, before=end)
    # what payouts after the month's end paid already was owed before it too: not paid twice
    paid_since = (
        LedgerEntry.objects.filter(
            account=Account.PARTNER_PAYABLE,
            partner_id=partner_id,
            currency=currency,
            at__gte=end,
            transaction__kind=PAYOUT_KIND,
        ).aggregate(s=Sum("amount_minor"))["s"]
        or 0
    )
    amount = max(0, owed - paid_since)
    now = clock.now()
    try:
        with transaction.atomic():
            txn = None
            if amount:
                txn = ledger_post(
                    kind=PAYOUT_KIND,
                    period=period,
                    memo=f"partner {partner_id} payout {period:%Y-%m}",
                    entries=[
                        Entry(Account.PARTNER_PAYABLE, amount, currency, None, Line.PAYOUT, partner_id),
                        Entry(Account.BANK, -amount, currency, None, Line.PAYOUT),
                    ],
                    at=now,
                )
            payout = PartnerPayout.objects.create(
                partner_id=partner_id,
                currency=currency,
                period=period,
                amount_minor=amount,
                transaction=txn,
                created_at=now,
            )
            if amount:  # money left for the partner's bank (a webhook's topic); 0 carries the balance over
                emit(
                    "partner_payout.made",
                    {
                        "partner_payout_id": payout.pk,
                        "partner_id": partner_id,
                        "currency": currency,
                        "period": f"{period:%Y-%m}",
                        "amount_minor": amount,
                    },
                )
            return payout
    except IntegrityError:  # a concurrent run paid it first
        return PartnerPayout.objects.get(partner_id=partner_id, currency=currency, period=period)
