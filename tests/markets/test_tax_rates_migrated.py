"""The shipped tax rates arrive with `migrate` (migration markets 0003), with no hook after it: a fresh database
has every one of them, and loading the file again adds nothing."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from remarket.markets.models import TaxRate
from remarket.markets.services import TAX_RATES, tax_rates_load

pytestmark = pytest.mark.django_db


def test_a_migrated_database_has_every_shipped_rate():
    shipped = {
        (r["country"], r["region"], dt.date.fromisoformat(r["valid_from"]), Decimal(r["rate"]))
        for r in json.loads(TAX_RATES.read_text())["rates"]
    }
    stored = set(TaxRate.objects.values_list("country", "region", "valid_from", "rate"))
    assert len(shipped) > 80 and stored == shipped
    assert tax_rates_load() == 0
