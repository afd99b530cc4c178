from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remarket.core.errors import DomainError
from remarket.core.money import convert, exponent, fmt, rate_percent, share, to_major, to_minor


def test_exponents_follow_iso_4217():
    assert (exponent("EUR"), exponent("JPY"), exponent("KWD"), exponent("usd")) == (2, 0, 3, 2)


@pytest.mark.parametrize(
    "amount, currency, minor",
    [
        ("199.90", "EUR", 19990),
        ("199,90", "EUR", 19990),
        ("0.005", "EUR", 1),
        ("1234", "JPY", 1234),
        ("12.5", "JPY", 13),
        ("1.2345", "KWD", 1235),
    ],
)
def test_to_minor_rounds_half_up(amount, currency, minor):
    assert to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    "amount, code",
    [
        ("-1", "MONEY_NEGATIVE"),
        ("abc", "MONEY_INVALID"),
        ("NaN", "MONEY_INVALID"),
        ("1e400", "MONEY_INVALID"),
        ("1e14", "MONEY_TOO_LARGE"),
    ],
)
def test_bad_amounts_are_refused(amount, code):
    with pytest.raises(DomainError) as err:
        to_minor(amount, "EUR")
    assert err.value.code == code


def test_format_and_convert():
    assert to_major(19990, "EUR") == Decimal("199.90")
    assert fmt(19990, "EUR", "fr_FR").replace("\u202f", " ").replace("\xa0", " ") == "199,90 €"
    assert convert(10000, "USD", "EUR", Decimal("0.867")) == 8670
    assert convert(10000, "EUR", "JPY", Decimal("160.4")) == 16040


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=10000))
def test_a_share_stays_within_the_amount(gross, bp):
    assert 0 <= share(gross, bp) <= gross


@pytest.mark.parametrize(
    "rate, locale, shown",
    [
        ("0.2", "en", "20%"),
        ("0.08875", "en_US", "8.875%"),
        ("0.08875", "fr-FR", "8,875\u00a0%"),
        (Decimal("0.055000"), "fr", "5,5\u00a0%"),
        ("0.1", "ja_JP", "10%"),
    ],
)
def test_a_tax_rate_is_shown_as_an_exact_percentage(rate, locale, shown):
    assert rate_percent(rate, locale) == shown


def test_an_amount_is_formatted_in_the_active_language_unless_told():
    from django.utils import translation

    with translation.override("es"):
        assert fmt(123456, "EUR").replace("\xa0", " ") == "1.234,56 €"
        assert fmt(12345678, "EUR").replace("\xa0", " ") == "123.456,78 €"
        assert fmt(123456, "EUR", "en-US") == "€1,234.56"
    with translation.override("en"):
        assert fmt(123456, "EUR") == "€1,234.56"
