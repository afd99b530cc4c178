"""/api/v1 for pickups and partners: the customer's state and code, the clerk's receive and collect, the
partner manager's report and statement; another location's clerk and another partner read and change nothing."""

import pytest

from remarket.accounts.models import User
from remarket.accounts.services import api_token_issue
from remarket.orders.models import OrderLine, Pickup
from remarket.orders.pickups import pickup_code

from .conftest import pickup_order, ship

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='t')[1]}"}


def _clerk(actor):
    return _bearer(User.objects.get(pk=actor.user_id))


def test_the_customer_reads_the_state_and_code_and_the_clerk_receives_and_hands_over(
    client, marketplace, offer, network, merchant_actor
):
    order = pickup_order(marketplace, offer, network.paris)
    pickup = Pickup.objects.get()
    (seen,) = client.get(f"/api/v1/orders/{order.public_id}/pickups").json()
    assert (seen["status"], seen["code"], seen["location"]["code"]) == (
        "awaiting",
        pickup_code(pickup),
        "telco-paris-11",
    )
    ship(order, merchant_actor)
    paris, lyon = _clerk(network.clerk), _clerk(network.lyon_clerk)
    assert [p["id"] for p in client.get("/api/v1/pos/pickups?status=in_transit", **paris).json()] == [pickup.pk]
    assert client.get("/api/v1/pos/pickups", **lyon).json() == []
    refused = client.post(f"/api/v1/pos/pickups/{pickup.pk}/receive", **lyon)
    assert refused.status_code == 404 and refused.json()["code"] == "PICKUP_NOT_FOUND"
    received = client.post(f"/api/v1/pos/pickups/{pickup.pk}/receive", **paris)
    assert received.status_code == 200 and received.json()["status"] == "ready"
    again = client.post(f"/api/v1/pos/pickups/{pickup.pk}/receive", **paris)
    assert again.status_code == 409 and again.json()["code"] == "PICKUP_ALREADY_RECEIVED"
    body = {"code": pickup_code(pickup)}
    wrong_place = client.post("/api/v1/pos/pickups/collect", body, content_type="application/json", **lyon)
    assert wrong_place.status_code == 400 and wrong_place.json()["code"] == "PICKUP_CODE_INVALID"
    wrong = client.post("/api/v1/pos/pickups/collect", {"code": "AAAA-AAAA"}, content_type="application/json", **paris)
    assert wrong.status_code == 400 and wrong.json()["code"] == "PICKUP_CODE_INVALID"
    pickup.refresh_from_db()
    assert pickup.state == "ready"
    done = client.post("/api/v1/pos/pickups/collect", body, content_type="application/json", **paris)
    assert done.status_code == 200 and done.json()["status"] == "collected"
    reused = client.post("/api/v1/pos/pickups/collect", body, content_type="application/json", **paris)
    assert reused.status_code == 409 and reused.json()["code"] == "PICKUP_CODE_USED"
    (seen,) = client.get(f"/api/v1/orders/{order.public_id}/pickups").json()
    assert (seen["status"], seen["code"]) == ("collected", None)


def test_a_customer_token_cannot_act_as_a_clerk_and_a_stranger_cannot_read_a_customers_pickups(
    client, marketplace, offer, network
):
    from remarket.checkout.services import Item, checkout_pay, checkout_start

    from ..conftest import PAY_OK
    from ..factories import UserFactory
    from .conftest import CONTACT

    customer, stranger = UserFactory(), UserFactory()
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="a@b.fr",
        shipping_address=CONTACT,
        pickup_location_id=network.paris.pk,
        customer_id=customer.pk,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    assert client.get(f"/api/v1/orders/{order.public_id}/pickups").status_code == 401
    assert client.get(f"/api/v1/orders/{order.public_id}/pickups", **_bearer(stranger)).status_code == 404
    assert len(client.get(f"/api/v1/orders/{order.public_id}/pickups", **_bearer(customer)).json()) == 1
    refused = client.get("/api/v1/pos/pickups", **_bearer(customer))
    assert refused.status_code == 403 and refused.json()["code"] == "AUTH_FORBIDDEN"


def test_partner_report_and_statement_are_the_partners_own(client, marketplace, offer, network):
    order = pickup_order(marketplace, offer, network.paris)
    earned = OrderLine.objects.get(suborder__order=order).partner_commission_minor
    month = f"{order.created_at:%Y-%m}"
    mine = client.get(f"/api/v1/partner/report?month={month}", **_bearer(network.manager_user)).json()
    assert [l["location"]["code"] for l in mine["locations"]] == ["telco-lyon-2", "telco-paris-11"]
    assert mine["locations"][1]["commission_minor"] == earned and mine["currency"] == "EUR"
    statement = client.get(f"/api/v1/partner/statements/{month}", **_bearer(network.manager_user)).json()
    assert statement["commission_minor"] == earned and statement["partner_id"] == network.partner.pk
    theirs = client.get(f"/api/v1/partner/report?month={month}", **_bearer(network.rival_manager_user)).json()
    assert [l["location"]["code"] for l in theirs["locations"]] == ["other-paris-4"]
    other = client.get(f"/api/v1/partner/statements/{month}", **_bearer(network.rival_manager_user)).json()
    assert (other["partner_id"], other["commission_minor"], other["lines"]) == (network.other_partner.pk, 0, [])
    bad = client.get("/api/v1/partner/statements/2026-13", **_bearer(network.manager_user))
    assert bad.status_code == 400 and bad.json()["code"] == "PERIOD_INVALID"
    clerk = client.get(f"/api/v1/partner/report?month={month}", **_clerk(network.clerk))
    assert clerk.status_code == 403
