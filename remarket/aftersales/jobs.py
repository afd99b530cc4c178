"""Periodic jobs of after-sales: claims whose deadline passed go to the operator; the hourly quality review
(each merchant's rates from its orders, returns and claims, its score, its sanction, and the offer scores that
depend on them)."""

import dataclasses
import datetime as dt

from remarket.core import clock
from remarket.events.periodic import every
from remarket.merchants.models import Merchant
from remarket.merchants.quality import rate_bp
from remarket.merchants.services import merchant_quality_record
from remarket.offers.best import scores_refresh
from remarket.offers.models import ListingMarket
from remarket.orders.selectors import merchant_fulfilment_rates

from .claims import claims_escalate_due
from .claims_selectors import merchant_aftersales_rates

WINDOW = dt.timedelta(days=90)


def merchant_rates(*, merchant_id: int, now: dt.datetime):
    """A merchant's rates over the window: fulfilment from orders, defect and response time from after-sales."""
    since = now - WINDOW
    rates = merchant_fulfilment_rates(merchant_id=merchant_id, since=since, now=now)
    defects, shipped, response_hours = merchant_aftersales_rates(merchant_id=merchant_id, since=since, now=now)
    return dataclasses.replace(rates, defect_rate_bp=rate_bp(defects, shipped), response_hours=response_hours)


def merchant_quality_refresh(*, merchant: Merchant) -> bool:
    """Recompute one merchant's quality; True when its score or status changed (its offers are re-scored)."""
    before = (merchant.quality_score, merchant.status)
    merchant_quality_record(merchant=merchant, rates=merchant_rates(merchant_id=merchant.pk, now=clock.now()))
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


@every(dt.timedelta(minutes=5), "claims_escalate_due")
def _claims_escalate() -> str:
    return f"{claims_escalate_due()} claims escalated"
