import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.decorators import decorate_view

from remarket.catalog.grades import GRADE_LOOKS, Grade
from remarket.catalog.illustrations import illustration_alt
from remarket.catalog.selectors import categories_by_id, categories_by_name, product_models
from remarket.core import clock
from remarket.core.replica import replica_reads
from remarket.markets.selectors import market_get, markets_by_code
from remarket.offers.facts import offer_facts
from remarket.offers.selectors import product_view

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
    battery_health_pct: int  # the merchant's measured value, else the floor every grade promises (80)
    battery_measured: bool
    new_price_minor: int | None  # the model's price new in this currency, when the catalog has it
    saving_minor: int | None
    delivery_on: dt.date  # the delivery estimate: the fastest shipping's business days after today
    delivery_business_days: int
    return_days: int


class GradeOut(Schema):
    grade: str
    label: str
    looks: str  # what a device of this grade looks like
    offer_count: int
    best: OfferOut | None


class ImageOut(Schema):
    kind: str  # photo or illustration (drawn, not a photo of the device)
    colour: str
    alt: str
    width: int
    height: int
    src: str
    webp_srcset: str
    jpeg_srcset: str


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
    offers: list[OfferOut]  # each grade's best offer of the variant (the others: the product page's list)
    grades: list[GradeOut]
    images: list[ImageOut]
    new_prices: dict[str, int]


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


def _offer_out(o, model, market, today: dt.date) -> OfferOut:
    f = offer_facts(
        price_minor=o.price_minor,
        currency=o.currency,
        new_prices=model.new_prices,
        battery_health_pct=o.battery_health_pct,
        delay_days=o.delay_days,
        warranty_months=o.warranty_months,
        today=today,
        country=market.code,
    )
    return OfferOut(
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
        best=True,
        battery_health_pct=f.battery_pct,
        battery_measured=f.battery_measured,
        new_price_minor=f.new_price_minor,
        saving_minor=f.saving_minor,
        delivery_on=f.delivery_on,
        delivery_business_days=f.delivery_business_days,
        return_days=f.return_days,
    )


@router.get("/products/{slug}", response={200: ProductOut, 404: Error})
@decorate_view(replica_reads)
def product(request, slug: str, market: str = "FR", variant: int | None = None):
    """A product's variants with what each has on sale, and for one variant (the one asked for, or the first on
    sale) each grade with what it looks like, its number of offers and its best offer (battery, price against
    new, delivery estimate, warranty and returns); the gallery; the same data as the product page."""
    the_market = market_get(code=market)
    view = product_view(slug=slug, market=the_market, variant_id=variant)
    today = the_market.local_date(clock.now())
    best = {g.grade: _offer_out(g.best, view.model, the_market, today) for g in view.grades if g.best is not None}
    colour = view.variant.colour if view.variant else ""
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
        offers=list(best.values()),
        grades=[
            GradeOut(
                grade=g.grade,
                label=str(Grade(g.grade).label),
                looks=str(GRADE_LOOKS[Grade(g.grade)]),
                offer_count=g.others + 1 if g.best is not None else 0,
                best=best.get(g.grade),
            )
            for g in view.grades
        ],
        images=[
            ImageOut(
                kind=i.kind,
                colour=i.colour,
                alt=illustration_alt(view.model, i.colour or colour) if i.illustration else i.alt,
                width=i.width,
                height=i.height,
                src=i.src,
                webp_srcset=i.webp_srcset,
                jpeg_srcset=i.jpeg_srcset,
            )
            for i in view.images
        ],
        new_prices=view.model.new_prices,
    )
