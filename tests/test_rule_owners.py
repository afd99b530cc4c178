"""Rules with one owner stay with it: the tax scheme codes are written only in markets/tax.py (`Scheme`) and
offers/vat.py (`VatScheme`, the contract's REGULAR / MARGINAL); a place's local day only in core/clock.py; where
goods ship to only in markets/tax.py `ship_to_of`; the take rate only in the ledger. Each walk names the file and
line of a second copy."""

import ast
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import remarket

ROOT = Path(remarket.__file__).parent
CODES = {"vat", "margin", "standard", "sales_tax", "REGULAR", "MARGINAL", "regular", "marginal"}
CODE_OWNERS = {"markets/tax.py", "offers/vat.py"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), filename=str(path))


def _code_literals(tree: ast.AST, where: str) -> list[str]:
    """String constants that are scheme codes, dictionary keys and subscripts aside (`{"sales_tax": ...}`,
    `row["sales_tax"]` name a sum, not a scheme)."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Subscript):
            keys.add(id(node.slice))
    return [
        f"{where}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in CODES and id(node) not in keys
    ]


def test_tax_scheme_codes_are_written_in_their_owners_only():
    found = []
    for where, tree in _modules():
        if where not in CODE_OWNERS:
            found += _code_literals(tree, where)
    templates = [*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("web/templates/**/*.html")]
    compared = re.compile(r"""==\s*["'](margin|standard|sales_tax|vat|none)["']""")
    for path in sorted(set(templates)):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if compared.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number} compares a scheme code")
    assert found == []


def test_the_walk_finds_a_second_copy_of_a_code():
    tree = ast.parse(
        'x = l.tax_scheme == "margin"\nrows = {"sales_tax": 1}\ny = row["sales_tax"]\nz = f(scheme="REGULAR")'
    )
    assert _code_literals(tree, "m.py") == ["m.py:1 'margin'", "m.py:4 'REGULAR'"]


def _calls(tree: ast.AST, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and name in (getattr(node.func, "id", None), getattr(node.func, "attr", None)):
            yield node


def test_a_local_day_ship_to_and_take_rate_each_have_one_definition():
    found = []
    for where, tree in _modules():
        for call in _calls(tree, "date"):  # moment.astimezone(zone).date(): core/clock.py local_date
            inner = call.func.value if isinstance(call.func, ast.Attribute) else None
            if isinstance(inner, ast.Call) and getattr(inner.func, "attr", None) == "astimezone":
                if where != "core/clock.py":
                    found.append(f"{where}:{call.lineno} a local day of its own")
        if where != "markets/tax.py":
            found += [f"{where}:{c.lineno} ShipTo(...) of its own" for c in _calls(tree, "ShipTo")]
        if not where.startswith("ledger/"):
            found += [f"{where}:{c.lineno} a take rate outside the ledger" for c in _calls(tree, "take_rate_bp")]
    assert found == []


@pytest.mark.django_db
def test_every_reader_of_a_local_month_agrees_around_midnight():
    """23:30 UTC on 30 November is already December in Paris, still November in New York."""
    from remarket.core import clock
    from remarket.ledger.periods import previous_period, recent_periods
    from remarket.markets.models import Market
    from remarket.orders.partner_reports import month_parse

    at = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    for zone_name, day in (("Europe/Paris", dt.date(2026, 12, 1)), ("America/New_York", dt.date(2026, 11, 30))):
        zone = ZoneInfo(zone_name)
        market = Market(code="XX", currency="EUR", language="fr-FR", time_zone=zone_name)
        month = day.replace(day=1)
        assert market.local_date(at) == clock.local_date(at, zone) == day
        assert market.local_month(at) == clock.local_month(at, zone) == month
        assert recent_periods(at, zone, 2)[0] == month_parse(None, zone, at) == month
        assert (
            previous_period(at, zone) == recent_periods(at, zone, 2)[1] == (month - dt.timedelta(days=1)).replace(day=1)
        )


@pytest.mark.django_db
def test_an_orders_ship_to_is_the_address_else_the_counter():
    """markets/tax.py `ship_to_of`, as checkout prices an order and as `Order.ship_to` reads it back."""
    from remarket.markets.models import Location, Market
    from remarket.markets.tax import ShipTo, ship_to_of
    from remarket.orders.models import Order

    counter = Location(region="NY", postcode="10012")
    address = {"country": "US", "state": "NJ", "postal_code": "07302"}
    assert ship_to_of(market_code="US", address=address, location=counter) == ShipTo("US", "NJ", "07302")
    assert ship_to_of(market_code="US", address={}, location=counter) == ShipTo("US", "NY", "10012")
    order = Order(shipping_address=address, market=Market(code="US"))
    assert order.ship_to == ShipTo("US", "NJ", "07302")
