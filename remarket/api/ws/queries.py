"""Reads behind /ws/, always scoped to the caller's merchant: someone else's listing or task is "not found",
never "forbidden", so its existence does not leak. A listing is named by its UUID or its legacy integer id."""

import uuid
from collections import defaultdict

from remarket.core.errors import DomainError, NotFound
from remarket.markets.models import Market
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, ShippingOption

from .serializers import listing_public


def listing_key(ref: str) -> dict:
    """Lookup arguments for a listing reference: a UUID (`public_id`) or a legacy integer id (`pk`)."""
    text = str(ref).strip()
    if text.isdigit():
        return {"pk": int(text)}
    try:
        return {"public_id": uuid.UUID(text)}
    except ValueError:
        raise DomainError(
            "WS_LISTING_ID_INVALID", f"{text!r} is neither a listing UUID nor an integer id.", {"field": "listingId"}
        ) from None


def listing_of(*, merchant_id: int, **key) -> Listing:
    listing = Listing.objects.select_related("variant__model").filter(merchant_id=merchant_id, **key).first()
    if listing is None:
        raise NotFound("OFFER_NOT_FOUND", "There is no such listing among yours.")
    return listing


def merchant_can_sell(merchant_id: int) -> bool:
    return Merchant.objects.only("status").get(pk=merchant_id).can_sell


def listings_public(listings: list[Listing], *, market: Market, can_sell: bool) -> list[dict]:
    """`ListingPublic` for each listing as seen in `market`: two queries whatever the number of listings."""
    terms = {t.listing_id: t for t in ListingMarket.objects.filter(listing__in=listings, market=market)}
    shippings = defaultdict(list)
    for option in (
        ShippingOption.objects.filter(terms__listing__in=listings)
        .select_related("terms__market")
        .order_by("terms__market__code", "carrier")
    ):
        shippings[option.terms.listing_id].append(option)
    return [
        listing_public(
            listing,
            term=terms.get(listing.pk),
            currency=market.currency,
            can_sell=can_sell,
            shippings=shippings[listing.pk],
        )
        for listing in listings
    ]
