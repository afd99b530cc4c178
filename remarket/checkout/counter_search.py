"""What a clerk finds from the till's one field: a scanned code (a listing's SKU or a variant's EAN barcode) or
words. The location's own shelf comes first, then the whole online catalog (the endless aisle), found by the
storefront's own search (search/selectors.py `products_search`)."""

from dataclasses import dataclass, replace

from django.db.models import OuterRef, Q, Subquery

from remarket.accounts.permissions import Actor
from remarket.core import clock
from remarket.ledger.calc import LineMoney
from remarket.markets.models import Location
from remarket.markets.tax import tax_shown
from remarket.offers.models import ListingMarket, LocationStock
from remarket.orders.services import order_priced
from remarket.search.selectors import products_search

from .counter import counter_location
from .services import Item, _Offer, _priced_line, _ship_to

MAX_QUERY = 100


@dataclass(frozen=True)
class Found:
    listing_id: int
    title: str
    grade: str
    sku: str
    ean: str
    merchant: str
    price_minor: int
    currency: str
    available: int
    shelf: bool  # on this location's shelf; False: an online offer, delivered
    unit_paid_minor: int | None = None  # shelf units: what one costs here, tax included or on top
    unit_tax_minor: int | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _shelf_rows(location: Location):
    price = (
        ListingMarket.objects.sellable()
        .filter(listing=OuterRef("listing"), market=location.channel.market_id)
        .values("price_minor")[:1]
    )
    return (
        LocationStock.objects.filter(location=location, available__gt=0)
        .annotate(price_minor=Subquery(price))
        .filter(price_minor__isnull=False)
        .select_related("listing__variant__model", "listing__merchant")
    )


def _shelf_found(location: Location, row) -> Found:
    listing = row.listing
    return Found(
        listing.pk,
        str(listing.variant),
        listing.grade,
        listing.sku,
        listing.variant.ean,
        listing.merchant.name,
        row.price_minor,
        location.channel.market.currency,
        row.available,
        True,
    )


def counter_shelf(*, actor: Actor) -> list[Found]:
    """Every unit on the clerk's shelf with its price, and what one unit costs with its tax (priced by checkout's
    own `order_priced`, one line per unit): what the till keeps to sell from while offline, where a basket is
    sent as one line per unit so that its total is the sum of these."""
    location = counter_location(actor=actor)
    rows = list(_shelf_rows(location).order_by("listing__variant__model__name", "listing__grade", "listing_id"))
    market = location.channel.market
    lines = [
        _priced_line(_Offer.of_terms(t, []), Item(t.listing_id, 1, location.pk))
        for t in ListingMarket.objects.select_related("listing__variant__model", "listing__merchant").filter(
            market=market, published=True, listing_id__in=[r.listing_id for r in rows]
        )
    ]
    priced = order_priced(
        market=market,
        lines=lines,
        shipping={},
        ship_to=_ship_to(market, None, location.pk),
        currency=market.currency,
        now=clock.now(),
    )
    unit = {}
    for _, order_lines in priced:
        for l in order_lines:
            shown = l.tax_minor if tax_shown(l.tax_scheme) else 0
            unit[l.listing_id] = (LineMoney(l.total_minor, l.tax_minor, l.tax_scheme, 0).paid_minor, shown)
    return [
        replace(_shelf_found(location, r), unit_paid_minor=unit[r.listing_id][0], unit_tax_minor=unit[r.listing_id][1])
        for r in rows
        if r.listing_id in unit
    ]


def _online_found(term: ListingMarket) -> Found:
    listing = term.listing
    return Found(
        listing.pk,
        str(listing.variant),
        listing.grade,
        listing.sku,
        listing.variant.ean,
        listing.merchant.name,
        term.price_minor,
        term.currency,
        listing.quantity,
        False,
    )


def _online(location: Location):
    return (
        ListingMarket.objects.on_sale()
        .filter(market=location.channel.market_id)
        .select_related("listing__variant__model", "listing__merchant")
    )


def counter_find(*, actor: Actor, q: str, limit: int = 20) -> list[Found]:
    """The shelf's matches first, then online offers. A code (no spaces) matches a SKU or an EAN exactly; words
    match the shelf's model names and the storefront's search for the online catalog (its cheapest offers of each
    model found)."""
    location = counter_location(actor=actor)
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return []
    code = Q(listing__sku__iexact=q) | Q(listing__variant__ean=q)
    shelf_rows = _shelf_rows(location)
    if " " not in q:
        by_code = [_shelf_found(location, r) for r in shelf_rows.filter(code).order_by("listing_id")]
        online_by_code = [_online_found(t) for t in _online(location).filter(code).order_by("price_minor")[:limit]]
        if by_code or online_by_code:
            shelf_ids = {f.listing_id for f in by_code}
            return (by_code + [f for f in online_by_code if f.listing_id not in shelf_ids])[:limit]
    words = Q()
    for word in q.split():
        words &= (
            Q(listing__variant__model__name__icontains=word)
            | Q(listing__variant__model__brand__icontains=word)
            | Q(listing__variant__colour__icontains=word)
        )
    shelf = [_shelf_found(location, r) for r in shelf_rows.filter(words).order_by("price_minor")[:limit]]
    hits = products_search(market=location.channel.market, q=q, page_size=min(limit, 24)).hits
    model_ids = [h.model_id for h in hits]
    offers = sorted(
        _online(location).filter(listing__variant__model_id__in=model_ids),
        key=lambda t: (model_ids.index(t.listing.variant.model_id), t.price_minor, t.listing_id),
    )
    return (shelf + [_online_found(t) for t in offers])[:limit]
