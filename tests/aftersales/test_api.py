"""/api/v1 returns: the customer opens, follows and cancels; the merchant lists, receives, inspects (refunds) and
refuses; nobody reaches another's."""

import datetime as dt

import pytest
from django.test import Client

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.aftersales.models import ReturnRequest
from remarket.core import clock
from remarket.payments.models import Refund

from ..factories import MerchantFactory, UserFactory
from .conftest import PNG, SOLD_AT, fr_offer, sell_and_ship

pytestmark = pytest.mark.django_db
LATER = SOLD_AT + dt.timedelta(days=10)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='t')[1]}"}


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_open_follow_receive_and_refund(customer, shipped):
    client, me = Client(), bearer(customer)
    staff = bearer(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    line = shipped.lines.get()
    with clock.frozen(LATER):
        response = post(
            client,
            "/api/v1/returns",
            {"order_id": shipped.pk, "lines": [{"line_id": line.pk, "quantity": 1}], "reason": "does_not_work"},
            {**me, "HTTP_IDEMPOTENCY_KEY": "r1"},
        )
        assert response.status_code == 201, response.content
        opened = response.json()
        assert (opened["state"], opened["deadline_on"], opened["lines"]) == (
            "label_issued",
            "2026-11-09",
            [{"line_id": line.pk, "title": line.title, "quantity": 1}],
        )
        replay = post(
            client,
            "/api/v1/returns",
            {"order_id": shipped.pk, "lines": [{"line_id": line.pk, "quantity": 1}], "reason": "does_not_work"},
            {**me, "HTTP_IDEMPOTENCY_KEY": "r1"},
        )
        assert replay.json() == opened and ReturnRequest.objects.count() == 1
        assert client.get(f"/api/v1/returns/{opened['public_id']}", **me).json()["state"] == "label_issued"
        listed = client.get("/api/v1/merchant/returns", **staff).json()
        assert listed["count"] == 1 and listed["results"][0]["id"] == opened["id"]
        assert post(client, f"/api/v1/merchant/returns/{opened['id']}/receive", {}, staff).json()["state"] == "received"
        refunded = post(client, f"/api/v1/merchant/returns/{opened['id']}/inspect", {}, staff).json()
    assert (refunded["state"], refunded["refund_minor"]) == ("refunded", 49900)
    assert Refund.objects.get().amount_minor == 49900


def test_bad_input_and_tenancy_change_nothing(customer, shipped, marketplace):
    client, me = Client(), bearer(customer)
    line = shipped.lines.get()
    stranger = bearer(UserFactory(role=Role.CUSTOMER))
    rival = bearer(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory()))
    body = {"order_id": shipped.pk, "lines": [{"line_id": line.pk, "quantity": 1}], "reason": "changed_mind"}
    with clock.frozen(dt.datetime(2026, 11, 10, 8, 0, tzinfo=dt.UTC)):
        late = post(client, "/api/v1/returns", body, me)
    assert (late.status_code, late.json()["code"]) == (409, "AFTERSALES_WINDOW_CLOSED")
    with clock.frozen(LATER):
        assert post(client, "/api/v1/returns", body, stranger).status_code == 404
        bad_photo = post(client, "/api/v1/returns", {**body, "reason": "transit_damage", "photos": ["%%%"]}, me)
        assert bad_photo.json()["code"] == "AFTERSALES_PHOTO_NOT_IMAGE"
        assert not ReturnRequest.objects.exists()
        opened = post(client, "/api/v1/returns", body, me).json()
        assert client.get(f"/api/v1/returns/{opened['public_id']}", **stranger).status_code == 404
        assert post(client, f"/api/v1/returns/{opened['public_id']}/cancel", {}, stranger).status_code == 404
        assert client.get("/api/v1/merchant/returns", **rival).json()["count"] == 0
        assert post(client, f"/api/v1/merchant/returns/{opened['id']}/receive", {}, rival).status_code == 404
        twice = post(client, "/api/v1/returns", body, me)
        assert (twice.status_code, twice.json()["code"]) == (409, "AFTERSALES_ALREADY_RETURNED")
        cancelled = post(client, f"/api/v1/returns/{opened['public_id']}/cancel", {}, me).json()
    assert cancelled["state"] == "cancelled" and ReturnRequest.objects.count() == 1


def test_transit_damage_with_a_photo_over_rest(customer, marketplace):
    import base64

    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    body = {
        "order_id": sub.pk,
        "lines": [{"line_id": sub.lines.get().pk, "quantity": 1}],
        "reason": "transit_damage",
        "photos": [base64.b64encode(PNG).decode()],
    }
    with clock.frozen(SOLD_AT + dt.timedelta(days=4)):
        response = post(Client(), "/api/v1/returns", body, bearer(customer))
    assert response.status_code == 201 and response.json()["kind"] == "transit_damage"


def test_some_units_of_a_line_over_rest(customer, marketplace):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace), units=2)
    client, me = Client(), bearer(customer)
    staff = bearer(UserFactory(role=Role.MERCHANT, merchant=sub.merchant))
    line = sub.lines.get()
    with clock.frozen(LATER):
        body = {"order_id": sub.pk, "lines": [{"line_id": line.pk, "quantity": 1}], "reason": "changed_mind"}
        opened = post(client, "/api/v1/returns", body, me).json()
        post(client, f"/api/v1/merchant/returns/{opened['id']}/receive", {}, staff)
        refunded = post(client, f"/api/v1/merchant/returns/{opened['id']}/inspect", {}, staff).json()
        assert (refunded["state"], refunded["refund_minor"]) == ("refunded", 49900)  # one unit of two
        again = post(client, "/api/v1/returns", {**body, "lines": [{"line_id": line.pk, "quantity": 2}]}, me)
        assert again.status_code == 409 and again.json()["code"] == "AFTERSALES_QUANTITY_EXCEEDS"
        second = post(client, "/api/v1/returns", body, me)
        assert second.status_code == 201
