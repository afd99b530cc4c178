import pytest

from remarket.accounts.models import Role
from remarket.offers.models import Listing
from remarket.orders.models import SubOrder

from ..conftest import PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_a_customer_buys_a_phone_and_the_merchant_ships_it(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    UserFactory(username="seller", role=Role.MERCHANT, merchant=offer.listing.merchant)
    slug = offer.listing.variant.model.slug

    page.goto(f"{server}/fr/")
    page.click(f'[data-product="{slug}"]')
    page.click(f'[data-grade="EXCELLENT"] button[data-add="{offer.listing_id}"]')
    assert page.url.endswith("/fr/cart/")
    page.click("text=Commander")
    for name, value in {"email": "e2e@example.com", "first_name": "Ada", "last_name": "Lovelace",
                        "street": "12 rue de Rivoli", "postal_code": "75001", "city": "Paris",
                        "phone": "+33 6 12 34 56 78", "card_number": PAY_OK}.items():
        page.fill(f'input[name="{name}"]', value)
    page.click("button[type=submit]")
    page.wait_for_selector('[data-payment="captured"]')
    assert "Payée" in page.inner_text("main")

    page.goto(f"{server}/merchant/")
    page.fill('input[name="username"]', "seller")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    sub = SubOrder.objects.get()
    page.click(f'[data-suborder="{sub.pk}"] a')
    page.click("text=Accept order")
    page.fill('input[name="tracking_number"]', "6A00012345678")
    page.click("text=Mark as shipped")
    page.wait_for_selector("text=Shipped with")

    sub.refresh_from_db()
    assert sub.state == 9 and sub.shipment.tracking_number == "6A00012345678"
    assert Listing.objects.get(pk=offer.listing_id).quantity == 2
