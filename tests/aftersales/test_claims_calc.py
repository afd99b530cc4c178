"""The claims' pure date arithmetic: a warranty's last day, a deadline in business days at the same local time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from remarket.aftersales.calc import deadline_after, warranty_until_on


@pytest.mark.parametrize(
    ("delivered", "months", "until"),
    [
        (dt.date(2026, 10, 8), 12, dt.date(2027, 10, 8)),
        (dt.date(2026, 10, 8), 24, dt.date(2028, 10, 8)),
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),  # no 31 February: the month's last day
        (dt.date(2027, 2, 29 - 1), 12, dt.date(2028, 2, 28)),
        (dt.date(2027, 8, 31), 18, dt.date(2029, 2, 28)),
    ],
)
def test_a_warranty_ends_the_same_day_months_later(delivered, months, until):
    assert warranty_until_on(delivered_on=delivered, months=months) == until


def test_a_deadline_skips_weekends_and_holidays_and_keeps_the_local_time():
    paris = ZoneInfo("Europe/Paris")
    friday = dt.datetime(2027, 4, 30, 16, 30, tzinfo=paris)  # 1 May (Saturday) and 3 May: only the weekend here
    assert deadline_after(at=friday, business_days=2, country="FR") == dt.datetime(2027, 5, 4, 16, 30, tzinfo=paris)
    # across the change to winter time, the same local time of day
    before = dt.datetime(2026, 10, 23, 10, 0, tzinfo=paris)
    after = deadline_after(at=before, business_days=2, country="FR")
    assert after == dt.datetime(2026, 10, 27, 10, 0, tzinfo=paris)
    assert after.astimezone(dt.UTC).hour == 9 and before.astimezone(dt.UTC).hour == 8
