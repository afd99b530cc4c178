"""Buy-back listings: a merchant publishes what it pays for a variant in a trade-in grade, per market."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.catalog.models import Variant
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.text import text_check
from remarket.markets.models import Market
from remarket.merchants.models import Merchant

from .models import BuybackListing, BuybackPrice, Grade

MAX_PRICE_MINOR = 10**11  # a buy-back price past a billion units of any currency is a typo


def _merchant_check(actor: Actor) -> int:
    """The actor's merchant id, if it is a merchant that may buy back."""
    require(actor, "buyback.manage")
    if not actor.merchant_id:
        raise DomainError("BUYBACK_NOT_A_MERCHANT", _("Only a merchant buys devices back."), status=403)
    merchant = Merchant.objects.only("status").get(pk=actor.merchant_id)
    if not merchant.can_sell:
        raise DomainError(
            "BUYBACK_MERCHANT_NOT_ACTIVE", _("Your account cannot buy back while it is not active."), status=403
        )
    return actor.merchant_id


def _prices_check(prices: dict[str, tuple[int, str]]) -> dict[Market, int]:
    """`prices`: market code → (minor units, currency). Each market exists, each currency is the market's."""
    if not prices:
        raise DomainError("BUYBACK_PRICES_REQUIRED", _("Give a price for at least one market."), {"field": "prices"})
    markets = {m.code: m for m in Market.objects.filter(code__in=[str(c).upper() for c in prices])}
    out = {}
    for code, (minor, currency) in prices.items():
        market = markets.get(str(code).upper())
        if market is None:
            raise DomainError(
                "BUYBACK_MARKET_UNKNOWN", _("There is no market %(code)s.") % {"code": code}, {"field": "prices"}
            )
        if str(currency).upper() != market.currency:
            raise DomainError(
                "BUYBACK_CURRENCY_MISMATCH",
                _("Prices in %(market)s are in %(currency)s.") % {"market": market.code, "currency": market.currency},
                {"field": "prices", "market": market.code},
            )
        if not isinstance(minor, int) or isinstance(minor, bool) or minor < 0 or minor > MAX_PRICE_MINOR:
            raise DomainError("BUYBACK_PRICE_INVALID", _("A price is zero (offline) or more."), {"field": "prices"})
        out[market] = minor
    return out


def _prices_write(listing: BuybackListing, prices: dict[Market, int], now) -> None:
    for market, minor in sorted(prices.items(), key=lambda kv: kv[0].pk):
        BuybackPrice.objects.update_or_create(
            listing=listing,
            market=market,
            defaults={"price_minor": minor, "currency": market.currency, "modified_at": now},
        )


@transaction.atomic
def buyback_listing_publish(
    *, actor: Actor, variant_id: int, grade: str, prices: dict[str, tuple[int, str]], sku: str | None = None
) -> BuybackListing:
    """Create or update the merchant's buy-back listing of a variant in a grade, with its prices per market."""
    merchant_id = _merchant_check(actor)
    if grade not in Grade.values:
        raise DomainError("BUYBACK_GRADE_INVALID", _("Choose a trade-in grade."), {"grades": Grade.values})
    if not Variant.objects.filter(pk=variant_id).exists():
        raise NotFound("BUYBACK_VARIANT_NOT_FOUND", _("There is no such device in the catalogue."))
    if sku is not None:
        sku = str(sku).strip()[:64]
        text_check(sku, code="BUYBACK_SKU_INVALID", field="sku")
    checked = _prices_check(prices)
    now = clock.now()
    listing, _created = BuybackListing.objects.select_for_update().get_or_create(
        merchant_id=merchant_id,
        variant_id=variant_id,
        grade=grade,
        defaults={"sku": sku or "", "created_at": now, "modified_at": now},
    )
    listing.sku, listing.modified_at = sku if sku is not None else listing.sku, now
    listing.save(update_fields=["sku", "modified_at"])
    _prices_write(listing, checked, now)
    return listing


@transaction.atomic
def buyback_listing_prices_update(
    *, actor: Actor, public_id: uuid.UUID, prices: dict[str, tuple[int, str]]
) -> BuybackListing:
    """New prices for some markets of one of the merchant's listings (0 takes it offline there)."""
    merchant_id = _merchant_check(actor)
    listing = BuybackListing.objects.select_for_update().filter(public_id=public_id, merchant_id=merchant_id).first()
    if listing is None:
        raise NotFound("BUYBACK_LISTING_NOT_FOUND", _("There is no such buy-back listing among yours."))
    checked = _prices_check(prices)
    now = clock.now()
    listing.modified_at = now
    listing.save(update_fields=["modified_at"])
    _prices_write(listing, checked, now)
    return listing
