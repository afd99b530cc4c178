"""Periodic jobs of orders: parcels nobody collected at a pickup point go back; partners are paid their month.
(The hourly quality review, which needs after-sales too, is aftersales/jobs.py.)"""

import datetime as dt

from remarket.core import clock
from remarket.events.periodic import every


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
