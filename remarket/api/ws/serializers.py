"""Our models in the contract's field names and types.

Defaults for what the contract returns and remarket does not model (also listed in this package's README.md):
- `max_price` is a non-null string in the contract: with no ceiling set, the current price is reported;
- a listing without terms in the selected market shows price "0.00", no min price, publication_state 1;
- `publication_state`: 2 published in the market, 1 offline, 4 when the merchant may not sell (suspended...);
  0 (pending validation) and 3 (missing information) never occur: listings need no review here;
- `new_battery` is false: batteries are not tracked per listing (every device is sold at ≥ 80 % capacity);
- shipping delays are stored in business days and shown in hours (days × 24)."""

from decimal import Decimal

from remarket.catalog.grades import legacy_state
from remarket.core.money import to_major
from remarket.offers.models import Listing, ListingMarket, ShippingOption

from .locale import locale_of

ONLINE, OFFLINE, DEACTIVATED = 2, 1, 4


def amount(minor: int, currency: str) -> str:
    """Minor units as the contract's decimal text, with the currency's own exponent ("499.00", JPY "500")."""
    return str(to_major(minor, currency))


def monetary(minor: int | None, currency: str) -> dict | None:
    """The contract's `MonetaryAmount`."""
    return None if minor is None else {"amount": amount(minor, currency), "currency": currency}


def number(minor: int, currency: str) -> float:
    return float(Decimal(amount(minor, currency)))


def title(listing: Listing) -> str:
    """ "Apple iPhone 15 - 128 GB - Black", the reference's dash-separated style."""
    variant = listing.variant
    return " - ".join([str(variant.model), *filter(None, variant.label.split(" · "))])


def publication_state(*, can_sell: bool, term: ListingMarket | None) -> int:
    if not can_sell:
        return DEACTIVATED
    return ONLINE if term is not None and term.published else OFFLINE


def shipping_public(option: ShippingOption) -> dict:
    terms = option.terms
    return {
        "shipping_price": amount(option.price_minor, terms.currency),
        "shipping_delay": option.delay_days * 24,
        "shipper": option.carrier,
        "shipper_display": option.carrier,
        "country_code": locale_of(terms.market),
    }


def listing_public(
    listing: Listing, *, term: ListingMarket | None, currency: str, can_sell: bool, shippings: list[ShippingOption]
) -> dict:
    """`ListingPublic`: the listing as seen in one market (`term` is its terms there, if any)."""
    price = term.price_minor if term is not None else 0
    ceiling = term.max_price_minor if term is not None and term.max_price_minor is not None else price
    floor = term.min_price_minor if term is not None else None
    return {
        "id": str(listing.public_id),
        "listing_id": listing.pk,
        "product_id": str(listing.variant.public_id),
        "backmarket_id": listing.variant_id,
        "title": title(listing),
        "shippings": [shipping_public(option) for option in shippings],
        "state": legacy_state(listing.grade),
        "grade": listing.grade,
        "quantity": listing.quantity,
        "currency": currency,
        "sku": listing.sku,
        "publication_state": publication_state(can_sell=can_sell, term=term),
        "warranty_delay": listing.warranty_months,
        "price": amount(price, currency),
        "comment": listing.comment or None,
        "min_price": None if floor is None else amount(floor, currency),
        "max_price": amount(ceiling, currency),
        "new_battery": False,
    }
