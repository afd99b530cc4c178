"""Periodic quality review: each merchant's rates from its orders, its score, its sanction, and the offer
scores that depend on them."""

import datetime as dt

from remarket.core import clock
from remarket.events.periodic import every
from remarket.merchants.models import Merchant
from remarket.merchants.services import merchant_quality_record
from remarket.offers.best import scores_refresh
from remarket.offers.models import ListingMarket

from .selectors import merchant_fulfilment_rates

WINDOW = dt.timedelta(days=90)


def merchant_quality_refresh(*, merchant: Merchant) -> bool:
    """Recompute one merchant's quality; True when its score or status changed (its offers are re-scored)."""
    now = clock.now()
    before = (merchant.quality_score, merchant.status)
    rates = merchant_fulfilment_rates(merchant_id=merchant.pk, since=now - WINDOW, now=now)
    merchant_quality_record(merchant=merchant, rates=rates)
    if (merchant.quality_score, merchant.status) == before:
        return False
    term_ids = list(ListingMarket.objects.filter(listing__merchant=merchant).values_list("pk", flat=True))
    for start in range(0, len(term_ids), 5000):
        scores_refresh(term_ids=term_ids[start : start + 5000])
    return True


@every(dt.timedelta(hours=1), "merchant_quality")
def _quality() -> str:
    changed = sum(merchant_quality_refresh(merchant=m) for m in Merchant.objects.filter(status__in=Merchant.REVIEWED))
    return f"{changed} merchants changed"


@every(dt.timedelta(hours=1), "pickups_return_expired")
def _pickups_return() -> str:
    from .pickups import pickups_return_expired

    return f"{pickups_return_expired()} parcels returned uncollected"


@every(dt.timedelta(hours=6), "partner_payouts")
def _partner_payouts() -> str:
    from remarket.ledger.periods import previous_period

    from .partner_payouts import EARLIEST_ZONE, partner_payouts_run

    # partners whose zone is not yet past the month's end wait for the next run
    made = partner_payouts_run(period=previous_period(clock.now(), EARLIEST_ZONE))
    return f"{len(made)} partner payouts"
