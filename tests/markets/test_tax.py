"""Tax rules and worked examples, checked to the cent."""

import datetime as dt
from decimal import Decimal

import pytest

from remarket.core.errors import DomainError
from remarket.markets.models import TaxRate
from remarket.markets.services import tax_rates_load
from remarket.markets.tax import Scheme, ShipTo, tax_amount, tax_rules

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


def rules(merchant: str, ship_to: ShipTo, *, included: bool = True, on: dt.date = DAY):
    return tax_rules(prices_include_tax=included, merchant_country=merchant, ship_to=ship_to, on=on)


def test_a_french_sale_to_france_carries_20_percent_inside_the_price():
    standard, margin = rules("FR", ShipTo("FR"))
    assert (standard.scheme, standard.rate, standard.jurisdiction) == (Scheme.VAT, Decimal("0.2"), "FR")
    assert tax_amount(standard, 49900) == 8317  # 499.00 = 415.83 + 83.17


def test_the_margin_scheme_taxes_the_margin_only():
    _, margin = rules("FR", ShipTo("FR"))
    assert margin.scheme == Scheme.MARGIN and margin.rate == Decimal("0.2")
    assert tax_amount(margin, 49900, purchase_minor=30000) == 3317  # 199.00 × 20/120 = 33.1666 → 33.17
    assert tax_amount(margin, 20000, purchase_minor=30000) == 0  # no margin, no VAT


def test_a_german_buyer_of_a_french_merchant_pays_german_vat_but_the_margin_is_taxed_in_france():
    standard, margin = rules("FR", ShipTo("DE"))
    assert (standard.rate, standard.jurisdiction) == (Decimal("0.19"), "DE")
    assert tax_amount(standard, 49900) == 7967  # 499 × 19/119 = 79.672 → 79.67
    assert (margin.rate, margin.jurisdiction) == (Decimal("0.2"), "FR")


def test_no_margin_scheme_across_the_eu_border():
    _, margin = rules("US", ShipTo("FR"))
    assert margin is None
    _, gb = rules("GB", ShipTo("GB"))
    assert gb.jurisdiction == "GB"  # the UK's own scheme, domestic only


def test_the_new_york_store_charges_new_york_city_sales_tax_on_top():
    standard, margin = rules("US", ShipTo("US", "NY", "10012"), included=False)
    assert margin is None
    assert (standard.scheme, standard.rate, standard.jurisdiction) == (
        Scheme.SALES_TAX,
        Decimal("0.08875"),
        "US-NY-NYC",
    )
    assert not standard.included and tax_amount(standard, 10000) == 888  # 100.00 + 8.88 = 108.88


def test_outside_the_city_the_state_rate_applies():
    albany, _ = rules("US", ShipTo("US", "NY", "12207"), included=False)
    assert (albany.rate, albany.jurisdiction) == (Decimal("0.04"), "US-NY")
    oregon, _ = rules("US", ShipTo("US", "OR", "97201"), included=False)
    assert tax_amount(oregon, 10000) == 0


def test_rates_follow_their_validity_dates():
    before, _ = rules("FI", ShipTo("FI"), on=dt.date(2024, 8, 31))
    after, _ = rules("FI", ShipTo("FI"), on=dt.date(2024, 9, 1))
    assert (before.rate, after.rate) == (Decimal("0.24"), Decimal("0.255"))


def test_a_date_no_rate_covers_is_refused():
    with pytest.raises(DomainError) as err:
        rules("FR", ShipTo("FR"), on=dt.date(2019, 12, 31))
    assert err.value.code == "TAX_RATE_UNKNOWN"
    with pytest.raises(DomainError) as err:
        rules("US", ShipTo("US", "ZZ", "00000"), included=False)
    assert err.value.code == "TAX_RATE_UNKNOWN"


def test_loading_the_rates_again_adds_nothing_and_junk_is_refused(tmp_path):
    count = TaxRate.objects.count()
    assert count > 80 and tax_rates_load() == 0 and TaxRate.objects.count() == count
    bad = tmp_path / "rates.json"
    bad.write_text(
        '{"rates": [{"country": "FR", "region": "", "kind": "vat", "rate": "20", "valid_from": "2030-01-01"}]}'
    )
    with pytest.raises(DomainError) as err:
        tax_rates_load(path=bad)
    assert err.value.code == "TAX_RATES_INVALID" and TaxRate.objects.count() == count


def test_a_markets_local_date_is_its_own_calendar_day():
    """Market.local_date / local_month: the one definition of a market's day (taxes, invoices, months)."""
    import datetime as dt

    from remarket.markets.models import Market

    paris, new_york = Market(time_zone="Europe/Paris"), Market(time_zone="America/New_York")
    at = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert (paris.local_date(at), paris.local_month(at)) == (dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    assert (new_york.local_date(at), new_york.local_month(at)) == (dt.date(2026, 12, 31), dt.date(2026, 12, 1))


def test_goods_ship_to_the_delivery_address_else_the_counter_they_are_handed_over_at():
    """markets/tax.py ship_to_of: checkout, the VAT-scheme change and invoices read an order's ship-to through it
    (Order.ship_to); an order taken at a counter but delivered home is taxed where it is delivered."""
    from remarket.markets.models import Location
    from remarket.markets.tax import ShipTo, ship_to_of

    store = Location(region="NY", postcode="10012")
    home = {"country": "US", "state": "NJ", "postal_code": "07030"}
    assert ship_to_of(market_code="US", address=home, location=store) == ShipTo("US", "NJ", "07030")
    assert ship_to_of(market_code="US", address={}, location=store) == ShipTo("US", "NY", "10012")
