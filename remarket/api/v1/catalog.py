from typing import Any

from ninja import Router, Schema
from ninja.decorators import decorate_view

from remarket.catalog.selectors import categories_by_id, categories_by_name, product_models
from remarket.core.replica import replica_reads
from remarket.markets.selectors import market_get, markets_by_code
from remarket.offers.selectors import best_offers, product_view

from .schemas import Error, offset_query

router = Router(tags=["catalog"])


class MarketOut(Schema):
    code: str
    currency: str
    language: str
    time_zone: str


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    parent_id: int | None


class ProductSummary(Schema):
    slug: str
    brand: str
    name: str
    category: str


class OfferOut(Schema):
    listing_id: int
    sku: str
    grade: str
    merchant: str
    merchant_quality: int
    price_minor: int
    shipping_minor: int
    currency: str
    quantity: int
    warranty_months: int
    best: bool


class VariantOut(Schema):
    id: int
    label: str
    storage_gb: int | None
    colour: str
    offer_count: int
    from_price_minor: int | None


class ProductOut(ProductSummary):
    market: str
    variants: list[VariantOut]
    variant_id: int | None
    offers: list[OfferOut]


@router.get("/markets", response=list[MarketOut])
def markets(request):
    return list(markets_by_code())


@router.get("/categories", response=list[CategoryOut])
def categories(request):
    return list(categories_by_id())


class CategoryNode(Schema):
    id: int
    slug: str
    name: str
    children: list["CategoryNode"]


@router.get("/categories/tree", response=list[CategoryNode])
def category_tree(request):
    """The category tree, roots first, in one query."""
    nodes: dict[int, dict[str, Any]] = {
        c.pk: {"id": c.pk, "slug": c.slug, "name": c.name, "children": [], "parent": c.parent_id}
        for c in categories_by_name()
    }
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        (nodes[node["parent"]]["children"] if node["parent"] in nodes else roots).append(node)
    return roots


@router.get("/products", response=list[ProductSummary])
@decorate_view(replica_reads)
def products(request, category: str | None = None, limit: int = 100, offset: int = offset_query()):
    qs = product_models(category_slug=category or None)
    limit = max(1, min(limit, 500))
    return [
        ProductSummary(slug=p.slug, brand=p.brand, name=p.name, category=p.category.slug)
        for p in qs[offset : offset + limit]
    ]


@router.get("/products/{slug}", response={200: ProductOut, 404: Error})
@decorate_view(replica_reads)
def product(request, slug: str, market: str = "FR", variant: int | None = None):
    """A product's variants with what each has on sale, and every offer of one variant (the one asked for, or the
    first on sale) best first per grade; `best` marks each grade's winner."""
    the_market = market_get(code=market)
    view = product_view(slug=slug, market=the_market, variant_id=variant)
    best = {o.listing_id for o in best_offers(view.offers).values()}
    return ProductOut(
        slug=view.model.slug,
        brand=view.model.brand,
        name=view.model.name,
        category=view.model.category.slug,
        market=the_market.code,
        variant_id=view.variant.id if view.variant else None,
        variants=[
            VariantOut(
                id=v.id,
                label=v.label,
                storage_gb=v.storage_gb,
                colour=v.colour,
                offer_count=v.offer_count,
                from_price_minor=v.from_minor,
            )
            for v in view.variants
        ],
        offers=[
            OfferOut(
                listing_id=o.listing_id,
                sku=o.sku,
                grade=o.grade,
                merchant=o.merchant_name,
                merchant_quality=o.merchant_quality,
                price_minor=o.price_minor,
                shipping_minor=o.shipping_minor,
                currency=o.currency,
                quantity=o.quantity,
                warranty_months=o.warranty_months,
                best=o.listing_id in best,
            )
            for o in view.offers
        ],
    )
