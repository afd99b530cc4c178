"""The demo's pure parts: prices, the spread of orders over the year, the partner towns."""

import datetime as dt

import pytest

from remarket.catalog.grades import Grade
from remarket.demo.catalog_data import CATEGORIES, MODELS
from remarket.demo.history import _black_friday, day_counts
from remarket.demo.network import communes_largest
from remarket.demo.people import merchant_names
from remarket.demo.pricing import base_price_eur, market_price_minor, price_band, value_kept

BY_SLUG = {spec.slug: spec for spec in MODELS}


def test_catalog_data_slugs_are_unique_and_every_model_has_variants():
    assert len(BY_SLUG) == len(MODELS) >= 60
    assert {spec.category for spec in MODELS} == {slug for slug, _, _ in CATEGORIES}
    for spec in MODELS:
        variants = spec.variants()
        assert variants and len(set(variants)) == len(variants), spec.name
        assert spec.launch_eur > 0 and 2015 < spec.year <= 2026


def test_prices_fall_with_age_and_grade_and_rise_with_storage():
    pro = BY_SLUG["iphone-15-pro"]
    assert value_kept(pro, 2024) > value_kept(pro, 2025) > value_kept(pro, 2026)
    grades = [base_price_eur(pro, 128, g, 2026) for g in Grade]
    assert grades == sorted(grades, reverse=True)
    assert base_price_eur(pro, 256, Grade.GOOD, 2026) > base_price_eur(pro, 128, Grade.GOOD, 2026)
    assert 400 < base_price_eur(pro, 128, Grade.EXCELLENT, 2026) < 800
    assert base_price_eur(BY_SLUG["iphone-12"], 64, Grade.GOOD, 2026) < base_price_eur(pro, 128, Grade.GOOD, 2026)


@pytest.mark.parametrize(
    ("eur", "market", "currency", "expected"),
    [
        (487.3, "FR", "EUR", 48900),
        (483.0, "FR", "EUR", 47900),
        (500.0, "US", "USD", 47899),
        (500.0, "GB", "GBP", 43900),
        (12.2, "FR", "EUR", 1200),
    ],
)
def test_shelf_prices_end_in_9_in_whole_units_and_99_cents_in_dollars(eur, market, currency, expected):
    assert market_price_minor(eur, market, currency) == expected


@pytest.mark.parametrize("price", [100, 999, 48900, 47499, 123456])
def test_price_band_holds_the_price(price):
    low, high = price_band(price, "EUR")
    assert 0 < low <= price <= high
    assert low % 100 == 0 and high % 100 == 0


def test_day_counts_sum_exactly_and_grow_over_the_year():
    start = dt.datetime(2025, 11, 27, 15, tzinfo=dt.UTC)
    counts = day_counts(25_000, start)
    assert len(counts) == 365 and sum(counts) == 25_000 and min(counts) >= 0
    assert sum(counts[-182:]) > sum(counts[:182])
    assert sum(day_counts(7, start)) == 7 and sum(day_counts(0, start)) == 0
    days = [(start + dt.timedelta(days=i, hours=12)).date() for i in range(365)]
    assert counts[days.index(_black_friday(2026))] == max(counts)
    assert counts[days.index(_black_friday(2025))] > 2 * counts[days.index(dt.date(2026, 2, 10))]


def test_black_friday_is_the_day_after_the_fourth_thursday_of_november():
    assert [_black_friday(y) for y in (2024, 2025, 2026)] == [
        dt.date(2024, 11, 29),
        dt.date(2025, 11, 28),
        dt.date(2026, 11, 27),
    ]


def test_largest_communes_merge_arrondissements_into_their_city():
    towns = communes_largest(limit=8)
    assert [t.name for t in towns] == [
        "Paris",
        "Marseille",
        "Lyon",
        "Toulouse",
        "Nice",
        "Nantes",
        "Montpellier",
        "Strasbourg",
    ]
    paris = towns[0]
    assert (paris.insee_code, paris.postcode) == ("75056", "75001")
    assert 2_000_000 < paris.population < 2_300_000
    assert 48.8 < paris.latitude < 48.9 and 2.3 < paris.longitude < 2.4


def test_merchant_names_are_unique_at_any_scale():
    names = merchant_names(1800)
    assert len({n for n, _ in names}) == 1800
    assert [c for _, c in names[:6]] == ["FR", "US", "DE", "ES", "IT", "GB"]
