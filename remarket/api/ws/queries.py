"""Reads behind /ws/, always scoped to the caller's merchant: someone else's listing or task is "not found",
never "forbidden", so its existence does not leak. A listing is named by its UUID or its legacy integer id."""

import uuid

from remarket.core.errors import DomainError
from remarket.markets.models import Market
from remarket.offers.models import Listing
from remarket.offers.selectors import listing_for_merchant, listings_terms_shipping

from .serializers import listing_public


def listing_key(ref: str) -> dict:
    """`listing_for_merchant` arguments for a listing reference: a UUID (`public_id`) or a legacy integer id
    (`pk`)."""
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
    return listing_for_merchant(merchant_id=merchant_id, **key)


def listings_public(listings: list[Listing], *, market: Market, can_sell: bool) -> list[dict]:
    """`ListingPublic` for each listing as seen in `market`: two queries whatever the number of listings."""
    terms, shippings = listings_terms_shipping(listings=listings, market=market)
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
