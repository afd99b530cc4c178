"""Finding 4 over HTTP on PostgreSQL: the same cart (or till form) sent 20 times at once, without an
Idempotency-Key, makes one order and one charge — through the storefront form, the till and /api/v1."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.checkout.cart import cart_add, saved_cart_put
from remarket.offers.models import ListingMarket, LocationStock
from remarket.orders.models import Order
from remarket.payments.models import SandboxCharge

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from .live import TIMEOUT, Browser, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AT_ONCE = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _all_at_once(send) -> list:
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(lambda _: send(), range(AT_ONCE)))


def test_the_storefront_form_sent_20_times_at_once_charges_once():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=30))
    with gunicorn(env={"REMARKET_TRUSTED_PROXIES": "1"}, workers=3) as base:
        shopper = Browser(base, client_ip="10.9.0.1")
        _, add = shopper.form(f"/fr/p/{offer.listing.variant.model.slug}/", action="/cart/add/")
        shopper.http.post(
            base + "/fr/cart/add/",
            data={**add, "listing_id": offer.listing_id},
            headers={**shopper.headers, "Referer": base + "/fr/"},
            timeout=TIMEOUT,
        )
        target, fields = shopper.form("/fr/checkout/")
        assert fields["cart_version"]
        form = {**fields, **ADDRESS_FR, "email": "twice@example.com", "card_number": PAY_OK}
        answers = _all_at_once(lambda: shopper.post(target, form))
    locations = {a.headers.get("Location") for a in answers}
    assert [a.status_code for a in answers] == [302] * AT_ONCE and len(locations) == 1, locations
    assert Order.objects.count() == 1 and SandboxCharge.objects.count() == 1
    assert Order.objects.get().state == 1


def test_the_till_form_sent_20_times_at_once_sells_once():
    mp = build_marketplace()
    first_party = MerchantFactory(is_first_party=True, name="remarket", slug="remarket")
    term = ListingMarket.objects.create(
        listing=ListingFactory(merchant=first_party, quantity=0), market=mp.us, currency="USD", price_minor=59900
    )
    LocationStock.objects.create(location=mp.nyc, listing=term.listing, available=5)
    UserFactory(username="clerk", role=Role.CLERK, location=mp.nyc)
    with gunicorn(workers=3) as base:
        clerk = Browser(base)
        clerk.login("clerk")
        target, fields = clerk.form("/pos/", action="/pos/sell/")
        assert fields["sale_token"]
        sale = {**fields, "listing_id": term.listing_id, "quantity": 1, "card_number": PAY_OK}
        answers = _all_at_once(lambda: clerk.post(target, sale))
    # one sale; a repeat that arrives while it is being paid is told so (409), never charged again
    assert sorted({a.status_code for a in answers}) <= [302, 409] and 302 in {a.status_code for a in answers}
    assert Order.objects.count() == 1 and SandboxCharge.objects.count() == 1
    assert LocationStock.objects.get().available == 4 and Order.objects.get().state == 9


def test_the_api_cart_checked_out_20_times_at_once_makes_one_order():
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=30))
    customer = UserFactory()
    saved_cart_put(user_id=customer.pk, cart=cart_add({}, market="FR", listing_id=offer.listing_id, quantity=2))
    token = api_token_issue(user=customer, name="app")[1]
    with gunicorn(workers=3) as base:
        answers = _all_at_once(
            lambda: requests.post(
                f"{base}/api/v1/cart/checkout",
                json={"email": "me@example.com", "shipping_address": ADDRESS_FR},
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            )
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (AT_ONCE - 1) + [201], statuses
    assert len({a.json()["id"] for a in answers}) == 1
    assert Order.objects.count() == 1 and ListingMarket.objects.get().listing.quantity == 28
