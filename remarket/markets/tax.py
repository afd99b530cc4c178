"""Which tax a sale bears, and how much: the rules of ../DESIGN (Money and time) in one place.

- Markets whose prices include tax (the EU, the UK) charge VAT inside the price. A distance sale inside the EU
  is taxed at the buyer's country rate (the One-Stop-Shop rule), a domestic sale at its country's rate: in both
  cases the ship-to country's rate.
- The EU margin scheme for second-hand goods taxes only the margin (price − the unit's purchase price), at the
  rate of the seller's country, whatever the buyer's country; it applies when seller and buyer are both in the
  EU, or in the same country (the UK has its own). Its invoice shows no VAT.
- US prices exclude sales tax, added at checkout from the ship-to state; New York City (found by ZIP code)
  charges 8.875 %. The marketplace collects and remits it as a marketplace facilitator.

Rates are data (`TaxRate`, loaded from markets/data/tax-rates.json) with validity dates; a sale on a date no
rate covers is refused. Amounts are minor units, rounded half-up per line."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remarket.core.errors import DomainError
from remarket.core.kept import Kept

EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())


class Scheme(models.TextChoices):
    """The tax a line (or a shipping) bears, as stored on order lines, sub-orders' shipping, invoice lines and
    invoice tax summaries: the one set of these codes. A listing's own declaration (standard VAT or the margin
    scheme) is `offers.vat.VatScheme`; its margin code is this one's."""

    VAT = "vat", gettext_lazy("VAT")  # standard VAT, inside the price
    MARGIN = "margin", gettext_lazy("Margin scheme")  # VAT on the margin only, inside the price, not shown
    SALES_TAX = "sales_tax", gettext_lazy("Sales tax")  # US: added to the price
    NONE = "none", gettext_lazy("No tax")


SHOWN = frozenset({Scheme.VAT, Scheme.SALES_TAX})  # the schemes whose tax a quote, receipt or invoice shows


def tax_shown(scheme: str) -> bool:
    """Whether a line's tax is shown to the buyer: VAT and sales tax are, the margin scheme's VAT never is
    (Directive 2006/112/EC, art. 226(14)), and no tax is nothing to show."""
    return scheme in SHOWN


@dataclass(frozen=True)
class TaxRule:
    scheme: str
    rate: Decimal
    jurisdiction: str  # FR, DE, US-NY, US-NY-NYC
    shipping_taxable: bool = True

    @property
    def included(self) -> bool:
        """Whether the price already holds the tax (VAT) or the tax comes on top (US sales tax)."""
        return self.scheme != Scheme.SALES_TAX


@dataclass(frozen=True)
class ShipTo:
    country: str
    region: str = ""  # a US state
    postcode: str = ""


def ship_to_of(*, market_code: str, address: dict | None, location=None) -> ShipTo:
    """Where goods go, for their tax — the one rule every reader applies: the delivery address when there is
    one, else the store or counter (`location`: its region and postcode) where they are handed over."""
    if address:
        return ShipTo(address.get("country", market_code), address.get("state", ""), address.get("postal_code", ""))
    return ShipTo(market_code, location.region, location.postcode)


def tax_amount(rule: TaxRule, amount_minor: int, *, purchase_minor: int = 0) -> int:
    """The tax of one line (or of shipping): inside the amount for VAT, on top of it for sales tax; under the
    margin scheme rate × margin / (1 + rate), the margin never below zero."""
    if rule.scheme == Scheme.NONE or not rule.rate:
        return 0
    base = Decimal(max(0, amount_minor - purchase_minor) if rule.scheme == Scheme.MARGIN else amount_minor)
    tax = base * rule.rate / (1 + rule.rate) if rule.included else base * rule.rate
    return int(tax.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_rules(
    *, prices_include_tax: bool, merchant_country: str, ship_to: ShipTo, on: dt.date
) -> tuple[TaxRule, TaxRule | None]:
    """The standard rule of a sale and, where the margin scheme can apply, its margin rule."""
    dest, origin = ship_to.country.upper(), merchant_country.upper()
    if not prices_include_tax:
        return _sales_tax(ship_to, on), None
    standard = _vat(dest, on)
    margin = None
    if (origin in EU and dest in EU) or origin == dest:
        seller = _vat(origin, on)
        margin = TaxRule(Scheme.MARGIN, seller.rate, origin)
    return standard, margin


def _vat(country: str, on: dt.date) -> TaxRule:
    rate = _rate(country, "", on)
    if rate is None:
        raise DomainError(
            "TAX_RATE_UNKNOWN",
            _("No VAT rate is known for %(country)s on %(date)s.") % {"country": country, "date": on.isoformat()},
            status=422,
        )
    return TaxRule(Scheme.VAT, rate["rate"], country, rate["shipping_taxable"])


def _sales_tax(ship_to: ShipTo, on: dt.date) -> TaxRule:
    state = (ship_to.region or "").upper()
    for city in _cities(ship_to.country, state, on):  # a city inside the state, found by the ZIP code
        if any(ship_to.postcode.startswith(prefix) for prefix in city["postcode_prefixes"]):
            return TaxRule(
                Scheme.SALES_TAX, city["rate"], f"{ship_to.country}-{city['region']}", city["shipping_taxable"]
            )
    rate = _rate(ship_to.country, state, on)
    if rate is None:
        raise DomainError(
            "TAX_RATE_UNKNOWN",
            _("No sales tax rate is known for %(region)s on %(date)s; check the state of the address.")
            % {"region": f"{ship_to.country}-{state}", "date": on.isoformat()},
            status=422,
        )
    return TaxRule(Scheme.SALES_TAX, rate["rate"], f"{ship_to.country}-{state}", rate["shipping_taxable"])


def _valid(row: dict, on: dt.date) -> bool:
    return row["valid_from"] <= on and (row["valid_to"] is None or on <= row["valid_to"])


def _rate(country: str, region: str, on: dt.date) -> dict | None:
    return next((r for r in _rates().get((country, region), ()) if _valid(r, on)), None)


def _cities(country: str, state: str, on: dt.date) -> list[dict]:
    return (
        [
            r
            for (c, region), rows in _rates().items()
            if c == country and region.startswith(f"{state}-")
            for r in rows
            if _valid(r, on)
        ]
        if state
        else []
    )


def _load_rates(_) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    from .models import TaxRate

    rates: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in TaxRate.objects.order_by("valid_from").values():
        rates.setdefault((r["country"], r["region"]), []).append(r)
    return rates


# every rate by (country, region): a few hundred rows, read for every checkout line (core/kept.py)
_kept_rates = Kept("tax-rates:v1", _load_rates)


def _rates() -> dict[tuple[str, str], list[dict]]:
    return _kept_rates.get()


def tax_rates_changed() -> None:
    _kept_rates.forget()
