"""The return window, owned by aftersales/calc.py and `window.return_deadline`: property-tested over dates and
countries, then through a real shipped order with the injected clock."""

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remarket.aftersales import calc, window
from remarket.core import clock

from .conftest import sell_and_ship

COUNTRIES = ["FR", "US", "DE", "ES", "IT", "GB", "BE", "JP"]
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 31))


def _business(day: dt.date, country: str) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays(country, years=day.year)


@given(purchased=days, delay=st.integers(min_value=0, max_value=10), country=st.sampled_from(COUNTRIES))
def test_the_deadline_is_the_first_business_day_on_or_after_the_window_end(purchased, delay, country):
    delivered = purchased + dt.timedelta(days=delay)
    deadline = calc.return_deadline_on(purchased_on=purchased, delivered_on=delivered, country=country)
    window_end = delivered + dt.timedelta(days=30)
    if calc.black_friday(purchased.year) <= purchased:
        window_end = max(window_end, dt.date(purchased.year + 1, 1, 31))
    assert deadline >= window_end
    assert _business(deadline, country)
    # nothing between the window's end and the deadline is a business day
    day = window_end
    while day < deadline:
        assert not _business(day, country)
        day += dt.timedelta(days=1)


@given(year=st.integers(min_value=2000, max_value=2100))
def test_black_friday_is_the_fourth_friday_of_november(year):
    day = calc.black_friday(year)
    assert day.month == 11 and day.weekday() == 4 and 22 <= day.day <= 28


@given(
    purchased=st.dates(min_value=dt.date(2024, 11, 1), max_value=dt.date(2031, 12, 31)),
    country=st.sampled_from(COUNTRIES),
)
def test_holiday_purchases_can_be_returned_until_the_end_of_january(purchased, country):
    deadline = calc.return_deadline_on(purchased_on=purchased, delivered_on=purchased, country=country)
    holiday_season = calc.black_friday(purchased.year) <= purchased <= dt.date(purchased.year, 12, 31)
    if holiday_season:
        assert deadline >= dt.date(purchased.year + 1, 1, 31)
        assert deadline <= dt.date(purchased.year + 1, 2, 6)  # a weekend and a holiday at most push it a few days
    else:
        assert deadline <= purchased + dt.timedelta(days=30 + 7)


@given(delivered=days, country=st.sampled_from(COUNTRIES))
def test_damage_is_reported_within_three_business_days(delivered, country):
    deadline = calc.damage_deadline_on(delivered_on=delivered, country=country)
    between = [delivered + dt.timedelta(days=i) for i in range(1, (deadline - delivered).days + 1)]
    assert sum(_business(d, country) for d in between) == 3 and _business(deadline, country)


def test_a_deadline_on_a_french_holiday_moves_to_the_next_business_day():
    # delivered 12 October 2026 + 30 = Wednesday 11 November, Armistice Day in France, not in Germany
    assert calc.return_deadline_on(
        purchased_on=dt.date(2026, 10, 8), delivered_on=dt.date(2026, 10, 12), country="FR"
    ) == dt.date(2026, 11, 12)
    assert calc.return_deadline_on(
        purchased_on=dt.date(2026, 10, 8), delivered_on=dt.date(2026, 10, 12), country="DE"
    ) == dt.date(2026, 11, 11)


def test_black_friday_2026_is_27_november_and_its_returns_run_to_1_february_2027():
    assert calc.black_friday(2026) == dt.date(2026, 11, 27)
    # 31 January 2027 is a Sunday
    assert calc.return_deadline_on(
        purchased_on=dt.date(2026, 11, 27), delivered_on=dt.date(2026, 12, 1), country="FR"
    ) == dt.date(2027, 2, 1)
    # the day before Black Friday: the plain 30 days
    assert calc.return_deadline_on(
        purchased_on=dt.date(2026, 11, 26), delivered_on=dt.date(2026, 11, 26), country="FR"
    ) == dt.date(2026, 12, 28)


@pytest.mark.django_db
def test_return_deadline_of_a_line_counts_in_the_markets_time_zone(marketplace):
    from ..factories import UserFactory
    from .conftest import fr_offer

    customer = UserFactory()
    # paid and shipped at 23:30 UTC on Thursday 26 November: already Black Friday in Paris
    sub = sell_and_ship(
        marketplace, customer, fr_offer(marketplace), at=dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)
    )
    line = sub.lines.select_related("suborder__order__market", "suborder__shipment").get()
    assert window.delivered_on(sub) == dt.date(2026, 12, 2)  # Friday 27 + 3 business days
    assert window.return_deadline(line) == dt.date(2027, 2, 1)
    assert window.return_deadline(line, kind="transit_damage") == dt.date(2026, 12, 7)
    unshipped = sell_and_ship(marketplace, customer, fr_offer(marketplace), ship=False).lines.get()
    with clock.frozen(dt.datetime(2026, 12, 1, tzinfo=dt.UTC)):
        assert window.return_deadline(unshipped) is None
