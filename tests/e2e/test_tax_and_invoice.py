import pytest

from remarket.accounts.models import Role
from remarket.events.outbox import drain
from remarket.orders.models import Order

from ..conftest import PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from .conftest import merchant_ships

pytestmark = pytest.mark.e2e


def test_a_new_york_buyer_sees_the_sales_tax_before_paying_and_gets_an_invoice(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(
        market=mp.us,
        price_minor=10000,
        min_price_minor=None,
        listing=ListingFactory(quantity=3, merchant=MerchantFactory(country="US")),
    )
    UserFactory(username="seller", role=Role.MERCHANT, merchant=offer.listing.merchant)

    page.goto(f"{server}/us/p/{offer.listing.variant.model.slug}/")
    page.click(f'button[data-add="{offer.listing_id}"]')
    page.goto(f"{server}/us/checkout/")
    assert "plus sales tax" in page.inner_text("#quote")
    for name, value in {
        "email": "walt@example.com",
        "first_name": "Walt",
        "last_name": "Whitman",
        "street": "328 Mickle St",
        "postal_code": "10012",
        "city": "New York",
        "phone": "(212) 736-5000",
        "card_number": PAY_OK,
    }.items():
        page.fill(f'input[name="{name}"]', value)
    page.select_option('select[name="state"]', "NY")  # htmx asks for the state's tax
    page.wait_for_selector("#quote-tax")
    assert "$8.88" in page.inner_text("#quote-tax") and "$108.88" in page.inner_text("#quote-total")
    page.click("button[type=submit]")
    page.wait_for_selector('[data-payment="captured"]')
    order = Order.objects.get()
    assert (order.total_minor, order.tax_minor) == (10888, 888)
    order_url = page.url

    merchant_ships(page.context.browser.new_page(), server, order.suborders.get().pk, "1Z999AA10123456784")
    drain()  # the worker's job: the shipping event issues the invoice

    page.goto(order_url)
    page.click("[data-invoice^=INV-]")
    text = page.inner_text("body")
    assert "Sales tax" in text and "$8.88" in text and "$108.88" in text


def test_the_sales_tax_shows_as_soon_as_the_address_allows_before_any_card_and_is_what_is_charged(server, page):
    """The form's other fields empty (no card, no e-mail): the quote still updates, and the amount charged is the
    amount last shown."""
    mp = build_marketplace()
    offer = ListingMarketFactory(
        market=mp.us,
        price_minor=35899,
        min_price_minor=None,
        listing=ListingFactory(quantity=3, merchant=MerchantFactory(country="US")),
    )
    page.goto(f"{server}/us/p/{offer.listing.variant.model.slug}/")
    page.click(f'button[data-add="{offer.listing_id}"]')
    page.goto(f"{server}/us/checkout/")
    page.fill('input[name="postal_code"]', "10012")
    page.select_option('select[name="state"]', "NY")
    page.wait_for_selector("#quote-tax", timeout=15000)
    shown = page.inner_text("#quote-total")
    assert "$390.85" in shown  # 358.99 + 8.875 % New York City sales tax
    for name, value in {
        "email": "walt@example.com",
        "first_name": "Walt",
        "last_name": "Whitman",
        "street": "328 Mickle St",
        "city": "New York",
        "phone": "(212) 736-5000",
        "card_number": PAY_OK,
    }.items():
        page.fill(f'input[name="{name}"]', value)
    assert page.inner_text("#quote-total") == shown
    page.click("button[type=submit]")
    page.wait_for_selector('[data-payment="captured"]')
    assert Order.objects.get().total_minor == 39085
