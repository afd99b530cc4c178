"""Demo listings, their per-market terms and the first-party merchant's counter stock.

Listings are written like every other listing write, through `offers.services.listings_apply` (set-based),
one call per merchant and batch; offers' scores come with them."""

import bisect
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from remarket.catalog.grades import ORDER
from remarket.catalog.selectors import category_commission_bp
from remarket.core.errors import DomainError
from remarket.core.money import exponent, to_major
from remarket.ledger.commission import commission_bp
from remarket.markets.models import Location, Market
from remarket.markets.tax import EU
from remarket.offers.models import Listing, ListingMarket, LocationStock, StockMovement
from remarket.offers.services import ListingRow, listings_apply
from remarket.offers.vat import VatScheme

from .catalog import CatalogVariant
from .people import Seller
from .pricing import GRADE_WEIGHT, base_price_eur, market_price_minor, price_band

BATCH = 5000
COMMENTS = (
    "",
    "",
    "",
    "Battery at 85 % of its capacity or more.",
    "Comes with a charging cable.",
    "Unlocked, works with every carrier.",
    "Screen protector fitted.",
)
CURRENCY_OF_COUNTRY = {"US": "USD", "GB": "GBP"}  # the others sell from the euro area
FIRST_PARTY_SHARE = 0.04
PARTNER_STOCKED_EVERY = 5  # one partner point of sale in five keeps first-party units on its shelf


@dataclass(frozen=True)
class Offer:
    """What the order generator needs of a published listing in one market."""

    listing_id: int
    merchant_id: int
    variant: CatalogVariant
    grade: str
    sku: str
    price_minor: int
    location_id: int | None = None  # set for units on a counter
    terms: "OfferTerms | None" = None


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """What pricing an order line of the offer needs besides its price: tax scheme and commission."""

    merchant_country: str
    vat_scheme: str
    purchase_minor: int | None
    purchase_currency: str
    commission_bp: int


def _offer_terms(listing: Listing, merchant, term: ListingMarket) -> OfferTerms:
    return OfferTerms(
        str(merchant.country),
        listing.vat_scheme,
        listing.purchase_price_minor,
        listing.purchase_currency,
        commission_bp(
            merchant_bp=merchant.commission_bp,
            category_bp=category_commission_bp(category_id=listing.variant.model.category_id),
        ),
    )


def _margin_fields(listing: Listing, term: ListingMarket) -> dict:
    """The margin scheme's fields on the row in the purchase price's own currency."""
    if term.currency != listing.purchase_currency:
        return {}
    return {
        "vat_scheme": listing.vat_scheme,
        "purchase_price": str(to_major(listing.purchase_price_minor, term.currency)),
    }


MARGIN_COUNTRIES = EU | {"GB"}


class Pool:
    """Items with cumulative weights, to draw from in O(log n)."""

    def __init__(self):
        self.items: list = []
        self.cumulative: list[float] = []

    def add(self, item, weight: float) -> None:
        self.items.append(item)
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + weight)

    def draw(self, rng: random.Random):
        return self.items[min(bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1]), len(self.items) - 1)]

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class OfferBook:
    web: dict[str, Pool] = field(default_factory=lambda: defaultdict(Pool))  # market → published offers
    merchant: dict[tuple[int, str], Pool] = field(default_factory=lambda: defaultdict(Pool))  # (merchant, market)
    counter: dict[int, Pool] = field(default_factory=lambda: defaultdict(Pool))  # location id → counter units
    listings: int = 0
    terms: int = 0
    stock_rows: int = 0


def _allocate(total: int, sellers: list[Seller], capacity: list[int]) -> list[int]:
    """Split `total` listings by seller size without giving anyone more than its capacity; at least 5 each."""
    counts = [min(5, c) for c in capacity]
    left = total - sum(counts)
    while left > 0:
        open_ = [i for i, s in enumerate(sellers) if counts[i] < capacity[i] and s.size > 0]
        if not open_:
            break
        weight = sum(sellers[i].size for i in open_)
        given = 0
        for i in open_:
            extra = min(capacity[i] - counts[i], max(1, int(left * sellers[i].size / weight)), left - given)
            counts[i] += extra
            given += extra
            if given == left:
                break
        left -= given
    return counts


def _candidates(
    focus: dict[str, float], variants: list[CatalogVariant]
) -> tuple[list[tuple[CatalogVariant, str]], list[float]]:
    """Every (variant, grade) a merchant with this focus may list, with cumulative weights."""
    combos, cumulative, total = [], [], 0.0
    for cv in variants:
        weight = focus.get(cv.spec.category, 0)
        if not weight:
            continue
        for grade in ORDER:
            total += cv.weight * weight * GRADE_WEIGHT[grade]
            combos.append((cv, grade))
            cumulative.append(total)
    return combos, cumulative


def _pick(k: int, combos, cumulative, rng: random.Random) -> list[tuple[CatalogVariant, str]]:
    """`k` distinct combinations, drawn by weight: rejection sampling, cheap while k is well below the pool."""
    if k >= len(combos):
        return list(combos)
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        for index in (bisect.bisect(cumulative, rng.random() * cumulative[-1]) for _ in range(2 * (k - len(chosen)))):
            chosen.setdefault(min(index, len(combos) - 1), None)
            if len(chosen) == k:
                break
    return [combos[i] for i in chosen]


class _Writer:
    """Buffers listings and their terms; writes them in batches and files the offers they make."""

    def __init__(self, book: OfferBook, markets: dict[str, Market]):
        self.book, self.markets = book, markets
        self.rows: list[tuple[Listing, list[ListingMarket], Seller, CatalogVariant, float]] = []

    def add(self, listing, terms, seller, cv, weight) -> None:
        self.rows.append((listing, terms, seller, cv, weight))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        by_merchant: dict = defaultdict(list)
        for listing, listing_terms, seller, _, _ in self.rows:
            by_merchant[seller.merchant].extend(
                ListingRow(
                    sku=listing.sku,
                    market=t.market.code,
                    price=str(to_major(t.price_minor, t.currency)),
                    min_price=None if t.min_price_minor is None else str(to_major(t.min_price_minor, t.currency)),
                    max_price=None if t.max_price_minor is None else str(to_major(t.max_price_minor, t.currency)),
                    quantity=listing.quantity,
                    variant_id=listing.variant_id,
                    grade=listing.grade,
                    published=t.published,
                    warranty_months=listing.warranty_months,
                    comment=listing.comment,
                    **_margin_fields(listing, t),
                )
                for t in listing_terms
            )
        for merchant, rows in by_merchant.items():
            result = listings_apply(merchant=merchant, rows=rows)
            if result.errors:
                raise DomainError("DEMO_LISTING_REFUSED", f"{merchant}: {result.errors[0]}")
        ids = {
            (m, sku): pk
            for pk, m, sku in Listing.objects.filter(
                merchant__in=list(by_merchant), sku__in=[r[0].sku for r in self.rows]
            ).values_list("pk", "merchant_id", "sku")
        }
        for listing, _, seller, _, _ in self.rows:
            listing.pk = ids[(seller.merchant.pk, listing.sku)]
        terms = [t for r in self.rows for t in r[1]]
        for listing, listing_terms, seller, cv, weight in self.rows:
            for term in listing_terms:
                if not term.published:
                    continue
                offer = Offer(
                    listing.pk,
                    seller.merchant.pk,
                    cv,
                    listing.grade,
                    listing.sku,
                    term.price_minor,
                    terms=_offer_terms(listing, seller.merchant, term),
                )
                self.book.web[term.market.code].add(offer, weight)
                self.book.merchant[(seller.merchant.pk, term.market.code)].add(offer, weight)
        self.book.listings += len(self.rows)
        self.book.terms += len(terms)
        self.rows = []


def _listing(
    seller: Seller,
    cv: CatalogVariant,
    grade: str,
    rng: random.Random,
    markets: dict[str, Market],
    now: dt.datetime,
    year: int,
    *,
    everywhere: bool,
) -> tuple[Listing, list[ListingMarket]]:
    """One listing and its terms; `everywhere`: published in every market of the merchant."""
    eur = base_price_eur(cv.spec, cv.variant.storage_gb, grade, year) * seller.price_factor * rng.uniform(0.96, 1.04)
    terms = []
    for code in seller.markets:
        if terms and not everywhere and rng.random() < 0.12:
            continue  # not every listing is offered in every market the merchant sells in
        market = markets[code]
        price = market_price_minor(eur * rng.uniform(0.98, 1.02), code, market.currency)
        low, high = price_band(price, market.currency)
        terms.append(
            ListingMarket(
                market=market,
                currency=market.currency,
                price_minor=price,
                min_price_minor=low,
                max_price_minor=high if rng.random() < 0.7 else None,
                published=everywhere or rng.random() < 0.96,
            )
        )
    home = CURRENCY_OF_COUNTRY.get(seller.merchant.country.code, "EUR")
    unit = 10 ** exponent(home)
    purchase = int(eur * rng.uniform(0.55, 0.7) * (0.87 if home == "GBP" else 1.0)) * unit
    quantity = 0 if rng.random() < 0.12 else min(20, 1 + int(rng.expovariate(1 / 4)))
    storage = f"{cv.variant.storage_gb}" if cv.variant.storage_gb else "X"
    listing = Listing(
        merchant=seller.merchant,
        variant=cv.variant,
        grade=grade,
        quantity=quantity,
        sku=f"{seller.sku_prefix}-{cv.variant.pk}-{storage}-{grade[:2]}",
        warranty_months=rng.choice(seller.warranty_months),
        comment=rng.choice(COMMENTS),
        purchase_price_minor=purchase,
        purchase_currency=home,
        # most refurbishers in Europe sell under the margin scheme: they bought from consumers
        vat_scheme=VatScheme.MARGIN
        if seller.merchant.country.code in MARGIN_COUNTRIES and rng.random() < 0.7
        else VatScheme.STANDARD,
        updated_at=now - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 60)),
    )
    for term in terms:
        term.listing = listing
    return listing, terms


def listings_build(
    *,
    total: int,
    sellers: list[Seller],
    variants: list[CatalogVariant],
    markets: dict[str, Market],
    store: Location,
    partner_locations: list[Location],
    rng: random.Random,
    now: dt.datetime,
) -> OfferBook:
    """About `total` listings shared by merchant size (the first party gets 4 %, all phones), fewer if the
    merchants cannot list that many distinct variant-and-grade pairs; each published where its merchant sells."""
    book = OfferBook()
    writer = _Writer(book, markets)
    first, others = sellers[0], sellers[1:]
    by_focus: dict[tuple, tuple[list, list[float]]] = {}  # merchants share a few focus profiles
    for seller in sellers:
        key = tuple(sorted(seller.focus.items()))
        if key not in by_focus:
            by_focus[key] = _candidates(seller.focus, variants)
    pools = [by_focus[tuple(sorted(s.focus.items()))] for s in sellers]
    first_count = min(max(10, round(total * FIRST_PARTY_SHARE)), len(pools[0][0]))
    counts = [first_count, *_allocate(total - first_count, others, [len(p[0]) for p in pools[1:]])]
    first_listings = []
    for seller, count, (combos, cumulative) in zip(sellers, counts, pools):
        competitiveness = (1 / seller.price_factor) ** 4
        for index, (cv, grade) in enumerate(_pick(count, combos, cumulative, rng)):
            # a merchant's first listing is published everywhere it sells, so every market has its offers
            listing, terms = _listing(seller, cv, grade, rng, markets, now, now.year, everywhere=index == 0)
            writer.add(listing, terms, seller, cv, cv.weight * GRADE_WEIGHT[grade] * competitiveness)
            if seller is first:
                first_listings.append((listing, {t.market.code: t for t in terms}, cv))
    writer.flush()
    _counter_stock(book, first, first_listings, store, partner_locations[::PARTNER_STOCKED_EVERY], rng, now)
    return book


def _counter_stock(
    book: OfferBook,
    first: Seller,
    listings,
    store: Location,
    partner_stocked: list[Location],
    rng: random.Random,
    now: dt.datetime,
) -> None:
    """Units of the first-party listings on the New York store's shelves and at a few partner counters."""
    stock, moves = [], []
    for listing, terms, cv in listings:
        places = [(store, "US", 0.7, 8)] + [(loc, "FR", 0.35, 3) for loc in partner_stocked]
        for location, market, chance, most in places:
            term = terms.get(market)
            if term is None or not term.published or rng.random() >= chance:
                continue
            units = rng.randint(1, most)
            stock.append(LocationStock(location=location, listing=listing, available=units))
            moves.append(
                StockMovement(
                    location=location,
                    listing=listing,
                    kind=StockMovement.Kind.RECEIVE,
                    delta=units,
                    at=now - dt.timedelta(days=rng.randint(1, 90)),
                )
            )
            offer = Offer(
                listing.pk,
                first.merchant.pk,
                cv,
                listing.grade,
                listing.sku,
                term.price_minor,
                location.pk,
                terms=_offer_terms(listing, first.merchant, term),
            )
            book.counter[location.pk].add(offer, cv.weight * GRADE_WEIGHT[listing.grade])
    LocationStock.objects.bulk_create(stock, batch_size=1000)
    StockMovement.objects.bulk_create(moves, batch_size=1000)
    book.stock_rows = len(stock)
