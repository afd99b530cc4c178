from dataclasses import dataclass

from remarket.catalog.grades import ORDER
from remarket.catalog.models import ProductModel
from remarket.core.errors import NotFound
from remarket.markets.models import Market

from .models import ListingMarket


@dataclass(frozen=True)
class Offer:
    listing_id: int
    sku: str
    variant_id: int
    variant_label: str
    grade: str
    merchant_name: str
    price_minor: int
    currency: str
    quantity: int
    warranty_months: int


def offers_for_product(*, model: ProductModel, market: Market) -> list[Offer]:
    """Published, in-stock offers of a model in a market, cheapest first within each grade. One query."""
    rows = (ListingMarket.objects
            .filter(market=market, published=True, listing__variant__model=model, listing__quantity__gt=0,
                    listing__merchant__status__in=("active", "warned", "limited"))
            .select_related("listing__variant", "listing__merchant")
            .order_by("listing__variant_id", "price_minor", "listing_id"))
    offers = [Offer(t.listing_id, t.listing.sku, t.listing.variant_id, t.listing.variant.label, t.listing.grade,
                    t.listing.merchant.name, t.price_minor, t.currency, t.listing.quantity,
                    t.listing.warranty_months) for t in rows]
    return sorted(offers, key=lambda o: (o.variant_id, ORDER.index(o.grade), o.price_minor))


def best_offers(offers: list[Offer]) -> dict[tuple[int, str], Offer]:
    """The cheapest offer per variant and grade (the full quality score arrives with the best-offer work)."""
    best: dict[tuple[int, str], Offer] = {}
    for offer in offers:
        current = best.get((offer.variant_id, offer.grade))
        if current is None or offer.price_minor < current.price_minor:
            best[(offer.variant_id, offer.grade)] = offer
    return best


def offer_get(*, listing_id: int, market: Market) -> ListingMarket:
    term = (ListingMarket.objects.select_related("listing__variant__model", "listing__merchant")
            .filter(listing_id=listing_id, market=market).first())
    if term is None:
        raise NotFound("OFFER_NOT_FOUND", f"There is no offer {listing_id} in {market.code}.")
    return term
