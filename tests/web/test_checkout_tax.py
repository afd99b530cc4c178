"""The checkout shows the tax before the buyer pays: VAT inside EU prices, the state's sales tax on top of US ones."""

import pytest

from remarket.orders.models import Order

from ..conftest import PAY_OK
from ..factories import ListingMarketFactory

pytestmark = pytest.mark.django_db
US = {
    "email": "walt@example.com",
    "first_name": "Walt",
    "last_name": "Whitman",
    "street": "328 Mickle St",
    "postal_code": "10012",
    "city": "New York",
    "phone": "(212) 736-5000",
}


@pytest.fixture
def us_offer(marketplace):
    return ListingMarketFactory(market=marketplace.us, price_minor=10000, min_price_minor=None)


def test_a_french_checkout_shows_the_vat_its_prices_include(client, offer):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id})
    page = client.get("/fr/checkout/")
    quote = page.context["quote"]
    assert (quote.tax_minor, quote.total_minor, quote.tax_included) == (8317, 49900, True)
    assert 'id="quote-tax"' in page.content.decode() and "FR 20 %" in page.content.decode()


def test_a_us_checkout_asks_the_state_and_adds_its_sales_tax(client, us_offer):
    client.post("/us/cart/add/", {"listing_id": us_offer.listing_id})
    page = client.get("/us/checkout/")
    assert page.context["quote"] is None and '<select name="state" required>' in page.content.decode()
    fragment = client.get("/us/checkout/quote/", {"state": "NY", "postal_code": "10012"})
    assert fragment.context["quote"].tax_minor == 888 and "108.88" in fragment.content.decode()
    albany = client.get("/us/checkout/quote/", {"state": "NY", "postal_code": "12207"})
    assert albany.context["quote"].tax_minor == 400
    missing = client.post("/us/checkout/", {**US, "card_number": PAY_OK})
    assert missing.status_code == 400 and 'data-code="CHECKOUT_STATE_INVALID"' in missing.content.decode()
    paid = client.post("/us/checkout/", {**US, "state": "NY", "card_number": PAY_OK})
    order = Order.objects.get()
    assert paid.status_code == 302 and (order.total_minor, order.tax_minor, order.payment.amount_minor) == (
        10888,
        888,
        10888,
    )


def test_the_amount_charged_is_the_amount_shown(client, us_offer):
    """The page's form carries the total its quote showed; a post whose total differs (the quote had not caught
    up, or none was shown yet) charges nothing and shows the total to confirm."""
    client.post("/us/cart/add/", {"listing_id": us_offer.listing_id})
    page = client.get("/us/checkout/").content.decode()
    assert 'id="shown-total" name="shown_total" value=""' in page  # no state yet: no total shown
    unseen = client.post("/us/checkout/", {**US, "state": "NY", "card_number": PAY_OK, "shown_total": ""})
    assert unseen.status_code == 409 and 'data-code="CHECKOUT_TOTAL_CHANGED"' in unseen.content.decode()
    assert "$108.88" in unseen.content.decode() and not Order.objects.exists()
    assert 'name="shown_total" value="10888"' in unseen.content.decode()  # now shown: the next press pays it
    fragment = client.get("/us/checkout/quote/", {"state": "NY", "postal_code": "12207"}).content.decode()
    assert 'id="shown-total" name="shown_total" value="10400" hx-swap-oob="true"' in fragment
    stale = client.post("/us/checkout/", {**US, "state": "NY", "card_number": PAY_OK, "shown_total": "10400"})
    assert stale.status_code == 409 and not Order.objects.exists()  # Albany's total shown, NYC's due
    paid = client.post("/us/checkout/", {**US, "state": "NY", "card_number": PAY_OK, "shown_total": "10888"})
    assert paid.status_code == 302 and Order.objects.get().payment.amount_minor == 10888
