"""The ledger's balance trigger checks each ledger transaction once per database transaction (migration
ledger 0004): entries added after a check are checked again, so an unbalanced transaction still cannot commit."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
AT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the database's own checks are PostgreSQL's")


def _entries(txn, *amounts):
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=txn, account=Account.BANK, amount_minor=a, currency="EUR", at=AT) for a in amounts]
    )


def _check_now():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ledger_balanced IMMEDIATE")


def test_a_balanced_transaction_checked_then_unbalanced_by_a_later_entry_is_refused():
    txn = LedgerTransaction.objects.create(kind="manual", at=AT)
    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _entries(txn, 100, -100)
        _check_now()  # checked here, balanced
        _entries(txn, 5)  # checked again: refused
    assert not LedgerEntry.objects.filter(transaction=txn).exists()


def test_several_transactions_in_one_statement_are_each_checked():
    first, second = (LedgerTransaction.objects.create(kind="manual", at=AT) for _ in range(2))
    with pytest.raises(IntegrityError, match=f"{second.pk} does not sum to zero"), transaction.atomic():
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(transaction=first, account=Account.BANK, amount_minor=10, currency="EUR", at=AT),
                LedgerEntry(transaction=first, account=Account.FEES, amount_minor=-10, currency="EUR", at=AT),
                LedgerEntry(transaction=second, account=Account.BANK, amount_minor=10, currency="EUR", at=AT),
                LedgerEntry(transaction=second, account=Account.FEES, amount_minor=-9, currency="EUR", at=AT),
            ]
        )
        _check_now()


def test_entries_of_one_transaction_spread_over_statements_balance_in_the_end():
    txn = LedgerTransaction.objects.create(kind="manual", at=AT)
    with transaction.atomic():
        _entries(txn, 10)
        _entries(txn, -4)
        _entries(txn, -6)
        _check_now()
    assert LedgerEntry.objects.filter(transaction=txn).count() == 3
