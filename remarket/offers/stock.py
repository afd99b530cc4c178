"""The one place where units move. Every move is a conditional atomic update, taken in primary-key
order so that two checkouts over the same listings cannot deadlock; a zero row count means the units
were not there, and the caller's transaction rolls back whole."""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from remarket.core.errors import Conflict

from .models import Listing, LocationStock


@dataclass(frozen=True)
class Units:
    listing_id: int
    quantity: int
    location_id: int | None = None  # None: the merchant's own stock behind the web channel


def _merged(items: Iterable[Units]) -> list[tuple[tuple[int | None, int], int]]:
    totals: dict[tuple[int | None, int], int] = defaultdict(int)
    for item in items:
        if item.quantity <= 0:
            raise Conflict("STOCK_QUANTITY_INVALID", "A quantity is a whole number above zero.")
        totals[(item.location_id, item.listing_id)] += item.quantity
    return sorted(totals.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))


def stock_reserve(items: Iterable[Units]) -> None:
    """Take units out of availability, all or nothing. Must run inside the caller's transaction."""
    for (location_id, listing_id), qty in _merged(items):
        if location_id is None:
            taken = Listing.objects.filter(pk=listing_id, quantity__gte=qty).update(quantity=F("quantity") - qty)
        else:
            taken = (LocationStock.objects.filter(location_id=location_id, listing_id=listing_id, available__gte=qty)
                     .update(available=F("available") - qty))
        if taken != 1:
            raise Conflict("STOCK_UNAVAILABLE", "Not enough units left for this offer.",
                           {"listing_id": listing_id, "location_id": location_id, "requested": qty})


def stock_release(items: Iterable[Units]) -> None:
    """Give held units back to availability (an unpaid order, an expired hold)."""
    for (location_id, listing_id), qty in _merged(items):
        if location_id is None:
            Listing.objects.filter(pk=listing_id).update(quantity=F("quantity") + qty)
        else:
            LocationStock.objects.filter(location_id=location_id, listing_id=listing_id).update(
                available=F("available") + qty)
