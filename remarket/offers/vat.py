"""The VAT scheme a listing declares, the names it is given on the way in, and which line of a sale may be taxed
under the EU margin scheme: each rule once.

A listing declares standard VAT or the margin scheme (`VatScheme`); what a sold line then bears is
markets/tax.py's `Scheme` (VAT, the margin scheme, US sales tax), fixed at checkout by `line_tax_rule`. The
margin code is the same in both sets. The seller contract (`/ws/` orders and listings, CSV feeds) names the
schemes REGULAR and MARGINAL; `vat_scheme_parse` is the one place those names, and ours, are read."""

from enum import Enum
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remarket.core.errors import DomainError
from remarket.markets.tax import Scheme, TaxRule


class VatScheme(models.TextChoices):
    STANDARD = "standard", gettext_lazy("Standard VAT")
    MARGIN = Scheme.MARGIN.value, gettext_lazy("Margin scheme")


CONTRACT_VAT_TYPES = {"REGULAR": VatScheme.STANDARD, "MARGINAL": VatScheme.MARGIN}  # the contract's vat_type
_NAMES = {name.lower(): scheme for name, scheme in CONTRACT_VAT_TYPES.items()} | {s.value: s for s in VatScheme}


def vat_scheme_parse(value: object, *, contract_only: bool = False) -> VatScheme | None:
    """A VAT scheme as written on the way in, any case and spacing: ours (standard, margin) or the contract's
    (REGULAR, MARGINAL); `contract_only` accepts the contract's names alone (the `/ws/` order update's
    `vat_type`). None when the text names no scheme."""
    text = str(value).strip().lower()
    if contract_only and text.upper() not in CONTRACT_VAT_TYPES:
        return None
    return _NAMES.get(text)


class MarginRefusal(Enum):
    """Why a unit cannot be taxed under the margin scheme."""

    SALE_NOT_ELIGIBLE = "sale"  # the seller's and the buyer's countries do not allow it
    PURCHASE_PRICE_MISSING = "purchase"  # no purchase price, or one in another currency than the sale's
    MARGIN_NEGATIVE = "negative"  # bought for more than it sells for


def margin_refusal(
    *,
    purchase_price_minor: int | None,
    purchase_currency: str,
    currency: str,
    unit_price_minor: int,
    sale_allows: bool = True,
) -> MarginRefusal | None:
    """The one rule of which unit may be taxed on its margin, or why not (None: it may). The sale must allow the
    scheme (`sale_allows`: markets/tax.py `tax_rules` gave a margin rule — an EU seller and buyer, or a domestic
    sale; never US sales tax); the unit needs its purchase price in the sale's currency (the margin is
    price − purchase price, in one currency), and that price is not above the selling price."""
    if not sale_allows:
        return MarginRefusal.SALE_NOT_ELIGIBLE
    if purchase_price_minor is None or purchase_currency.upper() != currency.upper():
        return MarginRefusal.PURCHASE_PRICE_MISSING
    if purchase_price_minor > unit_price_minor:
        return MarginRefusal.MARGIN_NEGATIVE
    return None


def margin_error(refusal: MarginRefusal, *, sku: str, currency: str, on_listing: bool = False) -> DomainError:
    """The refusal as the error a merchant sees: writing a listing (`on_listing`) or stating an order's scheme."""
    if refusal is MarginRefusal.SALE_NOT_ELIGIBLE:
        return DomainError(
            "ORDER_MARGIN_SCHEME_UNAVAILABLE",
            _("The margin scheme does not apply to this sale (it needs an EU seller and buyer, or a domestic sale)."),
        )
    if refusal is MarginRefusal.PURCHASE_PRICE_MISSING:
        if on_listing:
            return DomainError(
                "OFFER_PURCHASE_PRICE_REQUIRED",
                _("SKU %(sku)s: the margin scheme needs the unit's purchase price.") % {"sku": sku},
            )
        return DomainError(
            "ORDER_PURCHASE_PRICE_MISSING",
            _("SKU %(sku)s has no purchase price in %(currency)s: declare it on the listing first.")
            % {"sku": sku, "currency": currency},
        )
    return DomainError(
        "OFFER_MARGIN_NEGATIVE",
        _(
            "SKU %(sku)s: the purchase price is above the selling price; the margin scheme needs a margin (or use standard VAT)."
        )
        % {"sku": sku},
    )


class LineTax(NamedTuple):
    rule: TaxRule
    purchase_price_minor: int | None  # per unit, the margin's basis; None under any other scheme


def line_tax_rule(
    *,
    vat_scheme: str,
    purchase_price_minor: int | None,
    purchase_currency: str,
    currency: str,
    unit_price_minor: int,
    standard: TaxRule,
    margin: TaxRule | None,
) -> LineTax:
    """The rule one line of a sale is taxed by: the margin rule when the listing declares the margin scheme and
    `margin_refusal` finds nothing against it, the standard rule (VAT or US sales tax) otherwise. Checkout, the
    quote, the till's search and the demo price lines through here (orders/services.py `order_priced`)."""
    if vat_scheme == VatScheme.MARGIN and margin is not None:
        refusal = margin_refusal(
            purchase_price_minor=purchase_price_minor,
            purchase_currency=purchase_currency,
            currency=currency,
            unit_price_minor=unit_price_minor,
        )
        if refusal is None:
            return LineTax(margin, purchase_price_minor)
    return LineTax(standard, None)
