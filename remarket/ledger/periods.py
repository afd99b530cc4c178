"""Months in a time zone: the periods statements, payouts, fees and the finance sums are counted in."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from remarket.core.clock import local_month
from remarket.core.errors import DomainError

DEFAULT_ZONE = "Europe/Paris"


def merchant_zone(merchant) -> ZoneInfo:
    from remarket.markets.selectors import market_get

    try:
        return market_get(code=str(merchant.country)).zone
    except Exception:  # a merchant from a country without a site
        return ZoneInfo(DEFAULT_ZONE)


def period_bounds(period: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month starting `period`, midnight to midnight in `zone`, as UTC-aware moments."""
    start = dt.datetime(period.year, period.month, 1, tzinfo=zone)
    end = dt.datetime(period.year + period.month // 12, period.month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def period_parse(text: str) -> dt.date:
    try:
        month = dt.date.fromisoformat(f"{text.strip()}-01" if len(text.strip()) == 7 else text.strip()).replace(day=1)
    except (ValueError, AttributeError):
        raise DomainError("PAYOUT_PERIOD_INVALID", _("A period is a month: YYYY-MM.")) from None
    if not 1900 <= month.year <= 9998:  # its bounds in any time zone must stay inside datetime's years 1 to 9999
        raise DomainError("PAYOUT_PERIOD_INVALID", _("A period is a month between 1900 and 9998."))
    return month


def previous_period(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    return (local_month(now, zone) - dt.timedelta(days=1)).replace(day=1)


def recent_periods(now: dt.datetime, zone: ZoneInfo, count: int = 12) -> list[dt.date]:
    """The month of `now` in `zone` and the `count` − 1 before it, newest first (the statement pages' choice)."""
    month, months = local_month(now, zone), []
    for _n in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months
