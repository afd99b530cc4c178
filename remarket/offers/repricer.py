"""The opt-in auto-repricer: a listing that is not winning its best offer moves its price toward the price to
win, never below its min price, through `listings_apply` like every other listing write."""

import datetime as dt
from collections import defaultdict

from remarket.core.money import to_major
from remarket.events.periodic import every

from .best import competition_for
from .models import ListingMarket
from .services import ListingRow, listings_apply


def reprice_target(*, price_minor: int, min_price_minor: int | None, price_to_win_minor: int | None) -> int | None:
    """The new price, or None to leave it: only downward, never below the min price."""
    if price_to_win_minor is None or price_to_win_minor >= price_minor:
        return None
    target = max(price_to_win_minor, min_price_minor or 1)
    return target if target < price_minor else None


def repricer_run(*, limit: int = 2000) -> int:
    terms = list(
        ListingMarket.objects.on_sale()
        .filter(auto_reprice=True)
        .select_related("listing__merchant", "market")
        .order_by("id")[:limit]
    )
    rows_by_merchant = defaultdict(list)
    for term in terms:
        standing = competition_for(listing_id=term.listing_id, market_id=term.market_id)
        if standing.is_winning:
            continue
        target = reprice_target(
            price_minor=term.price_minor,
            min_price_minor=term.min_price_minor,
            price_to_win_minor=standing.price_to_win_minor,
        )
        if target is not None:
            rows_by_merchant[term.listing.merchant].append(
                ListingRow(sku=term.listing.sku, market=term.market.code, price=str(to_major(target, term.currency)))
            )
    moved = 0
    for merchant, rows in rows_by_merchant.items():
        result = listings_apply(merchant=merchant, rows=rows)
        moved += len(result.updated)
    return moved


@every(dt.timedelta(minutes=5), "repricer")
def _reprice() -> str:
    return f"{repricer_run()} listings repriced"
