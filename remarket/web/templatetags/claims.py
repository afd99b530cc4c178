"""`{% load claims %}`: what of a sub-order a warranty claim can be opened on today, and its claims."""

from django import template

from remarket.aftersales.claims_selectors import claimable_lines, claims_of_suborder

register = template.Library()


@register.simple_tag
def suborder_claims(sub):
    """`{% suborder_claims sub as c %}`: c.lines (line, warranty's last day), c.claims (its claims)."""
    return {"lines": claimable_lines(sub), "claims": list(claims_of_suborder(sub))}
