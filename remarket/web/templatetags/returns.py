"""`{% load returns %}`: a date as the market writes it, and what of a sub-order can be returned today."""

from babel.dates import format_date
from django import template

from remarket.aftersales.selectors import returns_of_suborder
from remarket.aftersales.window import returnable_lines

register = template.Library()


@register.simple_tag
def market_date(day, language="en"):
    """`{% market_date deadline market.language %}` → "9 novembre 2026" / "November 9, 2026"."""
    if day is None:
        return ""
    return format_date(day, format="long", locale=language.replace("-", "_"))


@register.simple_tag
def suborder_returns(sub):
    """`{% suborder_returns sub as r %}`: r.lines (line, deadline) returnable today, r.returns (its returns)."""
    return {"lines": returnable_lines(sub), "returns": list(returns_of_suborder(sub))}
