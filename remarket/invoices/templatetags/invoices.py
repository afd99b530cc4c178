from django import template

from remarket.core.money import rate_percent as _rate_percent
from remarket.invoices.selectors import suborder_documents as _suborder_documents
from remarket.markets.tax import Scheme

register = template.Library()


@register.simple_tag
def suborder_documents(suborder):
    """`{% suborder_documents sub as docs %}`: docs.invoices (ours, credit notes included) and docs.upload."""
    return _suborder_documents(suborder=suborder)


@register.filter
def rate_percent(rate, language="en"):
    """`{{ line.tax_rate|rate_percent:language }}`: a tax rate as a percentage (core/money.py `rate_percent`)."""
    if rate in (None, ""):
        return ""
    return _rate_percent(rate, language)


@register.filter
def margin_scheme(tax_scheme) -> bool:
    """`{% if line.tax_scheme|margin_scheme %}`: the line is taxed on its margin (markets/tax.py `Scheme`)."""
    return tax_scheme == Scheme.MARGIN


@register.filter
def tax_on_top(tax_scheme) -> bool:
    """`{% if sub.shipping_tax_scheme|tax_on_top %}`: the tax comes on top of the prices (US sales tax)."""
    return tax_scheme == Scheme.SALES_TAX


@register.filter
def tax_label(tax_scheme) -> str:
    """A tax scheme's human name in the page's language ("VAT", "Sales tax")."""
    return str(Scheme(tax_scheme).label) if tax_scheme in Scheme.values else str(tax_scheme)
