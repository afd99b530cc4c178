"""Margin-scheme eligibility has one owner (offers/vat.py `margin_refusal`): the quote, the order's lines, the
invoice, a merchant's VAT-type change and listing writes agree with it on every case — an eligible sale, a
purchase price in another currency, a seller outside the EU, a US sale, a purchase price above the price."""

import pytest

from remarket.checkout.quote import checkout_quote
from remarket.checkout.services import Item
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.invoices.models import Invoice
from remarket.markets.tax import Scheme, tax_rules
from remarket.offers.services import ListingRow, listings_apply
from remarket.offers.vat import MarginRefusal, VatScheme, margin_refusal, vat_scheme_parse
from remarket.orders.models import OrderLine
from remarket.orders.services import suborder_vat_scheme_set

from ..conftest import ADDRESS_FR
from ..factories import MerchantFactory
from .conftest import ADDRESS_US, NOW, merchant_actor, offer, sell, ship

pytestmark = pytest.mark.django_db

PRICE = 49900  # € / $ 499.00
CASES = [
    # (case, market, merchant country, purchase price, its currency, the refusal the one rule gives)
    ("eligible", "fr", "FR", 30000, "EUR", None),
    ("purchase in another currency", "fr", "FR", 30000, "GBP", MarginRefusal.PURCHASE_PRICE_MISSING),
    ("seller outside the EU", "fr", "US", 30000, "EUR", MarginRefusal.SALE_NOT_ELIGIBLE),
    ("a US sale", "us", "US", 30000, "USD", MarginRefusal.SALE_NOT_ELIGIBLE),
    ("bought above the price", "fr", "FR", 60000, "EUR", MarginRefusal.MARGIN_NEGATIVE),
]


def _refusal(marketplace, market: str, merchant_country: str, purchase: int, currency: str):
    """What the one rule says of this unit, asked the way checkout asks it."""
    the_market = marketplace.fr if market == "fr" else marketplace.us
    address = ADDRESS_FR if market == "fr" else ADDRESS_US
    from remarket.markets.tax import ShipTo

    _standard, margin = tax_rules(
        prices_include_tax=the_market.prices_include_tax,
        merchant_country=merchant_country,
        ship_to=ShipTo(address["country"], address.get("state", ""), address["postal_code"]),
        on=NOW.date(),
    )
    return margin_refusal(
        purchase_price_minor=purchase,
        purchase_currency=currency,
        currency=the_market.currency,
        unit_price_minor=PRICE,
        sale_allows=margin is not None,
    )


@pytest.mark.parametrize(
    ("case", "market", "country", "purchase", "currency", "refusal"), CASES, ids=[c[0] for c in CASES]
)
def test_every_reader_agrees_with_the_one_rule(marketplace, case, market, country, purchase, currency, refusal):
    assert _refusal(marketplace, market, country, purchase, currency) is refusal
    eligible = refusal is None
    the_market = marketplace.fr if market == "fr" else marketplace.us
    listing = offer(
        the_market,
        merchant=MerchantFactory(country=country),
        price_minor=PRICE,
        vat_scheme=VatScheme.MARGIN,
        purchase_price_minor=purchase,
        purchase_currency=currency,
    )
    with clock.frozen(NOW):
        quote = checkout_quote(
            market=the_market,
            channel=marketplace.web_fr if market == "fr" else marketplace.web_us,
            items=[Item(listing.pk, 1)],
            shipping_address=ADDRESS_FR if market == "fr" else ADDRESS_US,
        )
    sub = ship(sell(marketplace, listing, market=market))
    line = OrderLine.objects.get(suborder=sub)
    invoice = Invoice.objects.get(suborder=sub)
    # the order's line, the quote and the invoice say the same thing
    assert (line.tax_scheme == Scheme.MARGIN) is eligible
    assert (line.purchase_price_minor == purchase) is eligible
    assert (quote.tax_minor == 0) is eligible  # margin-scheme VAT is never shown
    assert invoice.margin_scheme is eligible
    assert (invoice.tax_minor == 0) is eligible
    if eligible:
        assert (line.tax_minor, invoice.taxes) == (3317, [])  # 0.2 × 199.00 / 1.2
    else:
        assert line.tax_scheme == (Scheme.SALES_TAX if market == "us" else Scheme.VAT)
        assert quote.tax_minor == line.tax_minor == invoice.tax_minor > 0


@pytest.mark.parametrize(
    ("case", "market", "country", "purchase", "currency", "refusal"), CASES, ids=[c[0] for c in CASES]
)
def test_the_merchants_vat_type_change_refuses_what_the_rule_refuses(
    marketplace, case, market, country, purchase, currency, refusal
):
    the_market = marketplace.fr if market == "fr" else marketplace.us
    listing = offer(
        the_market,
        merchant=MerchantFactory(country=country),
        price_minor=PRICE,
        purchase_price_minor=purchase,
        purchase_currency=currency,
    )
    sub = sell(marketplace, listing, market=market)
    before = OrderLine.objects.filter(suborder=sub).values_list("tax_scheme", "tax_minor").get()
    with clock.frozen(NOW):
        if refusal is None:
            suborder_vat_scheme_set(
                actor=merchant_actor(sub.merchant), suborder_id=sub.pk, scheme=vat_scheme_parse("MARGINAL")
            )
            assert OrderLine.objects.get(suborder=sub).tax_scheme == Scheme.MARGIN
            return
        with pytest.raises(DomainError) as refused:
            suborder_vat_scheme_set(
                actor=merchant_actor(sub.merchant), suborder_id=sub.pk, scheme=vat_scheme_parse("MARGINAL")
            )
    assert (
        refused.value.code
        == {
            MarginRefusal.PURCHASE_PRICE_MISSING: "ORDER_PURCHASE_PRICE_MISSING",
            MarginRefusal.SALE_NOT_ELIGIBLE: "ORDER_MARGIN_SCHEME_UNAVAILABLE",
            MarginRefusal.MARGIN_NEGATIVE: "OFFER_MARGIN_NEGATIVE",
        }[refusal]
    )
    assert OrderLine.objects.filter(suborder=sub).values_list("tax_scheme", "tax_minor").get() == before


def test_listing_writes_apply_the_same_rule(marketplace):
    """A feed row under the margin scheme needs the purchase price, not above the price; a price in another
    currency is the basis where that currency sells, so the listing takes it."""
    merchant = MerchantFactory(country="FR")
    listing = offer(marketplace.fr, merchant=merchant, price_minor=PRICE)

    def row(**fields):
        return ListingRow(sku=listing.sku, market="FR", vat_scheme="MARGINAL", **fields)

    result = listings_apply(merchant=merchant, rows=[row(), row(purchase_price="600.00"), row(purchase_price="300")])
    assert [e.code for e in result.errors] == ["OFFER_PURCHASE_PRICE_REQUIRED", "OFFER_MARGIN_NEGATIVE"]
    listing.refresh_from_db()
    assert (listing.vat_scheme, listing.purchase_price_minor, listing.purchase_currency) == ("margin", 30000, "EUR")


def test_every_spelling_of_a_scheme_is_read_in_one_place():
    for text, scheme in (
        ("standard", VatScheme.STANDARD),
        (" Regular ", VatScheme.STANDARD),
        ("REGULAR", VatScheme.STANDARD),
        ("margin", VatScheme.MARGIN),
        ("marginal", VatScheme.MARGIN),
        ("MARGINAL", VatScheme.MARGIN),
    ):
        assert vat_scheme_parse(text) is scheme
    assert [vat_scheme_parse(t) for t in ("", "ZERO", "reduced", "vat")] == [None] * 4
    # the /ws/ order update's vat_type takes the contract's names only
    assert vat_scheme_parse("marginal", contract_only=True) is VatScheme.MARGIN
    assert vat_scheme_parse("margin", contract_only=True) is None
    # the margin code is one in both sets: what a listing declares and what a line bears
    assert VatScheme.MARGIN == Scheme.MARGIN == "margin"
