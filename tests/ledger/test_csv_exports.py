"""Every CSV export meant for a spreadsheet (the merchant's statement, the operator's ledger journal and
payouts) writes text that a spreadsheet would run as a formula as text, and amounts as numbers."""

import csv
import datetime as dt
import io

import pytest
from django.db import transaction

from remarket.accounts.models import Role
from remarket.core import clock
from remarket.core.text import csv_cell
from remarket.ledger.models import Account, Line
from remarket.ledger.services import Entry, fees_charge, ledger_post
from remarket.merchants.billing import merchant_payouts_run

from ..factories import MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
EVIL_NAME = '=HYPERLINK("http://attacker.invalid","Refurb")'
MEMOS = ["=1+2", "+33 6 12", "-2+3", "@SUM(A1)", "\tlooks empty", "\rnext", "plain memo"]


@pytest.fixture
def books(marketplace):
    """A merchant named like a formula, credited 100.00 EUR seven times with hostile memos, charged its 49.00 fee."""
    merchant = MerchantFactory(name=EVIL_NAME)
    with clock.frozen(NOV), transaction.atomic():
        for memo in MEMOS:
            ledger_post(
                kind="adjustment",
                merchant_id=merchant.pk,
                memo=memo,
                entries=[
                    Entry(Account.MERCHANT_PAYABLE, -10000, "EUR", merchant.pk, Line.SALE),
                    Entry(Account.GATEWAY_CLEARING, 10000, "EUR", None, Line.SALE),
                ],
            )
    with clock.frozen(NOV + dt.timedelta(hours=1)):
        fees_charge(now=NOV + dt.timedelta(hours=1), merchants=[merchant])
    return merchant


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


NEUTRALISED = ["'=1+2", "'+33 6 12", "'-2+3", "'@SUM(A1)", "'\tlooks empty", "'\rnext", "plain memo"]


def test_the_statement_csv_writes_memos_as_text_and_amounts_as_numbers(client, books):
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=books))
    rows = _rows(client.get("/merchant/statements/statement.csv", {"period": "2026-11", "currency": "EUR"}))
    movements = rows[2:-1]
    assert [r[7] for r in movements] == [*NEUTRALISED, "subscription 2026-11"]
    assert [r[5] for r in movements] == ["100.00"] * 7 + ["-49.00"]  # the fee stays a negative number
    assert (rows[1][5], rows[-1][5]) == ("0.00", "651.00")


def test_the_ledger_journal_writes_names_and_memos_as_text(client, operator_user, books):
    client.force_login(operator_user)
    rows = _rows(client.get("/ops/finance/ledger.csv", {"period": "2026-11"}))
    payable = [r for r in rows[1:] if r[3] == "merchant_payable"]
    assert {r[6] for r in payable} == {"'" + EVIL_NAME}
    assert [r[11] for r in payable] == [*NEUTRALISED, "subscription 2026-11"]
    assert [r[7] for r in payable] == ["-100.00"] * 7 + ["49.00"]


def test_the_payouts_csv_writes_the_merchant_name_as_text(client, operator_user, books):
    with clock.frozen(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)):
        merchant_payouts_run(period=dt.date(2026, 11, 1))
    client.force_login(operator_user)
    rows = _rows(client.get("/ops/finance/payouts.csv", {"period": "2026-11"}))
    assert [(r[1], r[3], r[6]) for r in rows[1:]] == [("'" + EVIL_NAME, "2026-11", "651.00")]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=A1", "'=A1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-12, -12),
        (dt.date(2026, 11, 1), "2026-11-01"),
    ],
)
def test_csv_cell_neutralises_text_only(value, written):
    assert csv_cell(value) == written
