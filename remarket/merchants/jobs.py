"""The merchants' side of the month's close, checked every six hours (each step does nothing once done):
subscription fees for the month that began, payouts for the month that ended."""

import datetime as dt
from zoneinfo import ZoneInfo

from remarket.core import clock
from remarket.events.periodic import every
from remarket.ledger.periods import previous_period

from .billing import merchant_fees_charge, merchant_payouts_run

EARLIEST_ZONE = ZoneInfo("Pacific/Kiritimati")  # UTC+14: the first place where a month ends


@every(dt.timedelta(hours=6), "merchant_billing")
def _merchant_billing() -> str:
    now = clock.now()
    fees = merchant_fees_charge(now=now)
    # zones not yet past the month's end wait for the next run
    payouts = merchant_payouts_run(period=previous_period(now, EARLIEST_ZONE))
    return f"{fees} fees, {len(payouts)} payouts"
