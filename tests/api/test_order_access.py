"""A registered customer's order through /api/v1: their token opens and pays it; no token is 401 (AUTH_REQUIRED), another
customer's token or a merchant's is 404 as for an order that does not exist; a guest's order opens by its id only
during the guest link's days."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.checkout.services import Item, checkout_start
from remarket.core import clock
from remarket.payments.models import SandboxCharge

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='app')[1]}"}


@pytest.fixture
def customers_order(marketplace, offer):
    owner = UserFactory()
    order = checkout_start(
        market=marketplace.fr, channel=marketplace.web_fr, items=[Item(offer.listing_id)], email="owner@example.com",
        shipping_address=ADDRESS_FR, customer_id=owner.pk,
    )  # fmt: skip
    return owner, order


def test_a_customers_order_opens_with_their_token_only(client, customers_order, offer):
    owner, order = customers_order
    url = f"/api/v1/orders/{order.public_id}"
    assert client.get(url, **_token(owner)).status_code == 200
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "AUTH_REQUIRED")
    seller = UserFactory(role=Role.MERCHANT, merchant=offer.listing.merchant)  # even the order's own merchant
    for other in (UserFactory(), seller):
        answer = client.get(url, **_token(other))
        assert (answer.status_code, answer.json()["code"]) == (404, "ORDER_NOT_FOUND")
        assert "owner@example.com" not in answer.content.decode()


def test_nobody_but_the_customer_can_pay_their_order(client, customers_order):
    owner, order = customers_order
    url = f"/api/v1/orders/{order.public_id}/pay"
    body = {"card_number": PAY_OK}
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert client.post(url, body, content_type="application/json", **_token(UserFactory())).status_code == 404
    assert not SandboxCharge.objects.exists()  # neither reached the gateway
    paid = client.post(url, body, content_type="application/json", **_token(owner))
    assert (paid.status_code, paid.json()["payment_status"]) == (200, "captured")


def test_a_guests_order_opens_by_its_id_during_the_link_days_only(client, marketplace, offer):
    order = checkout_start(
        market=marketplace.fr, channel=marketplace.web_fr, items=[Item(offer.listing_id)], email="guest@example.com",
        shipping_address=ADDRESS_FR,
    )  # fmt: skip
    url = f"/api/v1/orders/{order.public_id}"
    assert client.get(url).status_code == 200
    with clock.frozen(clock.now() + dt.timedelta(days=91)):
        assert client.get(url).status_code == 404
