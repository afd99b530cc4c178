import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from remarket.core.errors import DomainError
from remarket.markets.fx import fx_load, fx_rate, to_eur_rate

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "remarket" / "markets" / "data" / "fx-monthly-per-usd.csv"


def test_the_shipped_series_are_units_per_dollar_keyed_by_currency():
    assert fx_load(path=DATA) > 1000
    assert fx_rate(currency="EUR", on=dt.date(2025, 6, 15)).per_usd == Decimal("0.867")
    assert fx_rate(currency="GBP", on=dt.date(2025, 6, 1)).per_usd == Decimal("0.7365")
    jpy = fx_rate(currency="JPY", on=dt.date(2025, 6, 1)).per_usd
    assert 100 < jpy < 200


def test_months_past_the_data_use_the_latest_rate_flagged_provisional():
    fx_load(path=DATA)
    rate = fx_rate(currency="EUR", on=dt.date(2026, 11, 27))
    assert rate.provisional and rate.per_usd == fx_rate(currency="EUR", on=dt.date(2026, 6, 1)).per_usd
    assert not fx_rate(currency="EUR", on=dt.date(2026, 6, 1)).provisional
    eur_per_gbp, provisional = to_eur_rate(currency="GBP", on=dt.date(2025, 6, 1))
    assert provisional is False and Decimal("1.17") < eur_per_gbp < Decimal("1.18")


def test_an_inverted_series_is_refused_whole(tmp_path):
    bad = tmp_path / "fx.csv"
    bad.write_text("Date,Country,Exchange rate\n2008-06-01,Euro,0.64\n2008-07-01,Euro,1.577\n")
    fx_load(path=DATA)
    with pytest.raises(DomainError) as err:
        fx_load(path=tmp_path / "fx.csv")
    assert err.value.code == "FX_RATE_IMPLAUSIBLE"
    assert fx_rate(currency="EUR", on=dt.date(2025, 6, 1)).per_usd == Decimal("0.867")  # nothing changed


def test_wrong_columns_are_refused(tmp_path):
    bad = tmp_path / "fx.csv"
    bad.write_text("date;country;rate\n")
    with pytest.raises(DomainError) as err:
        fx_load(path=bad)
    assert err.value.code == "FX_FILE_INVALID"
