"""The best offer ("BackBox"): per variant × grade × market, the offer with the highest quality-to-price score.

    score = quality × delivery / price_with_shipping          (× 10⁶, so scores read as small numbers)

- `quality` is the merchant's quality score (0–100, from cancellation and late-shipment rates, see
  merchants/quality.py) raised to the power 2, so that a poor seller needs a much lower price to win;
- `delivery` is 1.0 for a promise of 2 business days or less, minus 3 % per extra day, floored at 0.7;
- `price_with_shipping` is the listing's price plus its cheapest shipping option, in minor units.

The order of a backbox is `winner_key` — the higher score, then the lower price with shipping (what the buyer
pays), then the older listing — and every reader takes it from here: `winner_ordered` for querysets,
`winner_order_sql` for the product page's hand-written ranking (offers/selectors.py). A listing's *price to win* is the highest price, in whole
minor units, at which its score beats the current winner's, never below its own min price. Scores are stored on
each listing's market terms and refreshed whenever price, shipping or quality change (listings_apply, quality
refresh), so a winner is an index lookup on the request path, never a computation."""

from dataclasses import dataclass

from django.db.models import F, Min, QuerySet
from django.db.models.functions import Coalesce

from remarket.core.errors import NotFound
from remarket.merchants.models import Merchant

from .models import ListingMarket, ShippingOption

SELLABLE = Merchant.SELLING


def winner_key(*, score: float, price_minor: int, shipping_minor: int, listing_id: int) -> tuple:
    """Where an offer stands in its backbox: sorting by it puts the winner first."""
    return -score, price_minor + shipping_minor, listing_id


def winner_order_sql(*, terms: str, shipping_price: str) -> str:
    """`winner_key` as an SQL ORDER BY over a market-terms alias and the expression of its cheapest shipping."""
    return f"{terms}.score DESC, {terms}.price_minor + COALESCE({shipping_price}, 0), {terms}.listing_id"


def winner_ordered(terms: QuerySet[ListingMarket]) -> QuerySet[ListingMarket]:
    """Market terms in `winner_key`'s order (their cheapest shipping annotated as `shipping_min_minor`)."""
    return terms.annotate(shipping_min_minor=Coalesce(Min("shipping__price_minor"), 0)).order_by(
        "-score", F("price_minor") + F("shipping_min_minor"), "listing_id"
    )


def delivery_factor(delay_days: int | None) -> float:
    if delay_days is None:
        return 1.0
    return max(0.7, 1.0 - 0.03 * max(0, delay_days - 2))


def offer_score(*, quality: int, price_minor: int, shipping_minor: int = 0, delay_days: int | None = None) -> float:
    total = price_minor + shipping_minor
    if total <= 0:
        return 0.0
    return (quality / 100) ** 2 * delivery_factor(delay_days) / total * 1_000_000


def price_to_win(*, quality: int, shipping_minor: int, delay_days: int | None, winner_score: float) -> int | None:
    """The highest whole price whose score is strictly above `winner_score` (None if none can win)."""
    numerator = (quality / 100) ** 2 * delivery_factor(delay_days) * 1_000_000
    if winner_score <= 0 or numerator <= 0:
        return None
    price = int(numerator / winner_score) - shipping_minor
    while (
        price > 0
        and offer_score(quality=quality, price_minor=price, shipping_minor=shipping_minor, delay_days=delay_days)
        <= winner_score
    ):
        price -= 1
    return price if price > 0 else None


def scores_refresh(*, term_ids: list[int]) -> int:
    """Recompute the stored score of these market terms (after a price, shipping or quality change)."""
    if not term_ids:
        return 0
    shipping = {
        row["terms_id"]: (row["price"], row["delay"])
        for row in ShippingOption.objects.filter(terms_id__in=term_ids)
        .values("terms_id")
        .annotate(price=Min("price_minor"), delay=Min("delay_days"))
    }
    terms = list(
        ListingMarket.objects.filter(pk__in=term_ids)
        .select_related("listing__merchant")
        .only("id", "price_minor", "score", "listing__merchant__quality_score")
    )
    changed = []
    for term in terms:
        ship_price, delay = shipping.get(term.pk, (0, None))
        score = offer_score(
            quality=term.listing.merchant.quality_score,
            price_minor=term.price_minor,
            shipping_minor=ship_price,
            delay_days=delay,
        )
        if abs(score - term.score) > 1e-9:
            term.score = score
            changed.append(term)
    ListingMarket.objects.bulk_update(changed, ["score"], batch_size=1000)
    if changed:  # a new score can change a backbox's winner
        from .summaries import summaries_refresh

        summaries_refresh(
            variant_ids=ListingMarket.objects.filter(pk__in=[t.pk for t in changed]).values_list(
                "listing__variant_id", flat=True
            )
        )
    return len(changed)


@dataclass(frozen=True)
class Competitor:
    listing_public_id: str
    product_public_id: str
    merchant_id: int
    price_minor: int
    min_price_minor: int | None
    currency: str
    score: float
    is_winning: bool


@dataclass(frozen=True)
class Competition:
    """One listing's standing in its backbox (variant × grade × market)."""

    market_code: str
    currency: str
    winner_price_minor: int | None
    price_to_win_minor: int | None
    is_winning: bool
    competitors: list[Competitor]


def _contenders(variant_id: int, grade: str, market_id: int):
    return winner_ordered(
        ListingMarket.objects.on_sale()
        .filter(market_id=market_id, listing__variant_id=variant_id, listing__grade=grade)
        .select_related("listing__variant", "listing__merchant")
    )


def competition_for(*, listing_id: int, market_id: int, merchant_id: int | None = None) -> Competition:
    """The backbox a listing competes in, seen from that listing (scoped to `merchant_id` when given)."""
    mine = ListingMarket.objects.select_related("listing__merchant", "market").filter(
        listing_id=listing_id, market_id=market_id
    )
    if merchant_id is not None:
        mine = mine.filter(listing__merchant_id=merchant_id)
    me = mine.first()
    if me is None:
        raise NotFound("OFFER_NOT_FOUND", f"There is no listing {listing_id} in this market.")
    contenders = list(_contenders(me.listing.variant_id, me.listing.grade, market_id))
    winner = contenders[0] if contenders else None
    shipping = ShippingOption.objects.filter(terms=me).aggregate(p=Min("price_minor"), d=Min("delay_days"))
    if winner is None or winner.pk == me.pk:
        to_win = me.price_minor if winner else None
    else:
        to_win = price_to_win(
            quality=me.listing.merchant.quality_score,
            shipping_minor=shipping["p"] or 0,
            delay_days=shipping["d"],
            winner_score=winner.score,
        )
    competitors = [
        Competitor(
            str(t.listing.public_id),
            str(t.listing.variant.public_id),
            t.listing.merchant_id,
            t.price_minor,
            t.min_price_minor,
            t.currency,
            t.score,
            t is winner,
        )
        for t in contenders
    ]
    return Competition(
        me.market.code,
        me.currency,
        winner.price_minor if winner else None,
        to_win,
        winner is not None and winner.pk == me.pk,
        competitors,
    )


def standings_for_terms(terms: list[ListingMarket]) -> dict[int, tuple[bool, int | None]]:
    """term id → (is winning, price to win) for a page of one merchant's terms, in three queries."""
    if not terms:
        return {}
    keys = {(t.listing.variant_id, t.listing.grade, t.market_id) for t in terms}
    contenders = winner_ordered(
        ListingMarket.objects.on_sale().filter(
            market_id__in={k[2] for k in keys}, listing__variant_id__in={k[0] for k in keys}
        )
    ).values_list("id", "listing__variant_id", "listing__grade", "market_id", "score", "price_minor")
    winners: dict[tuple, tuple[int, float]] = {}
    for term_id, variant_id, grade, market_id, score, _ in contenders:
        winners.setdefault((variant_id, grade, market_id), (term_id, score))
    shipping = {
        row["terms_id"]: (row["p"], row["d"])
        for row in ShippingOption.objects.filter(terms__in=[t.pk for t in terms])
        .values("terms_id")
        .annotate(p=Min("price_minor"), d=Min("delay_days"))
    }
    out = {}
    for t in terms:
        winner = winners.get((t.listing.variant_id, t.listing.grade, t.market_id))
        if winner is None or winner[0] == t.pk:
            out[t.pk] = (winner is not None, t.price_minor if winner else None)
            continue
        ship, delay = shipping.get(t.pk, (0, None))
        out[t.pk] = (
            False,
            price_to_win(
                quality=t.listing.merchant.quality_score,
                shipping_minor=ship or 0,
                delay_days=delay,
                winner_score=winner[1],
            ),
        )
    return out
