"""Paid orders written as checkout leaves them (order, sub-orders per merchant, lines), without the checkout
itself: the analytics tests feed their events to the handlers in any order they like."""

import datetime as dt
from dataclasses import dataclass

import pytest

from remarket.accounts.models import Role
from remarket.markets.models import FxRate, Partner
from remarket.orders.models import Order, OrderLine, SubOrder
from remarket.orders.states import LineState

from ..factories import (
    CategoryFactory,
    ListingFactory,
    MerchantFactory,
    ProductModelFactory,
    UserFactory,
    VariantFactory,
)


@dataclass
class Shop:
    marketplace: object
    listings: list  # across two merchants and two categories
    customers: list
    partner: Partner
    partner_channel: object
    corner: object


@pytest.fixture
def shop(marketplace) -> Shop:
    from remarket.markets.models import Channel, Location

    FxRate.objects.create(currency="EUR", month=dt.date(2025, 1, 1), per_usd="0.9000")
    merchants = [MerchantFactory(), MerchantFactory()]
    phones = CategoryFactory()
    laptops = CategoryFactory(slug="laptops", name="Laptops", impact_key="laptop")
    listings = [
        ListingFactory(merchant=m, variant=VariantFactory(model=ProductModelFactory(category=c)))
        for m in merchants
        for c in (phones, laptops)
    ]
    partner = Partner.objects.create(name="Relay")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    corner = Location.objects.create(
        channel=channel, code="relay-lyon", name="Relay Lyon", town="Lyon", postcode="69001"
    )
    customers = [UserFactory(role=Role.CUSTOMER), UserFactory(role=Role.CUSTOMER)]
    return Shop(marketplace, listings, customers, partner, channel, corner)


def paid_order(
    shop: Shop,
    *,
    at: dt.datetime,
    lines: list[tuple[int, int]],
    us: bool = False,
    customer: int | None = 0,
    email: str = "",
    counter: bool = False,
    price_minor: int = 30000,
) -> Order:
    """An order paid at `at`: `lines` are (listing index, quantity); one sub-order per merchant."""
    mp = shop.marketplace
    market = mp.us if us else mp.fr
    channel, location = (mp.web_us if us else mp.web_fr), None
    if counter:
        channel, location = (mp.store_us, mp.nyc) if us else (shop.partner_channel, shop.corner)
    total = sum(q * price_minor for _, q in lines)
    order = Order.objects.create(
        market=market,
        channel=channel,
        location=location,
        customer=shop.customers[customer] if customer is not None else None,
        email=email,
        state=1,
        currency=market.currency,
        total_minor=total,
        created_at=at,
        modified_at=at,
    )
    by_merchant: dict[int, list] = {}
    for index, quantity in lines:
        listing = shop.listings[index]
        by_merchant.setdefault(listing.merchant_id, []).append((listing, quantity))
    for merchant_id, items in sorted(by_merchant.items()):
        sub = SubOrder.objects.create(
            order=order,
            merchant_id=merchant_id,
            state=1,
            total_minor=sum(q * price_minor for _, q in items),
            created_at=at,
            modified_at=at,
        )
        for listing, quantity in items:
            OrderLine.objects.create(
                suborder=sub,
                listing=listing,
                sku=listing.sku,
                title="a device",
                grade=listing.grade,
                quantity=quantity,
                unit_price_minor=price_minor,
                total_minor=quantity * price_minor,
                currency=market.currency,
                commission_bp=1000,
                commission_minor=quantity * price_minor // 10,
                state=LineState.PAID,
            )
    return order
