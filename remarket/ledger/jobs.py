"""The ledger's side of the month's close, checked every six hours (each step does nothing once done): balance
snapshots at the month's start and the finance sums of the month that ended. Fees and payouts are the merchants'
(merchants/jobs.py)."""

import datetime as dt

from remarket.core import clock
from remarket.events.periodic import every

from .services import balances_snapshot, finance_months_close


@every(dt.timedelta(hours=6), "month_close")
def _month_close() -> str:
    now = clock.now()
    month_start = now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    snapshots = balances_snapshot(as_of=month_start)
    months = finance_months_close(now=now)
    return f"{snapshots} snapshots, {months} finance months"
