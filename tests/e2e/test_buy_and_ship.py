import pytest

from remarket.accounts.models import Role
from remarket.offers.models import Listing
from remarket.orders.models import SubOrder

from ..conftest import PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, UserFactory
from .conftest import merchant_ships

pytestmark = pytest.mark.e2e


def test_a_customer_buys_a_phone_and_the_merchant_ships_it(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    UserFactory(username="seller", role=Role.MERCHANT, merchant=offer.listing.merchant, language="en")  # reads English
    slug = offer.listing.variant.model.slug

    page.goto(f"{server}/fr/")
    page.click(f'[data-product="{slug}"]')
    page.click(f'[data-grade="EXCELLENT"] button[data-add="{offer.listing_id}"]')
    assert page.url.endswith("/fr/cart/")
    page.click("text=Commander")
    for name, value in {
        "email": "e2e@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "street": "12 rue de Rivoli",
        "postal_code": "75001",
        "city": "Paris",
        "phone": "+33 6 12 34 56 78",
        "card_number": PAY_OK,
    }.items():
        page.fill(f'input[name="{name}"]', value)
    page.click("button[type=submit]")
    page.wait_for_selector('[data-payment="captured"]')
    assert "Payée" in page.inner_text("main")

    sub = SubOrder.objects.get()
    merchant_ships(page, server, sub.pk, "6A00012345678")

    sub.refresh_from_db()
    assert sub.state == 9 and sub.shipment.tracking_number == "6A00012345678"
    assert Listing.objects.get(pk=offer.listing_id).quantity == 2
