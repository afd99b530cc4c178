"""Every listing write — back office, feeds, APIs, CLI — goes through `listings_apply`."""
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from remarket.catalog.grades import grade_parse
from remarket.catalog.models import Variant
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.money import to_minor
from remarket.markets.models import Market
from remarket.merchants.models import Merchant

from .models import Listing, ListingMarket


@dataclass
class ListingRow:
    """One line of a feed, as text or numbers; `price` etc. are in major units ("199.90")."""

    sku: str
    market: str
    price: str | int | None = None
    quantity: int | str | None = None
    variant_id: int | None = None
    grade: str | None = None
    min_price: str | int | None = None
    max_price: str | int | None = None
    published: bool = True
    warranty_months: int = 12
    comment: str = ""


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
    errors: list[RowError] = field(default_factory=list)


def _quantity(value) -> int:
    try:
        qty = int(str(value).strip())
    except ValueError:
        raise DomainError("OFFER_QUANTITY_INVALID", f"Quantity {value!r} is not a whole number.") from None
    if qty < 0:
        raise DomainError("OFFER_QUANTITY_NEGATIVE", "Quantity cannot be negative.")
    return qty


def listings_apply(*, merchant: Merchant, rows: list[ListingRow]) -> ApplyResult:
    """Create or update a merchant's listings from rows: valid rows applied in one transaction,
    invalid rows reported with a stable code. Applying the same rows again changes nothing more."""
    result = ApplyResult()
    if not merchant.can_sell:
        raise DomainError("MERCHANT_CANNOT_PUBLISH", f"{merchant.name} is {merchant.status} and cannot publish listings.",
                          status=403)
    markets = {m.code: m for m in Market.objects.all()}
    skus = {row.sku.strip().lower() for row in rows if row.sku}
    now = clock.now()
    with transaction.atomic():
        existing = {listing.sku.lower(): listing for listing in
                    Listing.objects.annotate(sku_lower=Lower("sku"))
                    .filter(merchant=merchant, sku_lower__in=skus).select_for_update()}
        variant_ids = {r.variant_id for r in rows if r.variant_id}
        variants = set(Variant.objects.filter(pk__in=variant_ids).values_list("pk", flat=True))
        terms = {(t.listing_id, t.market_id): t for t in ListingMarket.objects.filter(listing__in=existing.values())}
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():
                    listing, created = _apply_row(merchant, row, existing, variants, markets, terms, now)
            except DomainError as err:
                result.errors.append(RowError(index, row.sku, err.code, str(err.message)))
                continue
            (result.created if created else result.updated).append(listing.pk)
    return result


def _apply_row(merchant, row, existing, variants, markets, terms, now) -> tuple[Listing, bool]:
    sku = (row.sku or "").strip()
    if not sku or len(sku) > 64:
        raise DomainError("OFFER_SKU_INVALID", "A SKU is 1 to 64 characters.")
    market = markets.get((row.market or "").upper())
    if market is None:
        raise DomainError("OFFER_MARKET_UNKNOWN", f"Unknown market {row.market!r}.")
    listing = existing.get(sku.lower())
    created = listing is None
    if created:
        if row.variant_id not in variants:
            raise DomainError("OFFER_VARIANT_UNKNOWN", f"SKU {sku}: unknown product variant {row.variant_id!r}.")
        if row.price is None or row.quantity is None:
            raise DomainError("OFFER_FIELDS_MISSING", f"SKU {sku} is new: it needs a variant, grade, price and quantity.")
        listing = Listing(merchant=merchant, variant_id=row.variant_id, grade=grade_parse(row.grade), sku=sku)
    elif row.grade is not None and grade_parse(row.grade) != listing.grade:
        raise DomainError("OFFER_GRADE_CHANGED", f"SKU {sku} is graded {listing.grade}; a new grade needs a new SKU.")
    if row.warranty_months < 12:
        raise DomainError("OFFER_WARRANTY_TOO_SHORT", "The warranty is at least 12 months.")
    if row.quantity is not None:
        listing.quantity = _quantity(row.quantity)
    listing.warranty_months = row.warranty_months
    listing.comment = row.comment or listing.comment
    listing.updated_at = now
    listing.save()
    existing[sku.lower()] = listing

    term = terms.get((listing.pk, market.pk))
    if term is None:
        if row.price is None:
            raise DomainError("OFFER_PRICE_MISSING", f"SKU {sku} has no price in {market.code} yet.")
        term = ListingMarket(listing=listing, market=market, currency=market.currency)
    if row.price is not None:
        term.price_minor = to_minor(row.price, market.currency)
        if term.price_minor == 0:
            raise DomainError("OFFER_PRICE_ZERO", "A price is above zero.")
    if row.min_price is not None:
        term.min_price_minor = to_minor(row.min_price, market.currency)
    if row.max_price is not None:
        term.max_price_minor = to_minor(row.max_price, market.currency)
    if term.min_price_minor is not None and term.price_minor < term.min_price_minor:
        raise DomainError("OFFER_PRICE_BELOW_MIN", f"SKU {sku}: the price is below its min price.")
    if term.max_price_minor is not None and term.price_minor > term.max_price_minor:
        raise DomainError("OFFER_PRICE_ABOVE_MAX", f"SKU {sku}: the price is above its max price.")
    term.published = row.published
    term.save()
    terms[(listing.pk, market.pk)] = term
    return listing, created
