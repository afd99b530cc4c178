"""Merchant reads."""

from .models import Merchant


def merchant_by_slug(*, slug: str) -> Merchant | None:
    return Merchant.objects.filter(slug=slug).first()
