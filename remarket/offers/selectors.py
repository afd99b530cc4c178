from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Min

from remarket.catalog.grades import ORDER
from remarket.catalog.models import ProductModel, variant_label
from remarket.catalog.selectors import product_model_get
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


def _on_sale(market: Market):
    return ListingMarket.objects.filter(market=market, published=True, listing__quantity__gt=0,
                                        listing__merchant__status__in=SELLABLE)


def offers_for_product(*, model: ProductModel, market: Market, variant_id: int | None = None) -> list[Offer]:
    """Published, in-stock offers of a model (or one of its variants) in a market, best score first within each
    variant and grade. One query, whatever the number of offers."""
    rows = _on_sale(market).filter(listing__variant__model=model)
    if variant_id is not None:
        rows = rows.filter(listing__variant_id=variant_id)
    # plain values, not model instances: a popular product has hundreds of offers and building four objects
    # per row cost more than the query
    rows = rows.annotate(ship_price=Min("shipping__price_minor"), ship_delay=Min("shipping__delay_days")).values_list(
        "listing_id", "listing__sku", "listing__variant_id", "listing__variant__storage_gb", "listing__variant__colour",
        "listing__grade", "listing__merchant__name", "price_minor", "currency", "listing__quantity",
        "listing__warranty_months", "score", "listing__merchant__quality_score", "ship_price", "ship_delay")
    offers = [Offer(listing_id, sku, variant_id, variant_label(storage, colour), grade, merchant, price, currency,
                    quantity, warranty, score, quality, ship_price or 0, ship_delay)
              for (listing_id, sku, variant_id, storage, colour, grade, merchant, price, currency, quantity, warranty,
                   score, quality, ship_price, ship_delay) in rows]
    return sorted(offers, key=lambda o: (o.variant_id, ORDER.index(o.grade), -o.score, o.total_minor, o.listing_id))


PRODUCT_TTL = 30  # seconds a product's offers may be served from the cache; checkout re-checks stock and price


@dataclass(frozen=True)
class VariantSummary:
    id: int
    label: str
    storage_gb: int | None
    colour: str
    offer_count: int
    from_minor: int | None


@dataclass(frozen=True)
class ProductView:
    """What a product page shows: the model, its variants with what each has on sale, and the offers of the
    variant in view."""

    model: ProductModel
    variants: list[VariantSummary]
    variant: VariantSummary | None
    offers: list[Offer]


def product_view(*, slug: str, market: Market, variant_id: int | None = None) -> ProductView:
    """A product page's data, four queries when it is not cached, none when it is (for PRODUCT_TTL seconds)."""
    key = f"product-view:v1:{market.pk}:{slug}:{variant_id or ''}"
    view = cache.get(key)
    if view is None:
        model = product_model_get(slug=slug)
        on_sale = {row["listing__variant_id"]: row for row in _on_sale(market).filter(listing__variant__model=model)
                   .values("listing__variant_id").annotate(n=Count("id"), low=Min("price_minor")).order_by()}
        variants = [VariantSummary(v.pk, v.label, v.storage_gb, v.colour, on_sale.get(v.pk, {}).get("n", 0),
                                   on_sale.get(v.pk, {}).get("low"))
                    for v in model.variants.order_by("storage_gb", "colour")]
        chosen = (next((v for v in variants if v.id == variant_id), None)
                  or next((v for v in variants if v.offer_count), variants[0] if variants else None))
        offers = offers_for_product(model=model, market=market, variant_id=chosen.id) if chosen and chosen.offer_count else []
        view = ProductView(model, variants, chosen, offers)
        cache.set(key, view, PRODUCT_TTL)
    return view


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
