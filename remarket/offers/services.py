"""Every listing write — back office, feeds, `/ws/`, `/api/v1`, the CLI bulk import — goes through
`listings_apply`. It is set-based: rows are checked in memory against the listings they touch (loaded and
locked in one query per chunk), then written with a handful of bulk statements, and the offers' scores are
refreshed in the same pass so that the best offers stay current."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction

from remarket.catalog.grades import BATTERY_MIN_PCT, grade_parse
from remarket.catalog.models import Variant
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.money import exponent, to_minor
from remarket.core.text import text_check
from remarket.events.outbox import emit
from remarket.markets.models import Market
from remarket.merchants.models import Merchant

from . import bulk
from .best import offer_score
from .models import Listing, ListingMarket, ShippingOption
from .summaries import summaries_refresh
from .vat import MarginRefusal, VatScheme, margin_error, margin_refusal, vat_scheme_parse

CHUNK = 10_000  # rows per transaction: one lookup and a few bulk statements each
# Bounds checked before anything reaches the database: quantity is a 32-bit column, and a price times a line's
# quantity must stay far inside 64 bits in the ledger (10**10 minor units × 10**6 units < 2**63).
MAX_QUANTITY = 1_000_000
MAX_PRICE_MINOR = 10**10
MAX_WARRANTY_MONTHS = 120
MAX_COMMENT = 2_000

_MARGIN = VatScheme.MARGIN.value  # a plain str: compared once per row of million-row imports (≈ 75 ns less)


@dataclass
class ShippingRow:
    carrier: str
    price: str | int = 0
    delay_days: int = 3


@dataclass
class ListingRow:
    """One line of a feed, as text or numbers; prices are in major units ("199.90"). A field left None
    keeps its current value; a new SKU needs a variant, a grade, a price and a quantity."""

    sku: str
    market: str
    price: str | int | None = None
    quantity: int | str | None = None
    variant_id: int | None = None
    grade: str | None = None
    min_price: str | int | None = None
    max_price: str | int | None = None
    published: bool | None = None
    warranty_months: int | str | None = None
    comment: str | None = None
    shipping: list[ShippingRow] | None = None  # replaces the market's shipping options when given
    auto_reprice: bool | None = None
    vat_scheme: str | None = None  # standard or margin (the contract's REGULAR / MARGINAL)
    purchase_price: str | int | None = None  # per unit, in the row's market currency: the margin scheme's basis
    battery_health: str | int | None = None  # measured battery health, 80 to 100 (%); "" clears it


@dataclass
class RowError:
    index: int
    sku: str
    code: str
    message: str


@dataclass
class ApplyResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    variant_ids: set[int] = field(default_factory=set)  # the variants whose offers changed (the search index's)


def _whole(value, code: str, what: str) -> int:
    text = value if type(value) is str else str(value)
    if len(text) > 30:  # int() of a huge digit string is slow, and no bound here needs 30 digits
        raise DomainError(code, f"{what} is not a whole number of a sensible size.")
    try:
        number = int(text)  # int() ignores surrounding whitespace
    except ValueError:
        raise DomainError(code, f"{what} {value!r} is not a whole number.") from None
    return number


def _quantity(value) -> int:
    qty = _whole(value, "OFFER_QUANTITY_INVALID", "Quantity")
    if qty < 0:
        raise DomainError("OFFER_QUANTITY_NEGATIVE", "Quantity cannot be negative.")
    if qty > MAX_QUANTITY:
        raise DomainError(
            "OFFER_QUANTITY_TOO_LARGE",
            f"A quantity is at most {MAX_QUANTITY:,} units.",
            {"field": "quantity", "max": MAX_QUANTITY},
        )
    return qty


def _warranty(value) -> int:
    months = _whole(value, "OFFER_WARRANTY_INVALID", "Warranty")
    if months < 12:
        raise DomainError("OFFER_WARRANTY_TOO_SHORT", "The warranty is at least 12 months.")
    if months > MAX_WARRANTY_MONTHS:
        raise DomainError(
            "OFFER_WARRANTY_TOO_LONG",
            f"A warranty is at most {MAX_WARRANTY_MONTHS} months.",
            {"field": "warranty_months", "max": MAX_WARRANTY_MONTHS},
        )
    return months


def _comment(value) -> str:
    text = str(value)
    if len(text) > MAX_COMMENT:
        raise DomainError(
            "OFFER_COMMENT_TOO_LONG",
            f"A comment is up to {MAX_COMMENT} characters.",
            {"field": "comment", "max": MAX_COMMENT},
        )
    return text_check(text, code="OFFER_COMMENT_INVALID", field="comment", multiline=True)


# an amount field → its name in errors and the code of a value past MAX_PRICE_MINOR
_AMOUNTS = {
    "price": "OFFER_PRICE_TOO_LARGE",
    "min": "OFFER_MIN_PRICE_TOO_LARGE",
    "max": "OFFER_MAX_PRICE_TOO_LARGE",
    "purchase": "OFFER_PURCHASE_PRICE_TOO_LARGE",
    "shipping": "OFFER_SHIPPING_PRICE_TOO_LARGE",
}


def _bounded(minor: int | None, field: str, currency: str) -> int | None:
    if minor is not None and minor > MAX_PRICE_MINOR:
        raise DomainError(
            _AMOUNTS[field],
            f"The {field} price is above the largest price a listing may have.",
            {"field": field, "max_minor": MAX_PRICE_MINOR, "currency": currency},
        )
    return minor


@dataclass
class _Parsed:
    """A row checked on its own: normalised values, None where the row leaves a field unchanged."""

    index: int
    sku: str
    market: Market
    price_minor: int | None
    min_minor: int | None
    max_minor: int | None
    quantity: int | None
    variant_id: int | None
    grade: str | None
    published: bool | None
    warranty: int | None
    comment: str | None
    shipping: list[tuple[str, int, int]] | None
    auto_reprice: bool | None
    vat_scheme: str | None = None
    purchase_minor: int | None = None
    battery: int | None = None  # BATTERY_CLEAR: no measured value any more


BATTERY_CLEAR = -1


def _battery(value) -> int:
    if isinstance(value, str) and not value.strip():
        return BATTERY_CLEAR
    pct = _whole(value, "OFFER_BATTERY_INVALID", "Battery health")
    if not BATTERY_MIN_PCT <= pct <= 100:
        raise DomainError(
            "OFFER_BATTERY_INVALID",
            f"Battery health is {BATTERY_MIN_PCT} to 100 (% of the original capacity): every grade promises "
            f"at least {BATTERY_MIN_PCT} %.",
            {"field": "battery_health", "min": BATTERY_MIN_PCT, "max": 100},
        )
    return pct


@lru_cache(maxsize=65_536)
def _minor_cached(value: str | int, currency: str) -> int:
    return to_minor(value, currency)


def _plain_minor(text: str, currency: str) -> int | None:
    """A plain amount ("199", "199.9", "199.90": ASCII digits, at most the currency's decimals) in minor units
    with integer arithmetic, as `to_minor` would read it; None for anything else, left to `to_minor`. Prices
    with cents vary too much for the cache to hit (73 % misses over a bench feed), and Decimal costs ≈ 4 µs."""
    whole, _, fraction = text.partition(".")
    places = exponent(currency)
    if (
        not whole.isdigit()
        or not whole.isascii()
        or len(fraction) > places
        or (fraction and (not fraction.isdigit() or not fraction.isascii()))
    ):
        return None
    minor = int(whole) * 10**places + (int(fraction.ljust(places, "0")) if places else 0)
    return minor if minor <= 10**15 else None  # to_minor refuses larger amounts


def _minor(value, currency: str) -> int | None:
    """An amount in minor units, None when the field is empty. Plain amounts are read with integer arithmetic;
    other forms go through Decimal (`to_minor`), cached since feeds repeat the same prices over and over; a
    refused amount raises every time (errors are not cached)."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        plain = _plain_minor(value, currency)
        if plain is not None:
            return plain
    elif not isinstance(value, int) or isinstance(value, bool):
        return to_minor(value, currency)  # Decimal and others: not worth a cache entry
    return _minor_cached(value, currency)


def _parse(index: int, row: ListingRow, markets: dict[str, Market]) -> _Parsed:
    sku = str(row.sku or "").strip()
    if not sku or len(sku) > 64:
        raise DomainError("OFFER_SKU_INVALID", "A SKU is 1 to 64 characters.")
    text_check(sku, code="OFFER_SKU_INVALID", field="sku")
    market = markets.get(str(row.market or "").strip().upper())
    if market is None:
        raise DomainError("OFFER_MARKET_UNKNOWN", f"Unknown market {row.market!r}.")
    currency = market.currency
    money = {
        name: _bounded(_minor(value, currency), name, currency)
        for name, value in (
            ("price", row.price),
            ("min", row.min_price),
            ("max", row.max_price),
            ("purchase", row.purchase_price),
        )
    }
    scheme = None
    if row.vat_scheme is not None and str(row.vat_scheme).strip():
        scheme = vat_scheme_parse(row.vat_scheme)
        if scheme is None:
            raise DomainError(
                "OFFER_VAT_SCHEME_INVALID",
                f"VAT scheme {row.vat_scheme!r}: use standard or margin (REGULAR or MARGINAL).",
            )
    if money["price"] == 0:
        raise DomainError("OFFER_PRICE_ZERO", "A price is above zero.")
    shipping = None
    if row.shipping is not None:
        shipping = []
        for option in row.shipping:
            carrier = str(option.carrier or "").strip()
            if not carrier or len(carrier) > 40:
                raise DomainError(
                    "OFFER_SHIPPING_INVALID", "A shipping option names its carrier (up to 40 characters)."
                )
            text_check(carrier, code="OFFER_SHIPPING_INVALID", field="carrier")
            delay = _whole(option.delay_days, "OFFER_SHIPPING_INVALID", "Shipping delay")
            if not 0 <= delay <= 60:
                raise DomainError("OFFER_SHIPPING_INVALID", "A shipping delay is 0 to 60 business days.")
            price_minor = to_minor(option.price, market.currency)
            _bounded(price_minor, "shipping", currency)
            shipping.append((carrier, price_minor, delay))
    return _Parsed(
        index,
        sku,
        market,
        money["price"],
        money["min"],
        money["max"],
        None if row.quantity is None else _quantity(row.quantity),
        row.variant_id,
        None if row.grade is None else grade_parse(row.grade),
        row.published,
        None if row.warranty_months is None else _warranty(row.warranty_months),
        None if row.comment is None else _comment(row.comment),
        shipping,
        row.auto_reprice,
        scheme,
        money["purchase"],
        None if row.battery_health is None else _battery(row.battery_health),
    )


def listings_apply(
    *, merchant: Merchant, rows: list[ListingRow], search_deferred: bool = False, replayable: bool = False
) -> ApplyResult:
    """Create or update a merchant's listings. Valid rows are applied, invalid ones reported with a stable
    code and change nothing; applying the same rows again changes nothing more.

    Each chunk emits `search.changed` for the variants it changed, in its transaction; with
    `search_deferred` it does not, and the caller emits once for `result.variant_ids` (the CLI bulk import,
    so that the index is refreshed once at the end rather than once per chunk).

    `replayable`: the rows come from a file its sender keeps and can apply again (the CLI bulk import). On
    PostgreSQL each chunk then commits without waiting for the disk (`SET LOCAL synchronous_commit = off`):
    a crash can lose the last chunks applied — each whole, never half —, and replaying the file restores them,
    since a replay changes nothing that was already applied. Interfaces that answer a client (back office,
    `/ws/`, `/api/v1`) leave it off: what they report as saved must survive a crash."""
    if not merchant.can_sell:
        raise DomainError(
            "MERCHANT_CANNOT_PUBLISH", f"{merchant.name} is {merchant.status} and cannot publish listings.", status=403
        )
    markets = {m.code: m for m in Market.objects.all()}
    result = ApplyResult()
    for start in range(0, len(rows), CHUNK):
        _apply_chunk(merchant, rows[start : start + CHUNK], start, markets, result, search_deferred, replayable)
    return result


class _Chunk:
    """The listings and terms a chunk touches, changed in memory, then written in bulk."""

    def __init__(self, merchant: Merchant, parsed: list[_Parsed]):
        self.merchant = merchant
        self.quality = merchant.quality_score
        # Existing rows are read as plain records, not model instances: at feed sizes, building model
        # objects costs more than the queries. One read of the listings with their terms (locked on
        # PostgreSQL), one of the terms' shipping options; written back with one UPDATE per table.
        self.listings: dict[str, _Record] = {}
        self.terms: dict[tuple[int, int], _Record] = {}
        new = object.__new__
        n = len(bulk.LISTING_FIELDS)
        for values in bulk.listings_with_terms(
            merchant.pk, list({p.sku for p in parsed}), sorted({p.market.pk for p in parsed})
        ):
            key = values[1].lower()
            if key not in self.listings:
                listing = self.listings[key] = new(_Record)
                listing.__dict__ = dict(zip(bulk.LISTING_FIELDS, values[:n]))
            if values[n] is not None:
                term = new(_Record)
                term.__dict__ = dict(zip(bulk.TERM_FIELDS, values[n:]))
                self.terms[(term.listing_id, term.market_id)] = term
        self.variants = set(
            Variant.objects.filter(pk__in={p.variant_id for p in parsed if p.variant_id}).values_list("pk", flat=True)
        )
        self.shipping: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for terms_id, carrier, price, delay in bulk.shipping_of([t.pk for t in self.terms.values()]):
            self.shipping[terms_id].append((carrier, price, delay))
        self.new_listings: dict[str, Listing] = {}
        self.new_terms: dict[tuple[str, int], ListingMarket] = {}
        # changed existing rows: id → (record, the fields its rows changed; updated_at aside for listings)
        self.listing_changes: dict[int, tuple[_Record, set[str]]] = {}
        self.term_changes: dict[int, tuple[_Record, set[str]]] = {}
        # keyed by the terms' id, or (sku key, market id) for terms this chunk creates
        self.shipping_replaced: dict[int | tuple[str, int], list[tuple[str, int, int]]] = {}
        self.outcome: dict[str, str] = {}  # sku key → created / updated / unchanged

    def apply(self, p: _Parsed, now) -> None:
        """One row: every check first (nothing changes when one refuses the row), then the changes in memory.
        The common steps are inlined where a call per row would cost more than the step (million-row imports)."""
        key = p.sku.lower()
        listing = self.listings.get(key) or self.new_listings.get(key)
        if listing is None:
            listing = self._listing_new(p, now)
        elif p.grade is not None or p.variant_id is not None:
            _identity_check(p, listing)
        term = self._term_of(listing, key, p.market.pk)
        price, low, high = _price_bounds(p, term)
        if (p.vat_scheme or listing.vat_scheme) == _MARGIN:
            _margin_check(p, listing, price)
        # every check passed: change the objects
        if listing.pk is None:  # a listing of this chunk's, never a record read
            self.new_listings[key] = cast(Listing, listing)
            self.outcome[key] = "created"
        changed = _listing_change(listing, p)
        if term is None:
            term = self._term_new(listing, key, p.market, price)
        term_changed = _term_change(term, p, price, low, high)
        if self._score_refresh(term, p, key):
            term_changed.add("score")
        self._changes_record(listing, term, key, changed, term_changed, now)

    def _listing_new(self, p: _Parsed, now) -> Listing:
        """A new listing for the row's SKU (not yet kept), when the row has what a new SKU needs."""
        if p.variant_id not in self.variants:
            raise DomainError("OFFER_VARIANT_UNKNOWN", f"SKU {p.sku}: unknown product variant {p.variant_id!r}.")
        if p.grade is None or p.price_minor is None or p.quantity is None:
            raise DomainError(
                "OFFER_FIELDS_MISSING", f"SKU {p.sku} is new: it needs a variant, a grade, a price and a quantity."
            )
        return Listing(
            merchant=self.merchant,
            variant_id=p.variant_id,
            grade=p.grade,
            sku=p.sku,
            quantity=0,
            warranty_months=12,
            vat_scheme=VatScheme.STANDARD,
            purchase_price_minor=None,
            purchase_currency="",
            updated_at=now,
        )

    def _term_of(self, listing, key: str, market_id: int):
        """The listing's terms in the market: read from the database, or made by an earlier row of the chunk."""
        return (self.terms.get((listing.pk, market_id)) if listing.pk else None) or self.new_terms.get((key, market_id))

    def _term_new(self, listing, key: str, market: Market, price: int) -> ListingMarket:
        term = ListingMarket(market=market, currency=market.currency, price_minor=price, published=True)
        if listing.pk:
            term.listing_id = listing.pk
            self.outcome.setdefault(key, "updated")
        else:
            term.listing = listing  # its id is known once the new listing is written
        self.new_terms[(key, market.pk)] = term
        return term

    def _score_refresh(self, term, p: _Parsed, key: str) -> bool:
        """Keep the row's shipping options (when it gives new ones) and the offer's score from price, shipping
        and the merchant's quality; True when either changed."""
        shipping_key = term.pk or (key, p.market.pk)
        replaced = p.shipping is not None and sorted(p.shipping) != sorted(self.shipping.get(term.pk, []))
        if replaced and p.shipping is not None:
            self.shipping_replaced[shipping_key] = p.shipping
        options = self.shipping_replaced.get(shipping_key, self.shipping.get(term.pk, []) if term.pk else [])
        if options:
            score = offer_score(
                quality=self.quality,
                price_minor=term.price_minor,
                shipping_minor=min(o[1] for o in options),
                delay_days=min(o[2] for o in options),
            )
        else:
            score = offer_score(quality=self.quality, price_minor=term.price_minor)
        if abs(score - term.score) > 1e-9:
            term.score = score
            return True
        return replaced

    def _changes_record(self, listing, term, key: str, changed: set[str], term_changed: set[str], now) -> None:
        """Note what the row changed for `write`, and the SKU's outcome."""
        if listing.pk and (changed or term_changed):
            listing.updated_at = now
            if listing.pk in self.listing_changes:  # a second row of the listing (another market)
                self.listing_changes[listing.pk][1].update(changed)
            else:
                self.listing_changes[listing.pk] = (listing, changed)
            if term.pk and term_changed:
                self.term_changes[term.pk] = (term, term_changed)
            self.outcome[key] = "created" if self.outcome.get(key) == "created" else "updated"
        else:
            self.outcome.setdefault(key, "unchanged")

    def write(self, now) -> None:
        Listing.objects.bulk_create(self.new_listings.values(), batch_size=1000)
        for term in self.new_terms.values():
            if term.listing_id is None:
                term.listing_id = term.listing.pk
        ListingMarket.objects.bulk_create(self.new_terms.values(), batch_size=1000)
        bulk.listings_update(self.listing_changes, updated_at=now)  # one UPDATE per table (offers/bulk.py)
        bulk.terms_update(self.term_changes)
        if self.shipping_replaced:
            term_ids = {k if isinstance(k, int) else self.new_terms[k].pk: v for k, v in self.shipping_replaced.items()}
            ShippingOption.objects.filter(terms_id__in=term_ids).delete()
            ShippingOption.objects.bulk_create(
                [
                    ShippingOption(terms_id=tid, carrier=c, price_minor=p, delay_days=d)
                    for tid, options in term_ids.items()
                    for c, p, d in options
                ]
            )

    def touched_variants(self) -> list[int]:
        changed = {key for key, outcome in self.outcome.items() if outcome != "unchanged"}
        return sorted({(self.listings.get(key) or self.new_listings[key]).variant_id for key in changed})

    def listing_id(self, key: str) -> int:
        listing = self.listings.get(key) or self.new_listings[key]
        return listing.pk


def _price_bounds(p: _Parsed, term) -> tuple[int, int | None, int | None]:
    """The price and its min / max once the row applies (a field the row leaves out keeps the terms' value),
    refused when the price falls outside them."""
    price = p.price_minor if p.price_minor is not None else (term.price_minor if term else None)
    if price is None:
        raise DomainError("OFFER_PRICE_MISSING", f"SKU {p.sku} has no price in {p.market.code} yet.")
    low = p.min_minor if p.min_minor is not None else (term.min_price_minor if term else None)
    high = p.max_minor if p.max_minor is not None else (term.max_price_minor if term else None)
    if low is not None and price < low:
        raise DomainError("OFFER_PRICE_BELOW_MIN", f"SKU {p.sku}: the price is below its min price.")
    if high is not None and price > high:
        raise DomainError("OFFER_PRICE_ABOVE_MAX", f"SKU {p.sku}: the price is above its max price.")
    return price, low, high


def _identity_check(p: _Parsed, listing) -> None:
    """A SKU keeps its grade and variant: another one needs another SKU."""
    if p.grade is not None and p.grade != listing.grade:
        raise DomainError("OFFER_GRADE_CHANGED", f"SKU {p.sku} is graded {listing.grade}; a new grade needs a new SKU.")
    if p.variant_id is not None and p.variant_id != listing.variant_id:
        raise DomainError("OFFER_VARIANT_CHANGED", f"SKU {p.sku} sells another variant; a new variant needs a new SKU.")


def _margin_check(p: _Parsed, listing, price: int) -> None:
    """A listing under the margin scheme needs the unit's purchase price (offers/vat.py `margin_refusal`); a
    price in another currency than the row's market is the basis where that currency is sold, so it is checked
    against this price only when both are in one currency."""
    purchase = p.purchase_minor if p.purchase_minor is not None else listing.purchase_price_minor
    purchase_currency = p.market.currency if p.purchase_minor is not None else listing.purchase_currency
    if purchase is None:
        raise margin_error(MarginRefusal.PURCHASE_PRICE_MISSING, sku=p.sku, currency=p.market.currency, on_listing=True)
    refusal = margin_refusal(
        purchase_price_minor=purchase,
        purchase_currency=purchase_currency,
        currency=p.market.currency,
        unit_price_minor=price,
    )
    if refusal is MarginRefusal.MARGIN_NEGATIVE:
        raise margin_error(refusal, sku=p.sku, currency=p.market.currency, on_listing=True)


def _listing_change(listing, p: _Parsed) -> set[str]:
    """Set the listing's fields the row gives; the names of those that changed. Field by field rather than through
    a dict of fields: this runs once per row of million-row imports."""
    changed = set()
    if p.quantity is not None and listing.quantity != p.quantity:
        listing.quantity = p.quantity
        changed.add("quantity")
    if p.warranty is not None and listing.warranty_months != p.warranty:
        listing.warranty_months = p.warranty
        changed.add("warranty_months")
    if p.comment is not None and listing.comment != p.comment:
        listing.comment = p.comment
        changed.add("comment")
    if p.battery is not None:
        battery = None if p.battery == BATTERY_CLEAR else p.battery
        if listing.battery_health_pct != battery:
            listing.battery_health_pct = battery
            changed.add("battery_health_pct")
    if p.vat_scheme is not None and listing.vat_scheme != p.vat_scheme:
        listing.vat_scheme = p.vat_scheme
        changed.add("vat_scheme")
    if p.purchase_minor is not None:
        if listing.purchase_price_minor != p.purchase_minor:
            listing.purchase_price_minor = p.purchase_minor
            changed.add("purchase_price_minor")
        if listing.purchase_currency != p.market.currency:
            listing.purchase_currency = p.market.currency
            changed.add("purchase_currency")
    return changed


def _term_change(term, p: _Parsed, price: int, low: int | None, high: int | None) -> set[str]:
    """Set the terms' price, bounds and flags; the names of those that changed (min and max are kept or cleared
    as `_price_bounds` worked them out)."""
    changed = set()
    if term.price_minor != price:
        term.price_minor = price
        changed.add("price_minor")
    if term.min_price_minor != low:
        term.min_price_minor = low
        changed.add("min_price_minor")
    if term.max_price_minor != high:
        term.max_price_minor = high
        changed.add("max_price_minor")
    if p.published is not None and term.published != p.published:
        term.published = p.published
        changed.add("published")
    if p.auto_reprice is not None and term.auto_reprice != p.auto_reprice:
        term.auto_reprice = p.auto_reprice
        changed.add("auto_reprice")
    return changed


class _Record:
    """A row read for change detection; attribute access like a model instance, at a fraction of the cost."""

    if TYPE_CHECKING:  # its attributes are the row's columns, set through __dict__

        def __getattr__(self, name: str) -> Any: ...


def _apply_chunk(
    merchant, rows: list[ListingRow], offset: int, markets, result: ApplyResult, search_deferred: bool, replayable: bool
) -> None:
    parsed = []
    for i, row in enumerate(rows, start=offset):
        try:
            parsed.append(_parse(i, row, markets))
        except DomainError as err:
            result.errors.append(RowError(i, str(row.sku), err.code, str(err.message)))
    now = clock.now()
    with transaction.atomic():
        if replayable:
            bulk.commit_without_flush()
        chunk = _Chunk(merchant, parsed)
        for p in parsed:
            try:
                chunk.apply(p, now)
            except DomainError as err:
                result.errors.append(RowError(p.index, p.sku, err.code, str(err.message)))
        chunk.write(now)
        touched = chunk.touched_variants()
        if touched:  # the product page's per variant × grade summaries, in this transaction
            summaries_refresh(variant_ids=touched)
        if touched and not search_deferred:  # the search index follows after commit (search/handlers.py)
            emit("search.changed", {"variant_ids": touched})
    result.variant_ids.update(touched)
    for key, outcome in chunk.outcome.items():
        getattr(result, outcome).append(chunk.listing_id(key))
    result.errors.sort(key=lambda e: e.index)
