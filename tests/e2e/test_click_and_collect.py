"""Click & collect in Chromium: a customer checks out an offer for pickup at a partner's corner (found by
postcode with the locator), the merchant ships it, the corner's clerk marks it received, and the customer
collects it with the code the order page shows."""

import pytest

from remarket.accounts.models import Role
from remarket.markets.models import Channel, Location, Partner
from remarket.orders.models import Pickup, SubOrder

from ..conftest import PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, UserFactory
from .conftest import merchant_ships

pytestmark = pytest.mark.e2e


def test_a_customer_collects_at_a_corner_with_the_code(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    UserFactory(username="seller", role=Role.MERCHANT, merchant=offer.listing.merchant, language="en")  # reads English
    partner = Partner.objects.create(name="Telco")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=mp.fr, partner=partner)
    corner = Location.objects.create(
        channel=channel,
        code="telco-paris-11",
        name="Telco Paris Bastille",
        town="Paris",
        postcode="75011",
        latitude="48.853",
        longitude="2.369",
        service_pickup=True,
    )
    Location.objects.create(
        channel=channel,
        code="telco-lyon-2",
        name="Telco Lyon",
        town="Lyon",
        postcode="69002",
        latitude="45.7578",
        longitude="4.832",
        service_pickup=True,
    )
    UserFactory(username="clerk", role=Role.CLERK, location=corner, language="en")  # reads English

    page.goto(f"{server}/fr/p/{offer.listing.variant.model.slug}/")
    page.click(f'[data-grade="EXCELLENT"] button[data-add="{offer.listing_id}"]')
    page.goto(f"{server}/fr/checkout/")
    page.click("[data-pickup-checkout]")
    page.fill("input[data-pickup-near]", "69002")
    page.wait_for_selector('#pickup-locations > label:first-of-type input[data-location-code="telco-lyon-2"]')
    page.fill("input[data-pickup-near]", "75011")
    page.wait_for_selector('#pickup-locations > label:first-of-type input[data-location-code="telco-paris-11"]')
    page.check('input[data-location-code="telco-paris-11"]')
    for name, value in {
        "email": "e2e@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+33 6 12 34 56 78",
        "card_number": PAY_OK,
    }.items():
        page.fill(f'form[method="post"] input[name="{name}"]', value)
    page.click('form[method="post"] button[type=submit]')
    page.wait_for_selector('[data-payment="captured"]')
    order_url = page.url
    assert page.get_attribute("[data-pickup-status]", "data-pickup-status") == "awaiting"
    code = page.inner_text("[data-pickup-code]")
    assert page.locator(".qr svg").count() == 1

    sub = SubOrder.objects.get()
    customer, page = page, page.context.browser.new_page()  # the staff in their own browser
    merchant_ships(page, server, sub.pk, "6A00012345678")

    page.context.clear_cookies()
    page.goto(f"{server}/pos/pickups/")
    page.fill('input[name="username"]', "clerk")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    pickup = Pickup.objects.get()
    page.click(f'[data-pickup="{pickup.pk}"] button[type=submit]')
    page.wait_for_selector(f'[data-pickup="{pickup.pk}"]:has-text("Ready for pickup")')
    page.fill("input[data-pickup-code-field]", "WRONG-CODE")
    page.press("input[data-pickup-code-field]", "Enter")
    page.wait_for_selector('[data-code="PICKUP_CODE_INVALID"]')
    page.fill("input[data-pickup-code-field]", code)
    page.press("input[data-pickup-code-field]", "Enter")  # as a keyboard-wedge scanner ends its input
    page.wait_for_selector(f'[data-pickup="{pickup.pk}"]:has-text("Collected")')
    pickup.refresh_from_db()
    assert pickup.state == "collected"

    customer.goto(order_url)
    assert customer.get_attribute("[data-pickup-status]", "data-pickup-status") == "collected"
