"""The worker's periodic jobs for checkout: reclaim lapsed holds, settle open payments."""

import datetime as dt

from remarket.events.periodic import every
from remarket.payments.services import refunds_execute

from .services import holds_reclaim, payments_reconcile


@every(dt.timedelta(seconds=30), "holds_reclaim")
def _holds() -> str:
    return f"{holds_reclaim()} holds reclaimed"


@every(dt.timedelta(minutes=1), "payments_reconcile")
def _payments() -> str:
    return f"{payments_reconcile()} payments settled"


@every(dt.timedelta(minutes=1), "refunds")
def _refunds() -> str:
    return f"{refunds_execute()} refunds sent"
