"""/api/v1 claims: the customer opens, writes and disputes; the merchant lists, answers and writes; the operator
decides; replays create nothing; nobody reaches another's claim."""

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.aftersales.models import ClaimMessage, WarrantyClaim
from remarket.core import clock

from ..factories import MerchantFactory, UserFactory
from .conftest import CLAIM_AT, PNG, fr_offer, open_claim, sell_and_ship

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='t')[1]}"}


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_open_answer_dispute_and_decide(customer, shipped):
    client, me = Client(), bearer(customer)
    staff = bearer(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    operator = bearer(UserFactory(role=Role.OPERATOR))
    line = shipped.lines.get()
    body = {
        "order_line_id": line.pk,
        "issue": "screen",
        "problem": "Dead pixels",
        "wanted": "replace",
        "photos": [base64.b64encode(PNG).decode()],
    }
    with clock.frozen(CLAIM_AT):
        response = post(client, "/api/v1/claims", body, {**me, "HTTP_IDEMPOTENCY_KEY": "c1"})
        assert response.status_code == 201, response.content
        opened = response.json()
        replay = post(client, "/api/v1/claims", body, {**me, "HTTP_IDEMPOTENCY_KEY": "c1"})
    assert replay.json() == opened and WarrantyClaim.objects.count() == 1
    assert (opened["state"], opened["deadline_at"], opened["warranty_until"]) == (
        "open",
        "2027-02-03T10:00:00Z",
        "2027-10-08",
    )
    assert opened["messages"][0]["attachments"] == [
        {"id": opened["messages"][0]["attachments"][0]["id"], "content_type": "image/png", "size": len(PNG)}
    ]
    listed = client.get("/api/v1/merchant/claims", **staff).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == opened["id"]
    with clock.frozen(CLAIM_AT + dt.timedelta(hours=1)):
        answered = post(client, f"/api/v1/merchant/claims/{opened['id']}/answer", {"resolution": "replace"}, staff)
    assert answered.json()["state"] == "replacing"
    with clock.frozen(CLAIM_AT + dt.timedelta(days=1)):
        disputed = post(client, f"/api/v1/claims/{opened['public_id']}/dispute", {"reason": "I want a refund"}, me)
    assert (disputed.json()["state"], disputed.json()["escalation_reason"]) == ("escalated", "dispute")
    assert [c["id"] for c in client.get("/api/v1/ops/claims", **operator).json()["results"]] == [opened["id"]]
    assert client.get("/api/v1/ops/claims", **staff).status_code == 403
    with clock.frozen(CLAIM_AT + dt.timedelta(days=2)):
        decided = post(
            client,
            f"/api/v1/ops/claims/{opened['id']}/decide",
            {"resolution": "refuse", "reason": "Cosmetic"},
            operator,
        )
    assert (decided.json()["state"], decided.json()["decided_by"]) == ("refused", "operator")
    with clock.frozen(CLAIM_AT + dt.timedelta(days=3)):
        reopened = post(client, f"/api/v1/merchant/claims/{opened['id']}/messages", {"body": "We look again"}, staff)
    assert reopened.status_code == 201 and reopened.json()["state"] == "open"


def test_bad_input_and_tenancy(customer, customer_actor, shipped, marketplace):
    client, me = Client(), bearer(customer)
    line = shipped.lines.get()
    with clock.frozen(dt.datetime(2027, 10, 9, 9, 0, tzinfo=dt.UTC)):
        late = post(client, "/api/v1/claims", {"order_line_id": line.pk, "issue": "battery", "problem": "Dead"}, me)
    assert (late.status_code, late.json()["code"]) == (409, "AFTERSALES_WARRANTY_EXPIRED")
    with clock.frozen(CLAIM_AT):
        bad = post(
            client,
            "/api/v1/claims",
            {"order_line_id": line.pk, "issue": "battery", "problem": "Dead", "photos": ["bm90IGFuIGltYWdl"]},
            me,
        )
    assert (bad.status_code, bad.json()["code"]) == (400, "AFTERSALES_PHOTO_NOT_IMAGE")
    assert not WarrantyClaim.objects.exists()
    claim = open_claim(customer_actor, shipped)
    other_staff = bearer(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory()))
    assert client.get(f"/api/v1/merchant/claims/{claim.pk}", **other_staff).status_code == 404
    response = post(client, f"/api/v1/merchant/claims/{claim.pk}/answer", {"resolution": "refund"}, other_staff)
    assert (response.status_code, response.json()["code"]) == (404, "AFTERSALES_CLAIM_NOT_FOUND")
    stranger = bearer(UserFactory(role=Role.CUSTOMER))
    assert client.get(f"/api/v1/claims/{claim.public_id}", **stranger).status_code == 404
    assert post(client, f"/api/v1/claims/{claim.public_id}/messages", {"body": "hi"}, stranger).status_code == 404
    claim.refresh_from_db()
    assert claim.state == "open" and ClaimMessage.objects.count() == 1


def test_the_merchants_list_reads_in_a_fixed_number_of_queries(customer, customer_actor, marketplace):
    merchant = MerchantFactory(country="FR")
    staff = bearer(UserFactory(role=Role.MERCHANT, merchant=merchant))
    client = Client()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/merchant/claims", **staff).status_code == 200
        return len(queries)

    open_claim(customer_actor, sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=merchant)))
    one = count()
    for _ in range(3):
        open_claim(customer_actor, sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=merchant)))
    assert count() == one
