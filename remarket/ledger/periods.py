"""Months in a time zone: the periods statements, payouts, fees and the finance sums are counted in."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError

DEFAULT_ZONE = "Europe/Paris"


def merchant_zone(merchant) -> ZoneInfo:
    from remarket.markets.selectors import market_get

    try:
        return ZoneInfo(market_get(code=str(merchant.country)).time_zone)
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
    local = now.astimezone(zone).date().replace(day=1)
    return (local - dt.timedelta(days=1)).replace(day=1)
