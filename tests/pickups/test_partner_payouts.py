"""Partners' monthly payouts beside the merchants': the run pays each partner its month's closing balance once
the month has ended in its market's zone, once however often it runs (job, command), posted balanced through the
ledger; the partner manager's statement page lists its payouts, with a CSV, and never another partner's."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction, PartnerPayout
from remarket.ledger.partners import partner_balance
from remarket.orders.models import OrderLine
from remarket.orders.partner_payouts import partner_payouts_run

from .conftest import pickup_order

pytestmark = pytest.mark.django_db
NOVEMBER = dt.date(2026, 11, 1)
SOLD_AT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
DECEMBER_2ND = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def _sold(marketplace, offer, network) -> int:
    with clock.frozen(SOLD_AT):
        order = pickup_order(marketplace, offer, network.paris)
    return OrderLine.objects.get(suborder__order=order).partner_commission_minor


def _balanced() -> bool:
    sums: dict = {}
    for tx_id, currency, amount in LedgerEntry.objects.values_list("transaction_id", "currency", "amount_minor"):
        sums[(tx_id, currency)] = sums.get((tx_id, currency), 0) + amount
    return set(sums.values()) <= {0}


def test_the_run_pays_each_partner_its_month_once_and_carries_a_zero_over(marketplace, offer, network):
    earned = _sold(marketplace, offer, network)
    assert earned > 0
    with clock.frozen(DECEMBER_2ND):
        made = partner_payouts_run(period=NOVEMBER)
        assert partner_payouts_run(period=NOVEMBER) == []  # a second run pays nobody again
    by_partner = {p.partner_id: p for p in made}
    assert set(by_partner) == {network.partner.pk, network.other_partner.pk}
    paid, nothing = by_partner[network.partner.pk], by_partner[network.other_partner.pk]
    assert (paid.amount_minor, paid.currency, paid.period) == (earned, "EUR", NOVEMBER)
    assert (nothing.amount_minor, nothing.transaction_id) == (0, None)  # nothing owed: carried over, no posting
    entries = sorted(paid.transaction.entries.values_list("account", "amount_minor", "partner_id"))
    assert entries == sorted([(Account.PARTNER_PAYABLE, earned, network.partner.pk), (Account.BANK, -earned, None)])
    assert PartnerPayout.objects.count() == 2 and LedgerTransaction.objects.filter(kind="partner_payout").count() == 1
    assert partner_balance(partner_id=network.partner.pk, currency="EUR") == 0
    assert _balanced()


def test_an_open_month_is_refused_and_nothing_is_paid(marketplace, offer, network):
    _sold(marketplace, offer, network)
    with clock.frozen(dt.datetime(2026, 11, 20, tzinfo=dt.UTC)), pytest.raises(DomainError) as err:
        partner_payouts_run(period=NOVEMBER)
    assert err.value.code == "PAYOUT_PERIOD_OPEN"
    # the month has ended in the first zone (UTC+14) but not yet in Paris: France's partners wait for the next run
    with clock.frozen(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)):
        assert partner_payouts_run(period=NOVEMBER) == []
    assert (PartnerPayout.objects.count(), LedgerTransaction.objects.filter(kind="partner_payout").count()) == (0, 0)


def test_the_command_and_the_worker_job_pay_once(marketplace, offer, network):
    from remarket.events.periodic import _jobs
    from remarket.orders.jobs import _partner_payouts

    earned = _sold(marketplace, offer, network)
    assert _jobs["partner_payouts"][1] is _partner_payouts
    out = io.StringIO()
    with clock.frozen(DECEMBER_2ND):
        call_command("partner_payouts_run", period="2026-11", stdout=out, verbosity=0)
        call_command("partner_payouts_run", period="2026-11", stdout=out, verbosity=0)
        assert _partner_payouts() == "0 partner payouts"  # November is settled already
    assert "1 partners paid for 2026-11" in out.getvalue() and "0 partners paid" in out.getvalue()
    assert PartnerPayout.objects.get(partner=network.partner).amount_minor == earned
    with pytest.raises(CommandError, match="PAYOUT_PERIOD_INVALID|PERIOD"):
        call_command("partner_payouts_run", period="November", verbosity=0)
    with clock.frozen(dt.datetime(2027, 1, 3, tzinfo=dt.UTC)):
        assert _partner_payouts() == "2 partner payouts"  # December: nothing earned, carried over for both
    assert _balanced()


def test_the_manager_sees_its_payouts_and_their_csv_and_never_another_partners(client, marketplace, offer, network):
    earned = _sold(marketplace, offer, network)
    with clock.frozen(DECEMBER_2ND):
        partner_payouts_run(period=NOVEMBER)
    client.force_login(network.manager_user)
    page = client.get("/partner/statement/", {"month": "2026-11"}).content.decode()
    assert 'data-payout="2026-11"' in page and f'data-amount="{earned}"' in page
    assert 'data-kind="partner_commission"' in page and ">Commission<" in page  # a label, not the code
    export = client.get("/partner/payouts.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["period", "currency", "amount", "paid_at", "ledger_transaction"]
    assert [r[:3] for r in rows[1:]] == [["2026-11", "EUR", f"{earned / 100:.2f}"]]
    client.force_login(network.rival_manager_user)
    rival = list(csv.reader(io.StringIO(client.get("/partner/payouts.csv").content.decode())))
    assert [r[:3] for r in rival[1:]] == [["2026-11", "EUR", "0.00"]]  # its own carried-over month only
    assert f'data-amount="{earned}"' not in client.get("/partner/statement/", {"month": "2026-11"}).content.decode()
