from dataclasses import dataclass

from django.db.models import Min

from remarket.catalog.grades import ORDER
from remarket.catalog.models import ProductModel
from remarket.core.errors import NotFound
from remarket.markets.models import Market

from .best import SELLABLE
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
    score: float = 0.0
    merchant_quality: int = 100
    shipping_minor: int = 0
    delay_days: int | None = None

    @property
    def total_minor(self) -> int:
        return self.price_minor + self.shipping_minor


def offers_for_product(*, model: ProductModel, market: Market) -> list[Offer]:
    """Published, in-stock offers of a model in a market, best score first within each variant and grade.
    One query, whatever the number of offers."""
    rows = (ListingMarket.objects
            .filter(market=market, published=True, listing__variant__model=model, listing__quantity__gt=0,
                    listing__merchant__status__in=SELLABLE)
            .select_related("listing__variant", "listing__merchant")
            .annotate(ship_price=Min("shipping__price_minor"), ship_delay=Min("shipping__delay_days")))
    offers = [Offer(t.listing_id, t.listing.sku, t.listing.variant_id, t.listing.variant.label, t.listing.grade,
                    t.listing.merchant.name, t.price_minor, t.currency, t.listing.quantity,
                    t.listing.warranty_months, t.score, t.listing.merchant.quality_score, t.ship_price or 0,
                    t.ship_delay) for t in rows]
    return sorted(offers, key=lambda o: (o.variant_id, ORDER.index(o.grade), -o.score, o.total_minor, o.listing_id))


def best_offers(offers: list[Offer]) -> dict[tuple[int, str], Offer]:
    """The winner per variant and grade: the first of each group in `offers_for_product`'s order (stored scores,
    see offers/best.py)."""
    best: dict[tuple[int, str], Offer] = {}
    for offer in offers:
        best.setdefault((offer.variant_id, offer.grade), offer)
    return best


def offer_get(*, listing_id: int, market: Market) -> ListingMarket:
    term = (ListingMarket.objects.select_related("listing__variant__model", "listing__merchant")
            .filter(listing_id=listing_id, market=market).first())
    if term is None:
        raise NotFound("OFFER_NOT_FOUND", f"There is no offer {listing_id} in {market.code}.")
    return term
