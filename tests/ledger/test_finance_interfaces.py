"""Statements, payouts and the finance report through the back office, the operator's pages, /api/v1 and the CLI."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from remarket.accounts.services import api_token_issue
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.ledger.models import Payout
from remarket.ledger.services import fees_charge

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
DEC = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def november(marketplace, offer):
    with clock.frozen(NOV):
        fees_charge(now=NOV, merchants=[offer.listing.merchant])
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id)],
            email="b@example.com",
            shipping_address=ADDRESS_FR,
        )
        checkout_pay(order=order, card_number=PAY_OK)
    return order


def test_the_merchant_reads_its_statement_and_downloads_it(client, merchant_user, november):
    client.force_login(merchant_user)
    page = client.get("/merchant/statements/", {"period": "2026-11", "currency": "EUR"})
    assert page.status_code == 200
    assert page.context["statement"].closing_minor == 49900 - 4990 - 4900
    text = page.content.decode()
    assert 'id="closing">400,10\xa0€<' in text  # a French merchant: euros in France's format
    download = client.get("/merchant/statements/statement.csv", {"period": "2026-11", "currency": "EUR"})
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["at", "kind", "line"] and rows[-1][1:2] == ["closing"] and rows[-1][5] == "400.10"
    assert sum(float(r[5]) for r in rows[2:-1]) == pytest.approx(400.10)
    assert client.get("/merchant/statements/", {"period": "11/2026"}).status_code == 400


def test_another_merchant_sees_its_own_statement_only(client, other_merchant_user, november):
    client.force_login(other_merchant_user)
    page = client.get("/merchant/statements/", {"period": "2026-11", "currency": "EUR"})
    assert page.context["statement"].lines == [] and page.context["statement"].closing_minor == 0


def test_the_operator_sees_commission_and_tax_per_market_and_exports(client, operator_user, november):
    client.force_login(operator_user)
    with clock.frozen(DEC):
        page = client.get("/ops/finance/", {"from": "2026-11", "to": "2026-12"})
        call_command("payouts_run", period="2026-11", verbosity=0)
    assert page.status_code == 200
    fr = next(t for t in page.context["totals"] if t.market == "FR")
    assert (fr.gmv_minor, fr.commission_minor, fr.merchant_vat_minor, fr.take_rate_bp) == (49900, 4990, 8317, 1000)
    assert 'data-market="FR"' in page.content.decode() and "10.00\u00a0%" in page.content.decode()
    journal = list(
        csv.reader(io.StringIO(client.get("/ops/finance/ledger.csv", {"period": "2026-11"}).content.decode()))
    )
    assert len(journal) == 1 + 2 + 5  # header, the fee's two entries, the sale's five
    payouts = list(
        csv.reader(io.StringIO(client.get("/ops/finance/payouts.csv", {"period": "2026-11"}).content.decode()))
    )
    assert payouts[1][6] == "400.10"


def test_a_merchant_cannot_open_the_finance_pages(client, merchant_user):
    client.force_login(merchant_user)
    assert client.get("/ops/finance/").status_code == 403


def test_statements_and_payouts_through_the_api(client, merchant_user, operator_user, november):
    merchant_token = api_token_issue(user=merchant_user, name="t")[1]
    operator_token = api_token_issue(user=operator_user, name="t")[1]
    as_merchant = {"HTTP_AUTHORIZATION": f"Bearer {merchant_token}"}
    as_operator = {"HTTP_AUTHORIZATION": f"Bearer {operator_token}"}
    body = client.get("/api/v1/merchant/statements/2026-11", **as_merchant).json()
    assert (body["closing_minor"], body["totals"]["tax"], body["payout_minor"]) == (40010, 8317, None)
    assert client.get("/api/v1/merchant/statements/nope", **as_merchant).json()["code"] == "PAYOUT_PERIOD_INVALID"
    assert client.post("/api/v1/ops/payouts/2026-11", **as_merchant).status_code == 403
    with clock.frozen(DEC):
        made = client.post("/api/v1/ops/payouts/2026-11", **as_operator).json()
        again = client.post("/api/v1/ops/payouts/2026-11", **as_operator).json()
    assert [p["amount_minor"] for p in made] == [40010] and again == []
    assert client.get("/api/v1/merchant/payouts", **as_merchant).json()[0]["amount_minor"] == 40010
    rows = client.get("/api/v1/ops/finance", {"first": "2026-11", "last": "2026-11"}, **as_operator).json()
    assert [(r["market"], r["commission_minor"], r["take_rate_bp"]) for r in rows] == [("FR", 4990, 1000)]


def test_the_payout_command_is_safe_to_repeat(november):
    out = io.StringIO()
    with clock.frozen(DEC):
        call_command("payouts_run", period="2026-11", stdout=out, verbosity=0)
        call_command("payouts_run", period="2026-11", stdout=out, verbosity=0)
    assert Payout.objects.count() == 1
    assert "1 merchants paid" in out.getvalue() and "1 already settled" in out.getvalue()
    with pytest.raises(CommandError, match="PAYOUT_PERIOD_INVALID"):
        call_command("payouts_run", period="November", verbosity=0)


def test_closed_months_are_read_from_their_stored_sums_and_the_current_month_live(november, offer, marketplace):
    from remarket.ledger.models import FinanceMonth
    from remarket.ledger.selectors import finance_by_market
    from remarket.ledger.services import finance_months_close

    with clock.frozen(DEC):
        live = finance_by_market(first=dt.date(2026, 11, 1), last=dt.date(2026, 12, 1))
        assert finance_months_close() == 1 and finance_months_close() == 0
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id)],
            email="c@example.com",
            shipping_address=ADDRESS_FR,
        )
        checkout_pay(order=order, card_number=PAY_OK)
        FinanceMonth.objects.update(commission_minor=1)  # a stored month is what is read: prove it
        rows = {
            (r.market, r.month): r for r in finance_by_market(first=dt.date(2026, 11, 1), last=dt.date(2026, 12, 1))
        }
    assert [(r.market, r.month, r.gmv_minor) for r in live] == [("FR", dt.date(2026, 11, 1), 49900)]
    assert rows[("FR", dt.date(2026, 11, 1))].commission_minor == 1
    assert rows[("FR", dt.date(2026, 12, 1))].gmv_minor == 49900  # December, live
