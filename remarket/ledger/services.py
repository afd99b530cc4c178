from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from remarket.core import clock
from remarket.core.errors import DomainError

from .calc import sale_split
from .models import Account, LedgerEntry, LedgerTransaction


@dataclass(frozen=True)
class Entry:
    account: str
    amount_minor: int
    currency: str
    merchant_id: int | None = None


def ledger_post(*, kind: str, entries: list[Entry], order_id: int | None = None, suborder_id: int | None = None,
                memo: str = "") -> LedgerTransaction:
    """Write one balanced transaction; refuses entries that do not sum to zero in each currency."""
    assert connection.in_atomic_block, "ledger_post() runs inside the business write's transaction"
    sums: dict[str, int] = defaultdict(int)
    for e in entries:
        sums[e.currency] += e.amount_minor
    unbalanced = {c: s for c, s in sums.items() if s != 0}
    if unbalanced or not entries:
        raise DomainError("LEDGER_UNBALANCED", f"A ledger transaction must sum to zero per currency: {unbalanced}.")
    txn = LedgerTransaction.objects.create(kind=kind, order_id=order_id, suborder_id=suborder_id, at=clock.now(),
                                           memo=memo)
    LedgerEntry.objects.bulk_create([LedgerEntry(transaction=txn, account=e.account, merchant_id=e.merchant_id,
                                                 amount_minor=e.amount_minor, currency=e.currency) for e in entries])
    return txn


def ledger_record_sale(*, suborder) -> LedgerTransaction:
    """The money of one paid sub-order: the gateway holds the gross, the operator earns its commission,
    the merchant is owed the rest."""
    split = sale_split(gross_minor=suborder.total_minor, commission_bp=suborder.merchant.commission_bp)
    currency = suborder.order.currency
    return ledger_post(kind="sale", order_id=suborder.order_id, suborder_id=suborder.pk, entries=[
        Entry(Account.GATEWAY_CLEARING, split.gross_minor, currency),
        Entry(Account.COMMISSION, -split.commission_minor, currency),
        Entry(Account.MERCHANT_PAYABLE, -split.merchant_minor, currency, suborder.merchant_id),
    ])


def ledger_record_refund(*, suborder, amount_minor: int, memo: str = "") -> LedgerTransaction:
    """Money given back on a sub-order reverses its sale in proportion: the gateway pays it out, the operator
    gives back its commission on it, the merchant the rest."""
    split = sale_split(gross_minor=amount_minor, commission_bp=suborder.merchant.commission_bp)
    currency = suborder.order.currency
    return ledger_post(kind="refund", order_id=suborder.order_id, suborder_id=suborder.pk, memo=memo, entries=[
        Entry(Account.GATEWAY_CLEARING, -split.gross_minor, currency),
        Entry(Account.COMMISSION, split.commission_minor, currency),
        Entry(Account.MERCHANT_PAYABLE, split.merchant_minor, currency, suborder.merchant_id),
    ])


def merchant_balance(*, merchant_id: int, currency: str) -> int:
    """What the marketplace owes a merchant (positive), from the entries."""
    from django.db.models import Sum

    total = (LedgerEntry.objects.filter(account=Account.MERCHANT_PAYABLE, merchant_id=merchant_id, currency=currency)
             .aggregate(s=Sum("amount_minor"))["s"])
    return -(total or 0)
