"""The month's close, checked every six hours (each step does nothing once done): subscription fees for the month
that began, payouts for the month that ended, balance snapshots at the month's start, and the finance sums of
the month that ended."""

import datetime as dt
from zoneinfo import ZoneInfo

from remarket.core import clock
from remarket.events.periodic import every

from .payouts import payouts_run, previous_period
from .services import balances_snapshot, fees_charge, finance_months_close

EARLIEST_ZONE = ZoneInfo("Pacific/Kiritimati")  # UTC+14: the first place where a month ends


@every(dt.timedelta(hours=6), "month_close")
def _month_close() -> str:
    now = clock.now()
    fees = fees_charge(now=now)
    payouts = payouts_run(period=previous_period(now, EARLIEST_ZONE))  # zones not yet past it wait for the next run
    month_start = now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    snapshots = balances_snapshot(as_of=month_start)
    months = finance_months_close(now=now)
    return f"{fees} fees, {len(payouts)} payouts, {snapshots} snapshots, {months} finance months"
