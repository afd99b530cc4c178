import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, Min, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from remarket.catalog.grades import ORDER, Grade
from remarket.catalog.models import Category, ProductModel, Variant, variant_label
from remarket.catalog.selectors import GalleryImage, gallery_for, model_gallery
from remarket.core.db import fetch_rows
from remarket.core.errors import NotFound
from remarket.markets.models import Market

from .best import SELLABLE, winner_key, winner_order_sql
from .models import FeedTask, Listing, ListingMarket, LocationStock, ShippingOption


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
    battery_health_pct: int | None = None  # measured, when the merchant gives it (always ≥ 80)

    @property
    def total_minor(self) -> int:
        return self.price_minor + self.shipping_minor


def _sort_key(o: Offer):
    return (
        o.variant_id,
        ORDER.index(Grade(o.grade)),
        *winner_key(score=o.score, price_minor=o.price_minor, shipping_minor=o.shipping_minor, listing_id=o.listing_id),
    )


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
    """What the product API shows: the model, its variants with what each has on sale, and the offers of the
    variant in view."""

    model: ProductModel
    variants: list[VariantSummary]
    variant: VariantSummary | None
    offers: list[Offer]  # each grade's best offer of the variant in view (the others: `offers_of_grade`)
    grades: list["GradeOffers"]
    images: list[GalleryImage]


@dataclass(frozen=True)
class GradeOffers:
    grade: str
    best: Offer | None
    others: int  # how many other offers of this grade the best one beats


@dataclass(frozen=True)
class ProductPage:
    """What a product page shows: the model, its variants with what each has on sale, and for the variant in
    view each grade's best offer and how many others it beats (the others are listed on demand,
    `offers_of_grade`)."""

    model: ProductModel
    variants: list[VariantSummary]
    variant: VariantSummary | None
    grades: list[GradeOffers]
    images: list[GalleryImage]  # the variant's colour's gallery (catalog/selectors.py `gallery_for`)


# Hand-written SQL on the product page's path: it runs on every miss of a popular page, and building these
# statements through the ORM cost more CPU than PostgreSQL spends running them. Plain SQL that SQLite and
# PostgreSQL read alike; the sellable statuses are offers/best.py's SELLABLE.
_SELLABLE_IN = "(" + ", ".join(["%s"] * len(SELLABLE)) + ")"

# The model, its category and variants, and per variant the count and lowest price of its sellable offers in a
# market, from the grade summaries (models.GradeSummary): one statement, one row per variant (one row with no
# variant for a model that has none), whatever the number of offers. `stale` flags a variant one of whose
# summaries names a winner whose merchant can no longer sell (a status change the outbox has not yet carried to
# the summaries): the page then reads that product's offers themselves (_LIVE_HEAD_SQL, _BEST_SQL).
_HEAD_SQL = f"""
SELECT m.id, m.category_id, m.brand, m.name, m.slug, m.release_year, m.new_prices, c.id, c.parent_id, c.slug,
       c.name, c.impact_key, v.id, v.storage_gb, v.colour, s.n, s.low, s.stale
FROM catalog_productmodel m
JOIN catalog_category c ON c.id = m.category_id
LEFT JOIN catalog_variant v ON v.model_id = m.id
LEFT JOIN (
    SELECT g.variant_id AS variant_id, SUM(g.offers) AS n, MIN(g.low_price_minor) AS low,
           MAX(CASE WHEN bm.status IN {_SELLABLE_IN} THEN 0 ELSE 1 END) AS stale
    FROM catalog_productmodel m2
    JOIN offers_gradesummary g ON g.model_id = m2.id AND g.market_id = %s
    JOIN offers_listing bl ON bl.id = g.best_id
    JOIN merchants_merchant bm ON bm.id = bl.merchant_id
    WHERE m2.slug = %s
    GROUP BY g.variant_id
) s ON s.variant_id = v.id
WHERE m.slug = %s
ORDER BY v.storage_gb, v.colour
"""

# The same from the offers themselves (what the summaries hold, computed on the request): the fallback above.
_LIVE_HEAD_SQL = f"""
SELECT m.id, m.category_id, m.brand, m.name, m.slug, m.release_year, m.new_prices, c.id, c.parent_id, c.slug,
       c.name, c.impact_key, v.id, v.storage_gb, v.colour, s.n, s.low, 0
FROM catalog_productmodel m
JOIN catalog_category c ON c.id = m.category_id
LEFT JOIN catalog_variant v ON v.model_id = m.id
LEFT JOIN (
    SELECT l.variant_id AS variant_id, COUNT(*) AS n, MIN(t.price_minor) AS low
    FROM catalog_productmodel m2
    JOIN catalog_variant v2 ON v2.model_id = m2.id
    JOIN offers_listing l ON l.variant_id = v2.id
    JOIN offers_listingmarket t ON t.listing_id = l.id
    JOIN merchants_merchant mm ON mm.id = l.merchant_id
    WHERE m2.slug = %s AND l.quantity > 0 AND t.market_id = %s AND t.published = %s AND mm.status IN {_SELLABLE_IN}
    GROUP BY l.variant_id
) s ON s.variant_id = v.id
WHERE m.slug = %s
ORDER BY v.storage_gb, v.colour
"""

# The sellable offers of one variant in a market with their cheapest shipping, each ranked within its grade in
# the backbox's order (offers/best.py `winner_key`, as SQL), beside the number of offers in its grade.
_OFFERS_SQL = f"""
SELECT t.listing_id, l.sku, l.grade, mm.name, t.price_minor, t.currency, l.quantity, l.warranty_months, t.score,
       mm.quality_score, MIN(s.price_minor) AS ship_price, MIN(s.delay_days) AS ship_delay,
       COUNT(*) OVER (PARTITION BY l.grade) AS n,
       ROW_NUMBER() OVER (PARTITION BY l.grade
                          ORDER BY {winner_order_sql(terms="t", shipping_price="MIN(s.price_minor)")}) AS place,
       l.battery_health_pct
FROM offers_listing l
JOIN offers_listingmarket t ON t.listing_id = l.id
JOIN merchants_merchant mm ON mm.id = l.merchant_id
LEFT JOIN offers_shippingoption s ON s.terms_id = t.id
WHERE l.variant_id = %s AND l.quantity > 0 AND t.market_id = %s AND t.published = %s AND mm.status IN {_SELLABLE_IN}
  {{grade}}
GROUP BY t.id, l.id, mm.id
"""
_BEST_SQL = "SELECT * FROM (" + _OFFERS_SQL.format(grade="") + ") ranked WHERE place = 1"
_GRADE_SQL = _OFFERS_SQL.format(grade="AND l.grade = %s")

# Each grade's winner of one variant in a market, as its summary names it, with the summary's offer count: at
# most one row per grade.
_SUMMARY_BEST_SQL = """
SELECT t.listing_id, l.sku, l.grade, mm.name, t.price_minor, t.currency, l.quantity, l.warranty_months, t.score,
       mm.quality_score, MIN(s.price_minor) AS ship_price, MIN(s.delay_days) AS ship_delay, g.offers, 1,
       l.battery_health_pct
FROM offers_gradesummary g
JOIN offers_listing l ON l.id = g.best_id
JOIN offers_listingmarket t ON t.listing_id = l.id AND t.market_id = g.market_id
JOIN merchants_merchant mm ON mm.id = l.merchant_id
LEFT JOIN offers_shippingoption s ON s.terms_id = t.id
WHERE g.variant_id = %s AND g.market_id = %s
GROUP BY t.id, l.id, mm.id, g.id
"""


def _json(value) -> dict:
    if value is None or isinstance(value, dict):
        return value or {}
    return json.loads(value)


def _head(slug: str, market: Market, live: bool = False) -> tuple[ProductModel, list[VariantSummary], bool]:
    """The model, its variants with what each has on sale, and whether the summaries were stale."""
    with connection.cursor() as cursor:
        if live:
            cursor.execute(_LIVE_HEAD_SQL, [slug, market.pk, True, *SELLABLE, slug])
        else:
            cursor.execute(_HEAD_SQL, [*SELLABLE, market.pk, slug, slug])
        rows = cursor.fetchall()
    if not rows:
        raise NotFound("CATALOG_PRODUCT_NOT_FOUND", _("There is no product %(slug)s.") % {"slug": slug})
    first = rows[0]
    # instances as the ORM would load them (`specs` and the category's other columns deferred, read on access)
    model = ProductModel.from_db(
        connection.alias,
        ["id", "category_id", "brand", "name", "slug", "release_year", "new_prices"],
        [*first[:6], _json(first[6])],
    )
    model.category = Category.from_db(connection.alias, ["id", "parent_id", "slug", "name", "impact_key"], first[7:12])
    variants = [
        VariantSummary(vid, variant_label(storage, colour), storage, colour, int(n or 0), low)
        for *_, vid, storage, colour, n, low, _stale in rows
        if vid is not None
    ]
    return model, variants, any(row[-1] for row in rows)


def _chosen(variants: list[VariantSummary], variant_id: int | None) -> VariantSummary | None:
    """The variant asked for, else the first on sale, else the first."""
    return next((v for v in variants if v.id == variant_id), None) or next(
        (v for v in variants if v.offer_count), variants[0] if variants else None
    )


def _offers(sql: str, params: list, variant: VariantSummary) -> list[tuple[Offer, int, int]]:
    """(offer, its rank in its grade, offers in its grade) per row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (
            Offer(
                listing_id,
                sku,
                variant.id,
                variant.label,
                grade,
                merchant,
                price,
                currency,
                quantity,
                warranty,
                score,
                quality,
                ship_price or 0,
                ship_delay,
                battery,
            ),
            rank,
            n,
        )
        for (
            listing_id,
            sku,
            grade,
            merchant,
            price,
            currency,
            quantity,
            warranty,
            score,
            quality,
            ship_price,
            ship_delay,
            n,
            rank,
            battery,
        ) in rows
    ]


def _params(variant_id: int, market: Market) -> list:
    return [variant_id, market.pk, True, *SELLABLE]


def product_view(*, slug: str, market: Market, variant_id: int | None = None) -> ProductView:
    """The product API's data: the page's (`product_page`), with each grade's winner as `offers`."""
    page = product_page(slug=slug, market=market, variant_id=variant_id)
    return ProductView(
        page.model,
        page.variants,
        page.variant,
        [g.best for g in page.grades if g.best is not None],
        page.grades,
        page.images,
    )


def product_page(*, slug: str, market: Market, variant_id: int | None = None) -> ProductPage:
    """A product page's data, when it is not cached (for PRODUCT_TTL seconds): three queries — the model with
    its variants' summaries, each grade's winner of the variant in view, the gallery — reading at most
    variants × grades summary rows, so the cost does not grow with the number of offers. The others of a grade
    are listed on demand (`offers_of_grade`)."""
    key = f"product-page:v2:{market.pk}:{slug}:{variant_id or ''}"
    page = cache.get(key)
    if page is None:
        model, variants, stale = _head(slug, market)
        if stale:
            model, variants, _stale = _head(slug, market, live=True)
        chosen = _chosen(variants, variant_id)
        best = {}
        if chosen and chosen.offer_count:
            sql, params = (
                (_BEST_SQL, _params(chosen.id, market)) if stale else (_SUMMARY_BEST_SQL, [chosen.id, market.pk])
            )
            best = {o.grade: (o, n) for o, _, n in _offers(sql, params, chosen)}
        grades = [
            GradeOffers(grade, *(best[grade][0], best[grade][1] - 1) if grade in best else (None, 0)) for grade in ORDER
        ]
        images = gallery_for(model_gallery(model_id=model.pk), chosen.colour if chosen else "")
        page = ProductPage(model, variants, chosen, grades, images)
        cache.set(key, page, PRODUCT_TTL)
    return page


def offers_of_grade(*, slug: str, market: Market, variant_id: int, grade: str) -> list[Offer]:
    """The sellable offers of one variant of a product in one grade, best first (what the product page lists
    on demand). Empty when the variant is not the product's."""
    found = Variant.objects.filter(pk=variant_id, model__slug=slug).values_list("storage_gb", "colour").first()
    if found is None:
        return []
    variant = VariantSummary(variant_id, variant_label(*found), *found, 0, None)
    rows = _offers(_GRADE_SQL, [*_params(variant_id, market), grade], variant)
    return [o for o, _, _ in sorted(rows, key=lambda row: row[1])]


def best_offers(offers: list[Offer]) -> dict[tuple[int, str], Offer]:
    """The winner per variant and grade: the first of each group in `product_view`'s order (stored scores,
    see offers/best.py)."""
    best: dict[tuple[int, str], Offer] = {}
    for offer in offers:
        best.setdefault((offer.variant_id, offer.grade), offer)
    return best


def offer_get(*, listing_id: int, market: Market) -> ListingMarket:
    term = (
        ListingMarket.objects.select_related("listing__variant__model", "listing__merchant")
        .filter(listing_id=listing_id, market=market)
        .first()
    )
    if term is None:
        raise NotFound("OFFER_NOT_FOUND", f"There is no offer {listing_id} in {market.code}.")
    return term


class OnSale(NamedTuple):
    """What a checkout reads of an offer on sale: its terms in the market, listing, variant, model, merchant."""

    listing_id: int
    price_minor: int
    currency: str
    merchant_id: int
    sku: str
    grade: str
    vat_scheme: str
    purchase_price_minor: int | None
    purchase_currency: str
    storage_gb: int | None
    colour: str
    brand: str
    model_name: str
    category_id: int | None
    merchant_status: str
    merchant_country: str
    merchant_commission_bp: int | None


# one statement for the offers and their shipping options (a row per option): a purchase's first read, written
# out rather than compiled from a queryset with four select_related joins on every purchase
_ON_SALE_SQL = """
SELECT t.listing_id, t.price_minor, t.currency, l.merchant_id, l.sku, l.grade, l.vat_scheme, l.purchase_price_minor,
       l.purchase_currency, v.storage_gb, v.colour, pm.brand, pm.name, pm.category_id, m.status, m.country,
       m.commission_bp, o.carrier, o.price_minor, o.delay_days
  FROM offers_listingmarket t
  JOIN offers_listing l ON l.id = t.listing_id
  JOIN catalog_variant v ON v.id = l.variant_id
  JOIN catalog_productmodel pm ON pm.id = v.model_id
  JOIN merchants_merchant m ON m.id = l.merchant_id
  LEFT JOIN offers_shippingoption o ON o.terms_id = t.id
 WHERE t.market_id = %s AND t.published = %s AND t.listing_id IN ({})
 ORDER BY t.listing_id, o.id"""


def offers_on_sale(*, market_id: int, listing_ids: list[int]) -> dict[int, tuple[OnSale, list[tuple[str, int, int]]]]:
    """The published terms of these listings in a market, by listing id, each with its shipping options
    (carrier, price, delay) in their order; a listing not published there is missing. Whether its merchant may
    sell is the caller's to check (`merchant_status`)."""
    ids = sorted(set(listing_ids))
    found: dict[int, tuple[OnSale, list[tuple[str, int, int]]]] = {}
    for *row, carrier, price, delay in fetch_rows(
        _ON_SALE_SQL.format(", ".join(["%s"] * len(ids))), [market_id, True, *ids]
    ):
        offer = found.get(row[0])
        if offer is None:
            offer = found[row[0]] = (OnSale(*row), [])
        if carrier is not None:
            offer[1].append((carrier, price, delay))
    return found


# ---- a merchant's own listings (the seller interfaces: /ws/, /api/v1, the back office) --------------------------


def listing_for_merchant(
    *, merchant_id: int, pk: int | None = None, public_id: uuid.UUID | None = None, sku: str | None = None
) -> Listing:
    """One of the merchant's listings by id, UUID or SKU (any case), with its variant and model; someone else's
    is "not found", so its existence does not leak."""
    key = {"pk": pk} if pk is not None else {"public_id": public_id} if public_id is not None else {"sku__iexact": sku}
    listing = Listing.objects.select_related("variant__model").filter(merchant_id=merchant_id, **key).first()
    if listing is None:
        raise NotFound("OFFER_NOT_FOUND", "There is no such listing among yours.")
    return listing


def listings_for_merchant(
    *,
    merchant_id: int,
    online_in: Market | None = None,
    online: bool | None = None,
    none: bool = False,
    min_quantity: int | None = None,
    max_quantity: int | None = None,
) -> QuerySet[Listing]:
    """The merchant's listings by id, with variant and model: published in `online_in` (`online` True) or not
    (False), with at least / at most so many units; `none`: a filter nothing matches."""
    listings = Listing.objects.filter(merchant_id=merchant_id)
    if none:
        listings = listings.none()
    elif online is not None:
        published = Exists(ListingMarket.objects.filter(listing=OuterRef("pk"), market=online_in, published=True))
        listings = listings.filter(published if online else ~published)
    if min_quantity is not None:
        listings = listings.filter(quantity__gte=min_quantity)
    if max_quantity is not None:
        listings = listings.filter(quantity__lte=max_quantity)
    return listings.select_related("variant__model").order_by("pk")


def listings_terms_shipping(
    *, listings: list[Listing], market: Market
) -> tuple[dict[int, ListingMarket], dict[int, list[ShippingOption]]]:
    """The listings' terms in `market` and their shipping options in every market (by market code, carrier), by
    listing id: two queries whatever the number of listings."""
    terms = {t.listing_id: t for t in ListingMarket.objects.filter(listing__in=listings, market=market)}
    shippings: dict[int, list[ShippingOption]] = defaultdict(list)
    for option in (
        ShippingOption.objects.filter(terms__listing__in=listings)
        .select_related("terms__market")
        .order_by("terms__market__code", "carrier")
    ):
        shippings[option.terms.listing_id].append(option)
    return terms, shippings


def listing_terms(*, listing_id: int) -> list[ListingMarket]:
    """A listing's terms in every market it has them in, by market code."""
    return list(ListingMarket.objects.filter(listing_id=listing_id).select_related("market").order_by("market__code"))


def terms_online(*, merchant_id: int, market: Market) -> QuerySet[ListingMarket]:
    """The merchant's terms published in `market` with units to sell, with their listing, by listing id."""
    return (
        ListingMarket.objects.filter(
            listing__merchant_id=merchant_id, market=market, published=True, listing__quantity__gt=0
        )
        .select_related("listing")
        .order_by("listing_id")
    )


def feed_task_for_merchant(*, merchant_id: int, task_id: int) -> FeedTask | None:
    """One of the merchant's feed tasks, without its payload."""
    return FeedTask.objects.filter(pk=task_id, merchant_id=merchant_id).defer("payload").first()


def listings_with_terms(*, merchant_id: int, offset: int, limit: int) -> list[Listing]:
    """A page of the merchant's listings by id, with their terms and the terms' markets: two queries."""
    return list(
        Listing.objects.filter(merchant_id=merchant_id)
        .prefetch_related("terms__market")
        .order_by("id")[offset : offset + limit]
    )


def merchant_listing_public_ids(*, merchant_id: int, public_ids: list) -> set[str]:
    """Which of these listing UUIDs are the merchant's own (as text)."""
    return {
        str(p)
        for p in Listing.objects.filter(merchant_id=merchant_id, public_id__in=public_ids).values_list(
            "public_id", flat=True
        )
    }


def terms_for_merchant(*, merchant_id: int) -> QuerySet[ListingMarket]:
    """The merchant's terms in every market with listing, variant, model, merchant and market, by listing and
    market (a page is read in one query)."""
    return (
        ListingMarket.objects.filter(listing__merchant_id=merchant_id)
        .select_related("listing__variant__model", "listing__merchant", "market")
        .order_by("listing_id", "market_id")
    )


def terms_of_merchant_get(*, merchant_id: int, terms_id: int) -> ListingMarket | None:
    """One of the merchant's terms with its listing and market; None when it is someone else's or none."""
    return (
        ListingMarket.objects.select_related("listing", "market")
        .filter(pk=terms_id, listing__merchant_id=merchant_id)
        .first()
    )


def feed_task_of_merchant_get(*, merchant_id: int, task_id: int) -> FeedTask | None:
    """One of the merchant's feed tasks, whole."""
    return FeedTask.objects.filter(pk=task_id, merchant_id=merchant_id).first()


def lowest_prices_by_model(*, market: Market) -> dict[int, int]:
    """Product model id → the lowest price on sale in `market`: one grouped query."""
    return dict(
        ListingMarket.objects.on_sale()
        .filter(market=market)
        .values_list("listing__variant__model")
        .annotate(p=Min("price_minor"))
        .order_by()
    )


def terms_in_market(*, market: Market, listing_ids: list[int]) -> dict[int, ListingMarket]:
    """Listing id → its terms in `market`, with listing, variant, model and merchant: one query."""
    return {
        t.listing_id: t
        for t in ListingMarket.objects.select_related("listing__variant__model", "listing__merchant").filter(
            market=market, listing_id__in=listing_ids
        )
    }


def units_by_location(*, location_ids: list[int]) -> dict[int, int]:
    """Location id → the units available on its shelf (every listing): one grouped query."""
    return dict(
        LocationStock.objects.filter(location__in=location_ids)
        .values_list("location")
        .annotate(n=Sum("available"))
        .order_by()
    )


def offer_published(*, market: Market, listing_id: int) -> bool:
    """Whether the listing may be sold in `market` (published, its merchant allowed to sell), stock aside."""
    return ListingMarket.objects.sellable().filter(market=market, listing_id=listing_id).exists()
