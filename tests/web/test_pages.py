import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from remarket.accounts.models import Role
from remarket.events.outbox import drain
from remarket.impact.calc import model_factor
from remarket.offers.models import Listing, ListingMarket, LocationStock
from remarket.orders.models import Order, SubOrder

from ..conftest import ADDRESS_FR, PAY_DECLINED, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db


def buy(client, offer, card=PAY_OK, **address):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    form = {**ADDRESS_FR, **address, "email": "shopper@example.com", "card_number": card}
    return client.post("/fr/checkout/", form)


def test_anonymous_product_page_writes_nothing_and_creates_no_session(client, offer):
    response = client.get(f"/fr/p/{offer.listing.variant.model.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parfait état" in html and "499,00" in html and offer.listing.merchant.name in html
    assert "sessionid" not in response.cookies and not Session.objects.exists()


def test_a_customer_buys_through_the_storefront(client, offer):
    response = buy(client, offer)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fr/orders/{order.public_id}/"
    assert order.state == 1 and order.payment.status == "captured"
    page = client.get(response["Location"]).content.decode()
    assert "Payée" in page
    assert client.get("/fr/cart/").content.decode().count("Remove") == 0


def test_a_declined_card_shows_on_the_order_page(client, offer):
    response = buy(client, offer, card=PAY_DECLINED)
    assert "refusé" in client.get(response["Location"]).content.decode()
    assert Listing.objects.get().quantity == 5


def test_bad_checkout_input_shows_the_error_and_changes_nothing(client, offer):
    response = buy(client, offer, postal_code="7500")
    assert response.status_code == 400
    assert 'data-code="CHECKOUT_POSTCODE_INVALID"' in response.content.decode()
    assert not Order.objects.exists() and Listing.objects.get().quantity == 5


def test_forms_are_csrf_protected(offer):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/fr/cart/add/", {"listing_id": offer.listing_id})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", ["/fr/p/no-such-phone/", "/zz/", "/fr/orders/6f9619ff-8b86-d011-b42d-00cf4fc964ff/", "/nothing/here/at/all/"]
)
def test_unknown_things_are_our_404_page(client, url, marketplace):
    response = client.get(url)
    title = "Page introuvable" if url.startswith("/fr/") else "Page not found"  # in the visited site's language
    assert response.status_code == 404 and title in response.content.decode()


def test_merchant_back_office_accepts_and_ships(client, offer, merchant_user):
    buy(Client(), offer)
    sub = SubOrder.objects.get()
    client.force_login(merchant_user)
    assert f'data-suborder="{sub.pk}"' in client.get("/merchant/").content.decode()
    client.post(f"/merchant/orders/{sub.pk}/accept/")
    response = client.post(f"/merchant/orders/{sub.pk}/ship/", {"carrier": "Colissimo", "tracking_number": "6A1"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.state == 9 and sub.shipment.tracking_number == "6A1"
    assert "6A1" in client.get(f"/merchant/orders/{sub.pk}/").content.decode()


def test_merchant_pages_are_scoped_to_the_merchant(client, offer, other_merchant_user):
    buy(Client(), offer)
    sub = SubOrder.objects.get()
    client.force_login(other_merchant_user)
    assert f'data-suborder="{sub.pk}"' not in client.get("/merchant/").content.decode()
    assert client.get(f"/merchant/orders/{sub.pk}/").status_code == 404
    assert client.post(f"/merchant/orders/{sub.pk}/accept/").status_code == 404
    assert offer.listing.sku not in client.get("/merchant/listings/").content.decode()
    sub.refresh_from_db()
    assert sub.state == 1


def test_back_office_needs_a_login_and_the_right_role(client, offer):
    assert client.get("/merchant/")["Location"].startswith("/login/")
    client.force_login(UserFactory())
    assert client.get("/merchant/").status_code == 403
    assert client.get("/ops/").status_code == 403


def test_a_clerk_sells_from_the_store_stock(client, marketplace, operator_user):
    first_party = MerchantFactory(is_first_party=True, name="remarket", slug="remarket")
    term = ListingMarket.objects.create(
        listing=ListingFactory(merchant=first_party, quantity=0),
        market=marketplace.us,
        currency="USD",
        price_minor=59900,
    )
    LocationStock.objects.create(location=marketplace.nyc, listing=term.listing, available=2)
    clerk = UserFactory(role=Role.CLERK, location=marketplace.nyc)
    client.force_login(clerk)
    assert "$599.00" in client.get("/pos/").content.decode()
    response = client.post("/pos/sell/", {"listing_id": term.listing_id, "quantity": 1, "card_number": PAY_OK})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.channel.kind, order.location_id, order.state, order.clerk_id) == (
        "store",
        marketplace.nyc.pk,
        9,
        clerk.pk,
    )
    assert LocationStock.objects.get().available == 1 and Listing.objects.get().quantity == 0
    declined = client.post("/pos/sell/", {"listing_id": term.listing_id, "quantity": 1, "card_number": PAY_DECLINED})
    assert 'data-code="POS_PAYMENT_NOT_CAPTURED"' in declined.content.decode()
    assert LocationStock.objects.get().available == 1
    drain()
    client.force_login(operator_user)
    dashboard = client.get("/ops/").content.decode()
    row = re.search(r'data-country="US">(.*?)</tr>', dashboard, re.S).group(1)
    assert "gmv-chart" in dashboard and "€" in row


def test_ops_dashboard_shows_gmv_by_country_and_channel(client, offer, operator_user):
    buy(Client(), offer)
    drain()
    client.force_login(operator_user)
    html = client.get("/ops/").content.decode()
    row = re.search(r'data-country="FR">(.*?)</tr>', html, re.S).group(1)
    assert "€499.00" in row
    model = offer.listing.variant.model  # one smartphone: its own footprint where Boavizta has it, else 49.5 kg
    expected = model_factor("smartphone", model.brand, model.name).avoided_g / 1000
    assert f"{expected:.1f} kg" in html


def test_health_endpoints(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/healthz").headers["X-Request-ID"]


def test_product_page_query_count_is_bounded(client, offer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    for _n in range(4):  # more offers must not mean more queries
        ListingMarketFactory(market=offer.market, listing=ListingFactory(variant=offer.listing.variant))
    url = f"/fr/p/{offer.listing.variant.model.slug}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # the market and the model's gallery (then kept by the process), the model with its variants and what each
    # has on sale, each grade's best offer with how many it beats (both from the grade summaries)
    assert len(queries) == 4, [q["sql"] for q in queries]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
    assert len(queries) == 2, [q["sql"] for q in queries]  # what every request costs when nothing is cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0  # then served from the cache


@pytest.mark.parametrize("role, home", [(Role.OPERATOR, "/ops/"), (Role.CUSTOMER, None)])
def test_login_lands_on_the_roles_home(client, marketplace, role, home):
    user = UserFactory(role=role, is_superuser=role == Role.OPERATOR)
    response = client.post("/login/", {"username": user.username, "password": "correct horse battery"})
    assert response["Location"] == "/account/"
    landing = client.get("/account/")
    assert (landing["Location"] == home) if home else (landing.status_code == 200)


def test_quality_pages_for_the_operator_and_the_merchant(client, offer, merchant_user, operator_user):
    from remarket.aftersales.jobs import merchant_quality_refresh

    merchant_quality_refresh(merchant=offer.listing.merchant)
    client.force_login(merchant_user)
    assert 'id="quality-score">100/100' in client.get("/merchant/quality/").content.decode()
    listings = client.get("/merchant/listings/").content.decode()
    assert 'data-winning="1"' in listings
    client.force_login(operator_user)
    page = client.get("/ops/quality/").content.decode()
    assert f'data-merchant="{offer.listing.merchant_id}"' in page
    client.post("/ops/quality/", {"merchant_id": offer.listing.merchant_id, "status": "suspended"})
    offer.listing.merchant.refresh_from_db()
    assert offer.listing.merchant.status == "suspended"
    client.post("/ops/quality/", {"merchant_id": offer.listing.merchant_id, "status": "applied"})
    offer.listing.merchant.refresh_from_db()
    assert offer.listing.merchant.status == "suspended"  # refused: not a lifecycle move
    assert client.get(f"/fr/p/{offer.listing.variant.model.slug}/").content.decode().count("data-add=") == 0


def test_the_anonymous_cart_joins_the_saved_cart_at_login(client, marketplace, offer):
    from remarket.checkout.cart import saved_cart_get, saved_cart_put

    customer = UserFactory()
    other = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory())
    saved_cart_put(user_id=customer.pk, cart={"market": "FR", "lines": {str(other.listing_id): 1}})
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 2})
    client.post("/login/", {"username": customer.username, "password": "correct horse battery"})
    merged = saved_cart_get(user_id=customer.pk)
    assert merged.pop("version") and merged == {
        "market": "FR",
        "lines": {str(other.listing_id): 1, str(offer.listing_id): 2},
    }
    assert client.get("/fr/cart/").content.decode().count("Retirer") == 2


def test_a_cart_cannot_mix_markets(client, marketplace, offer):
    us_offer = ListingMarketFactory(market=marketplace.us, currency="USD", listing=ListingFactory())
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id})
    response = client.post("/us/cart/add/", {"listing_id": us_offer.listing_id})
    assert response.status_code == 409 and 'data-code="CART_MARKET_MISMATCH"' in response.content.decode()
    cart = client.session["cart"]
    assert cart.pop("version") and cart == {"market": "FR", "lines": {str(offer.listing_id): 1}}


def test_a_declined_card_keeps_the_cart_for_another_card(client, offer):
    declined = buy(client, offer, card=PAY_DECLINED)
    page = client.get(declined["Location"]).content.decode()
    assert "refusé" in page and "data-retry" in page
    assert client.get("/fr/cart/").context["lines"]  # the cart is back
    again = client.post("/fr/checkout/", {**ADDRESS_FR, "email": "shopper@example.com", "card_number": PAY_OK})
    assert again.status_code == 302 and Order.objects.filter(state=1).count() == 1  # a new order, paid
    assert Listing.objects.get().quantity == 4


def test_a_cancelled_confirmation_is_not_called_a_decline_and_keeps_the_cart(client, offer):
    from ..conftest import PAY_3DS

    confirm = buy(client, offer, card=PAY_3DS)
    cancelled = client.post(confirm["Location"], {"approve": "no"})
    page = client.get(cancelled["Location"]).content.decode()
    assert "annulé" in page and "refusé" not in page and "data-retry" in page
    assert client.get("/fr/cart/").context["lines"]
