"""Every role on every page: each URL pattern of the web pages (storefront, account, merchant, ops, partner, pos)
requested with GET by an anonymous visitor, a customer, merchant staff, a store clerk, a partner manager and an
operator. Nobody gets a 500; each gets what their role says (the page, the login page, 403 or 404); and each
role's landing page after login works for it."""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from remarket.accounts.models import Role
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.invoices.models import Invoice
from remarket.markets.models import Channel, Location, Partner
from remarket.offers.models import ListingMarket

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import UserFactory
from ..invoices.conftest import ship

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
ROLES = ("anonymous", "customer", "merchant", "clerk", "partner", "operator")
AREAS = {"merchant": "merchant", "pos": "clerk", "partner": "partner", "ops": "operator"}  # gated area → its role
LANDING = {
    "customer": "/account/",
    "merchant": "/merchant/",
    "clerk": "/pos/",
    "partner": "/partner/",
    "operator": "/ops/",
}
# forms' targets: a GET is 405 for everyone, before any gate
POST_ONLY = {
    "logout",
    "merchant-accept",
    "merchant-ship",
    "merchant-cancel",
    "merchant-return-move",
    "merchant-listing-terms",
    "merchant-feed-upload",
    "pos-sell",
    "pos-pickup-receive",
    "pos-pickup-collect",
    "pos-return-drop-off",
    "pos-sale-return",
    "store-cart-add",
    "store-cart-remove",
    "store-return-action",
    "merchant-webhook-delete",
    "merchant-webhook-replay",
    "merchant-tradein-move",
    "merchant-claim-move",
    "ops-claim-move",
    "ops-catalog-image-remove",
    "ops-event-replay",
    "pos-tradein-quote",
    "pos-tradein-take",
    "pos-tradein-hand-in",
    "store-tradein-accept",
    "store-tradein-act",
    "store-claim-action",
}
PUBLIC = {"pos-sw", "metrics"}  # the till's service worker script (fetched before any login); the monitoring counts
# what the owner of an area gets when it is not the page itself
OWNER_NOT_200 = {
    "merchant-invoice-upload": 404,  # the merchant uploaded none
    "merchant-feed": 404,  # no such upload
    "pos-sale": 404,  # not one of this store's sales
    "merchant-tradein-file": 404,  # no such file
    "merchant-claim": 404,  # no such claim
    "merchant-claim-attachment": 404,
    "ops-claim": 404,
    "ops-claim-attachment": 404,
}
QUERIES = {
    "store-product-offers": "?variant={variant_id}&grade=EXCELLENT",
    "ops-journal-csv": "?period=2026-11",
    "ops-payouts-csv": "?period=2026-11",
    "merchant-statement-csv": "?period=2026-11",
    "partner-report-csv": "?period=2026-11",
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif p.callback.__module__.startswith("remarket.web") and p.name not in ("payments-webhook",):
            yield prefix + str(p.pattern), p.name


def web_routes() -> list[tuple[str, str]]:
    return [(route, name or "store-root") for route, name in _walk(get_resolver().url_patterns)]


@pytest.fixture
def world(marketplace, offer):
    """One of everything the pages show: a customer's shipped and invoiced order, a partner with a corner."""
    customer = UserFactory(role=Role.CUSTOMER, username="ada@example.com", email="ada@example.com")
    merchant = offer.listing.merchant
    with clock.frozen(NOW):
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id, 1)],
            email=customer.email,
            shipping_address=ADDRESS_FR,
            customer_id=customer.pk,
        )
        checkout_pay(order=order, card_number=PAY_OK)
    sub = ship(order.suborders.get())
    partner = Partner.objects.create(name="Télé Shops")
    corner_channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    corner = Location.objects.create(channel=corner_channel, code="tele-lyon", name="Télé Shops Lyon", town="Lyon")
    users = {
        "customer": customer,
        "merchant": UserFactory(role=Role.MERCHANT, merchant=merchant),
        "clerk": UserFactory(role=Role.CLERK, location=marketplace.nyc),
        "partner": UserFactory(role=Role.PARTNER, partner=partner),
        "operator": UserFactory(role=Role.OPERATOR, is_staff=True, is_superuser=True),
    }
    values = {
        "market": "fr",
        "slug": offer.listing.variant.model.slug,
        "order_id": str(order.public_id),
        "suborder_id": str(sub.pk),
        "invoice_id": str(Invoice.objects.get(suborder=sub).pk),
        "terms_id": str(ListingMarket.objects.get(listing=offer.listing).pk),
        "task_id": "999999",
        "return_id": str(uuid.UUID(int=7)),
        "action": "send",
        "pickup_id": "999999",
        "location_id": str(corner.pk),
        "code": marketplace.nyc.code,
        "uidb64": "MQ",
        "token": "not-a-token",
        "variant_id": str(offer.listing.variant_id),
        "subscription_id": "999999",
        "delivery_id": "999999",
        "event_id": "999999",
        "file_id": "999999",
        "reference": "FR-00000-NOPE",
        "claim_id": "999999",
        "uuid:claim_id": str(uuid.UUID(int=9)),  # the storefront names a claim by its public id
        "attachment_id": "999999",
        "image_id": "999999",
    }
    return users, values


def concrete(route: str, name: str, values: dict) -> str:
    path = re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: values.get(f"{m.group(1)}:{m.group(2)}") or values[m.group(2)], route
    )
    return "/" + path + QUERIES.get(name, "").format(**values)


def expected(name: str, route: str, role: str) -> set[int]:
    if name in POST_ONLY:
        return {405}
    if name in PUBLIC:
        return {200}
    if name in ("ops-reports", "ops-reports-csv") and role in ("merchant", "partner"):
        return {200}  # the GMV report, scoped to their own sales (analytics/reports.py)
    area = route.split("/", 1)[0]
    owner = AREAS.get(area)
    if owner is not None:
        if role == "anonymous":
            return {302}
        if role != owner:
            return {403}
        return {OWNER_NOT_200.get(name, 200)}
    if name in ("account", "email-change"):
        if role == "anonymous":
            return {302}
        return {200} if role == "customer" or name == "email-change" else {302}
    if name == "account-preferences":  # the back offices' language and time zone: anyone logged in
        return {302} if role == "anonymous" else {200}
    if name in ("password-reset-confirm", "email-change-confirm"):
        return {400}  # the link is refused with its code
    if name in ("store-root", "store-market-choose"):
        return {302}
    if name in ("store-order", "store-invoice", "store-invoice-pdf", "store-confirm", "store-return-new"):
        # the customer's own order: theirs and the operator's (order.view_all); a login first; nobody else's
        if role in ("customer", "operator"):
            return {200}
        return {302} if role == "anonymous" else {404}
    if name == "store-invoice-upload":  # the seller uploaded no invoice of its own
        return {302} if role == "anonymous" else {404}
    if name == "store-claim-new":  # help on the customer's own order: theirs and the operator's
        if role in ("customer", "operator"):
            return {200}
        return {302} if role == "anonymous" else {404}
    if name == "store-tradein":  # no such trade-in: a login first
        return {302} if role == "anonymous" else {404}
    if name in ("store-return", "store-claim", "store-claim-attachment"):  # no such return or claim
        return {404}
    return {200}


def test_every_role_gets_the_right_answer_on_every_page(world):
    users, values = world
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    wrong = []
    for route, name in web_routes():
        url = concrete(route, name, values)
        for role in ROLES:
            status = clients[role].get(url).status_code
            want = expected(name, route, role)
            if status not in want:
                wrong.append(f"{role:9} {url} → {status}, expected {sorted(want)}")
    assert not wrong, "\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_a_page_that_works_for_it(world, role):
    users, _values = world
    client = Client()
    response = client.post("/login/", {"username": users[role].username, "password": "correct horse battery"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    landing = client.get("/account/", follow=True)
    assert landing.status_code == 200
    final = landing.redirect_chain[-1][0] if landing.redirect_chain else "/account/"
    assert final == LANDING[role]
