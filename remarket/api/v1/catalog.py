from ninja import Router, Schema
from ninja.responses import Status

from remarket.catalog.models import Category, ProductModel
from remarket.catalog.selectors import product_model_get
from remarket.markets.models import Market
from remarket.markets.selectors import market_get
from remarket.offers.selectors import best_offers, offers_for_product

from .schemas import Error

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
    price_minor: int
    currency: str
    quantity: int
    warranty_months: int
    best: bool


class VariantOut(Schema):
    id: int
    label: str
    storage_gb: int | None
    colour: str
    offers: list[OfferOut]


class ProductOut(ProductSummary):
    market: str
    variants: list[VariantOut]


@router.get("/markets", response=list[MarketOut])
def markets(request):
    return list(Market.objects.order_by("code"))


@router.get("/categories", response=list[CategoryOut])
def categories(request):
    return list(Category.objects.order_by("id"))


class CategoryNode(Schema):
    id: int
    slug: str
    name: str
    children: list["CategoryNode"]


@router.get("/categories/tree", response=list[CategoryNode])
def category_tree(request):
    """The category tree, roots first, in one query."""
    nodes = {c.pk: {"id": c.pk, "slug": c.slug, "name": c.name, "children": [], "parent": c.parent_id}
             for c in Category.objects.order_by("name")}
    roots = []
    for node in nodes.values():
        (nodes[node["parent"]]["children"] if node["parent"] in nodes else roots).append(node)
    return roots


@router.get("/products", response=list[ProductSummary])
def products(request, category: str | None = None, limit: int = 100, offset: int = 0):
    qs = ProductModel.objects.select_related("category").order_by("brand", "name")
    if category:
        qs = qs.filter(category__slug=category)
    limit = max(1, min(limit, 500))
    return [ProductSummary(slug=p.slug, brand=p.brand, name=p.name, category=p.category.slug)
            for p in qs[offset:offset + limit]]


@router.get("/products/{slug}", response={200: ProductOut, 404: Error})
def product(request, slug: str, market: str = "FR"):
    """A product with its variants and, per grade, every offer in the market; `best` marks the winner."""
    the_market = market_get(code=market)
    model = product_model_get(slug=slug)
    offers = offers_for_product(model=model, market=the_market)
    best = {o.listing_id for o in best_offers(offers).values()}
    variants = []
    for variant in model.variants.order_by("storage_gb", "colour"):
        variants.append(VariantOut(id=variant.pk, label=variant.label, storage_gb=variant.storage_gb,
                                   colour=variant.colour, offers=[
            OfferOut(listing_id=o.listing_id, sku=o.sku, grade=o.grade, merchant=o.merchant_name,
                     price_minor=o.price_minor, currency=o.currency, quantity=o.quantity,
                     warranty_months=o.warranty_months, best=o.listing_id in best)
            for o in offers if o.variant_id == variant.pk]))
    return ProductOut(slug=model.slug, brand=model.brand, name=model.name, category=model.category.slug,
                      market=the_market.code, variants=variants)
