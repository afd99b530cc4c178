"""Pure date arithmetic of the return window (no database): what `services.return_deadline` applies.

- A return is free, for any reason, until 30 days after delivery.
- Purchases from Black Friday (the fourth Friday of November) to 31 December can be returned until 31 January
  of the next year, when that is later than the 30 days.
- Transit damage is reported within 3 business days of delivery.
- A deadline that falls on a weekend or on a public holiday of the market's country (the `holidays` package)
  moves to the next business day.

Days are calendar days in the market's time zone; the caller turns timestamps into them (`Market.local_date`)."""

import datetime as dt
from functools import lru_cache

import holidays

RETURN_DAYS = 30
DAMAGE_BUSINESS_DAYS = 3


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the package does not know: weekends only
        return frozenset()


def is_business_day(day: dt.date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def next_business_day(day: dt.date, country: str) -> dt.date:
    """`day` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day, country):
        day += dt.timedelta(days=1)
    return day


def business_days_after(day: dt.date, days: int, country: str) -> dt.date:
    """The `days`-th business day after `day`."""
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_business_day(day, country)
    return day


def black_friday(year: int) -> dt.date:
    """The fourth Friday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7 + 21)


def return_deadline_on(*, purchased_on: dt.date, delivered_on: dt.date, country: str) -> dt.date:
    """The last day a return may be opened."""
    deadline = delivered_on + dt.timedelta(days=RETURN_DAYS)
    if black_friday(purchased_on.year) <= purchased_on <= dt.date(purchased_on.year, 12, 31):
        deadline = max(deadline, dt.date(purchased_on.year + 1, 1, 31))
    return next_business_day(deadline, country)


def damage_deadline_on(*, delivered_on: dt.date, country: str) -> dt.date:
    """The last day transit damage may be reported."""
    return business_days_after(delivered_on, DAMAGE_BUSINESS_DAYS, country)


def delivered_on(*, shipped_on: dt.date, delay_days: int, country: str) -> dt.date:
    """When a parcel is taken as delivered when no carrier told us: the shipping delay the customer chose, in
    business days after it left."""
    return business_days_after(shipped_on, delay_days, country)


def warranty_until_on(*, delivered_on: dt.date, months: int) -> dt.date:
    """The last day of a warranty of `months` months from delivery (the same day of the month, or the month's
    last day when it has none: 31 January + 1 month is 28 or 29 February)."""
    import calendar

    month = delivered_on.month - 1 + months
    year, month = delivered_on.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(delivered_on.day, calendar.monthrange(year, month)[1]))


def deadline_after(*, at: dt.datetime, business_days: int, country: str) -> dt.datetime:
    """`at` moved forward by `business_days` business days of `country`, at the same local time of day (the
    caller passes `at` in the market's zone)."""
    day = business_days_after(at.date(), business_days, country)
    return at.replace(year=day.year, month=day.month, day=day.day)
