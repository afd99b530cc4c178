"""Merchant reads."""

from .models import Merchant


def merchant_by_slug(*, slug: str) -> Merchant | None:
    return Merchant.objects.filter(slug=slug).first()


def merchant_get(*, merchant_id: int) -> Merchant:
    return Merchant.objects.get(pk=merchant_id)


def merchant_can_sell(*, merchant_id: int) -> bool:
    """Whether the merchant may publish and sell (its status only is read)."""
    return Merchant.objects.only("status").get(pk=merchant_id).can_sell
