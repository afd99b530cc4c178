"""The storefront with Stripe as the provider, in Chromium against Stripe's stand-in (its API and a stand-in of
Stripe.js, tests/payments/): the card is typed into Stripe's field and never reaches our server, which gets a
PaymentMethod id; a card that asks for 3-D Secure is completed in the browser and the order ends paid; a number
Stripe refuses is shown on the page and sends nothing; the Content-Security-Policy lets Stripe.js work and
reports no violation."""

import pytest

from remarket.orders.models import Order

from ..conftest import build_marketplace, gunicorn_serving
from ..factories import ListingFactory, ListingMarketFactory
from ..payments.conftest import WEBHOOK_SECRET
from ..payments.stripe_standin import StripeStandin

pytestmark = [pytest.mark.e2e]

ADDRESS = {
    "email": "stripe@example.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street": "12 rue de Rivoli",
    "postal_code": "75001",
    "city": "Paris",
    "phone": "+33 6 12 34 56 78",
}


@pytest.fixture
def stripe_shop(transactional_db):
    standin = StripeStandin(WEBHOOK_SECRET).start()
    env = {
        "REMARKET_PAYMENT_GATEWAY": "remarket.payments.stripe_gateway.StripeGateway",
        "STRIPE_SECRET_KEY": "sk_test_standin",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_standin",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": standin.base,
        "STRIPE_JS_URL": f"{standin.base}/v3/",
        "REMARKET_INSTALLATION": "rmk-e2e-",
    }
    try:
        with gunicorn_serving(env=env) as base:
            yield base, standin
    finally:
        standin.stop()


def _to_checkout(page, base: str) -> list[str]:
    """A French shopper adds one offer and fills in the checkout form; returns the bodies posted to /checkout/
    and collects CSP violations reported in the console."""
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    posted, violations = [], []
    page.on(
        "request", lambda r: posted.append(r.post_data or "") if r.method == "POST" and "/checkout/" in r.url else None
    )
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{base}/fr/p/{offer.listing.variant.model.slug}/")
    page.click(f'[data-grade="EXCELLENT"] button[data-add="{offer.listing_id}"]')
    page.click("text=Commander")
    for name, value in ADDRESS.items():
        page.fill(f'input[name="{name}"]', value)
    page.wait_for_selector("[data-standin-card]")  # Stripe.js loaded and mounted its field
    assert page.is_hidden("[data-stripe-missing]")
    page._remarket_violations = violations  # read by the tests below
    return posted


def test_a_card_typed_into_stripes_field_pays_and_never_reaches_our_server(stripe_shop, page):
    base, standin = stripe_shop
    posted = _to_checkout(page, base)
    page.fill("[data-standin-card]", "4242 4242 4242 4242")
    with page.expect_navigation(url="**/fr/orders/**", timeout=60000):
        page.click("button[type=submit]")
    order = Order.objects.select_related("payment").get()
    assert (order.state, order.payment.status) == (1, "captured")
    assert len(posted) == 1 and "card_number=pm_card_visa" in posted[0] and "4242" not in posted[0]
    assert standin.publishable_keys == {"pk_test_standin"}
    assert [r["path"] for r in standin.requests if r["method"] == "POST"] == ["/v1/payment_intents"]
    assert page._remarket_violations == []


def test_three_d_secure_is_completed_in_the_browser_and_the_order_is_paid(stripe_shop, page):
    base, standin = stripe_shop
    _to_checkout(page, base)
    page.fill("[data-standin-card]", "4000 0025 0000 3155")
    with page.expect_navigation(url="**/fr/orders/**/confirm/**", timeout=60000):
        page.click("button[type=submit]")
    page.wait_for_url("**/fr/orders/*/", timeout=60000)  # Stripe.js passed the step, the server read the outcome
    order = Order.objects.select_related("payment").get()
    assert (order.state, order.payment.status) == (1, "captured")
    assert page._remarket_violations == []


def test_a_number_stripe_refuses_is_shown_and_sends_nothing(stripe_shop, page):
    base, standin = stripe_shop
    posted = _to_checkout(page, base)
    page.fill("[data-standin-card]", "1234 5678 9012 3456")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-stripe-error]:not([hidden])")
    assert "incorrect" in page.inner_text("[data-stripe-error]")
    assert posted == [] and not Order.objects.exists()
    page.fill("[data-standin-card]", "4242424242424242")  # corrected: the same page pays
    with page.expect_navigation(url="**/fr/orders/**", timeout=60000):
        page.click("button[type=submit]")
    assert Order.objects.get().state == 1 and len(posted) == 1
