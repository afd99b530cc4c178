"""What the marketplace charges and pays its merchants each month, through the ledger: the subscription fee of
those that pay one, and the payout of each closed month. The merchants are looked up here; the ledger is given
them (it reads no merchant table of its own)."""

import datetime as dt

from remarket.ledger.models import Payout
from remarket.ledger.payouts import payouts_run
from remarket.ledger.services import fees_charge

from .models import Merchant


def merchants_paying_fees():
    """The merchants a monthly subscription fee is charged to: third parties that pay one, once accepted."""
    return Merchant.objects.filter(subscription_fee=True, is_first_party=False).exclude(
        status__in=[Merchant.Status.APPLIED, Merchant.Status.IN_REVIEW, Merchant.Status.REJECTED]
    )


def merchant_fees_charge(*, now: dt.datetime | None = None) -> int:
    """The month's subscription fee of every merchant that pays one (ledger `fees_charge`); how many were charged."""
    return fees_charge(merchants=merchants_paying_fees(), now=now)


def merchant_payouts_run(*, period: dt.date, progress=None) -> list[Payout]:
    """Every merchant's payout for a closed month (ledger `payouts_run`); the payouts made now."""
    return payouts_run(period=period, merchants=Merchant.objects.in_bulk(), progress=progress)
