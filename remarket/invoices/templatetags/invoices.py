from babel.numbers import format_percent
from django import template

from remarket.invoices.selectors import suborder_documents as _suborder_documents

register = template.Library()


@register.simple_tag
def suborder_documents(suborder):
    """`{% suborder_documents sub as docs %}`: docs.invoices (ours, credit notes included) and docs.upload."""
    return _suborder_documents(suborder=suborder)


@register.filter
def rate_percent(rate, language="en"):
    """A tax rate as a fraction, shown as a percentage: 0.2 → "20%", 0.08875 → "8,875 %" in French."""
    if rate in (None, ""):
        return ""
    from decimal import Decimal

    return format_percent(
        Decimal(str(rate)).normalize(), locale=str(language).replace("-", "_"), decimal_quantization=False
    )
