"""The best offer ("Backbox") seen from the merchant's listings, from `offers.best.competition_for`.

`/ws/backbox/v1/competitors/{listingId}`: one `Competitor` per market the listing has terms in, prices as
`MonetaryAmount`. Other merchants' offers are not listed: their min prices are theirs. `price_to_win` is the
listing's own price when it wins or the backbox is empty, "0" (no positive price wins) when none can win.

`/ws/listings_bi` (deprecated by the reference, kept for old clients): one `Backbox` per listing online in the
selected market; `current` (required by the contract, not described) is the winner's price, null if none."""

from remarket.catalog.grades import line_condition
from remarket.offers.best import competition_for
from remarket.offers.selectors import listing_terms, terms_online

from .endpoint import Call
from .pagination import page_body, page_of
from .queries import listing_key, listing_of
from .serializers import monetary, number


def _to_win(standing, price_minor: int) -> int:
    if standing.price_to_win_minor is not None:
        return standing.price_to_win_minor
    return price_minor if standing.winner_price_minor is None else 0


def competitors(request, call: Call, listing_ref: str):
    listing = listing_of(merchant_id=call.merchant_id, **listing_key(listing_ref))
    items = []
    for term in listing_terms(listing_id=listing.pk):
        standing = competition_for(listing_id=listing.pk, market_id=term.market_id, merchant_id=call.merchant_id)
        items.append(
            {
                "listing_id": str(listing.public_id),
                "product_id": str(listing.variant.public_id),
                "market": term.market.code,
                "is_winning": standing.is_winning,
                "price": monetary(term.price_minor, term.currency),
                "min_price": monetary(term.min_price_minor, term.currency),
                "price_to_win": monetary(_to_win(standing, term.price_minor), term.currency),
                "winner_price": monetary(standing.winner_price_minor, term.currency),
            }
        )
    return items


def listings_bi(request, call: Call):
    page = page_of(request)
    online = terms_online(merchant_id=call.merchant_id, market=call.market)
    count = online.count()
    results = []
    for term in page.slice(online) if count else []:
        standing = competition_for(listing_id=term.listing_id, market_id=term.market_id, merchant_id=call.merchant_id)
        winner = next((c for c in standing.competitors if c.is_winning), None)
        results.append(
            {
                "product": term.listing.variant_id,
                "sku": term.listing.sku,
                "price": number(term.price_minor, term.currency),
                "quantity": term.listing.quantity,
                "buybox": standing.is_winning,
                "price_for_buybox": number(_to_win(standing, term.price_minor), term.currency),
                "currency": term.currency,
                "condition": line_condition(term.listing.grade),
                "same_merchant_winner": winner is not None and winner.merchant_id == call.merchant_id,
                "current": None if winner is None else number(winner.price_minor, term.currency),
            }
        )
    return page_body(request, page, count, results)
