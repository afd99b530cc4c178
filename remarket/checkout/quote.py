"""What a cart will cost before it is bought: goods, shipping and tax for an address, priced exactly as
`order_create` will price the order (the same `order_priced`), without writing anything. US shoppers see
the sales tax of their state before they pay; EU shoppers see the VAT their prices include."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.errors import NotFound
from remarket.markets.models import Channel, Market
from remarket.markets.tax import Scheme, tax_shown
from remarket.offers.models import ListingMarket
from remarket.orders.services import order_priced

from .services import Item, _priced_line, _ship_to, _shipping


@dataclass(frozen=True)
class Quote:
    currency: str
    goods_minor: int  # the lines' shown prices
    shipping_minor: int
    tax_minor: int  # shown to the buyer: VAT inside the prices, or US sales tax on top (margin-scheme VAT is not)
    tax_included: bool
    total_minor: int  # what the buyer pays
    rates: tuple[str, ...]  # the rates applied, "US-NY-NYC 8.875 %"


def checkout_quote(
    *,
    market: Market,
    channel: Channel,
    items: list[Item],
    shipping_address: dict | None = None,
    location_id: int | None = None,
    shipping_choice: dict[int, str] | None = None,
    pickup: bool = False,
) -> Quote:
    """`pickup`: collected at a location (the address is the location's), which ships free."""
    terms = {
        t.listing_id: t
        for t in ListingMarket.objects.sellable()
        .select_related("listing__variant__model", "listing__merchant")
        .filter(market=market, listing_id__in=[i.listing_id for i in items])
    }
    missing = [i.listing_id for i in items if i.listing_id not in terms]
    if missing:
        raise NotFound("OFFER_NOT_FOUND", _("Offer %(id)s is not for sale here.") % {"id": missing[0]})
    lines = [_priced_line(terms[i.listing_id], i) for i in items]
    shipping = {} if pickup else _shipping(channel, terms, lines, shipping_choice or {})
    ship_to = _ship_to(market, shipping_address, location_id)
    priced = order_priced(
        market=market, lines=lines, shipping=shipping, ship_to=ship_to, currency=market.currency, now=clock.now()
    )
    rates = sorted(
        {
            f"{l.tax_jurisdiction} {l.tax_rate * 100:.3f}".rstrip("0").rstrip(".") + " %"
            for _, order_lines in priced
            for l in order_lines
            if tax_shown(l.tax_scheme)
        }
    )
    return Quote(
        currency=market.currency,
        goods_minor=sum(l.total_minor for _, ls in priced for l in ls),
        shipping_minor=sum(s.shipping_minor for s, _ in priced),
        tax_minor=sum(
            s.shipping_tax_minor + sum(l.tax_minor for l in ls if l.tax_scheme != Scheme.MARGIN) for s, ls in priced
        ),
        tax_included=market.prices_include_tax,
        total_minor=sum(s.total_minor for s, _ in priced),
        rates=tuple(rates),
    )
