"""A shopper who double-clicks Pay sends one request, and pays once (the server would make one order anyway:
tests/checkout/test_money_safety.py)."""

import pytest

from remarket.orders.models import Order
from remarket.payments.models import SandboxCharge

from ..conftest import PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory

pytestmark = pytest.mark.e2e


def test_a_double_click_on_pay_sends_the_form_once(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/checkout/" in r.url else None)

    page.goto(f"{server}/fr/p/{offer.listing.variant.model.slug}/")
    page.click(f'[data-grade="EXCELLENT"] button[data-add="{offer.listing_id}"]')
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
    with page.expect_navigation(url="**/fr/orders/**", timeout=60000):
        # a second press 20 ms after the first, while its request is in flight
        sent = page.evaluate("""() => new Promise(done => {
            const form = document.querySelector("form[data-submit-once]");
            const pay = form.querySelector("button[type=submit]");
            pay.click();
            setTimeout(() => { pay.click(); done(form.getAttribute("aria-busy")); }, 20);
        })""")
    assert sent == "true"
    assert len(posts) == 1
    assert Order.objects.count() == 1 and SandboxCharge.objects.count() == 1
