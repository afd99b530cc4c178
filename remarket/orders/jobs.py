"""Periodic jobs of orders: parcels nobody collected at a pickup point go back. (The hourly quality review,
which needs after-sales too, is aftersales/jobs.py.)"""

import datetime as dt

from remarket.events.periodic import every


@every(dt.timedelta(hours=1), "pickups_return_expired")
def _pickups_return() -> str:
    from .pickups import pickups_return_expired

    return f"{pickups_return_expired()} parcels returned uncollected"
