"""/ws/sav: a seller reads its care folders (warranty claims), writes to them, declares problems, sends devices
back and refunds lines — each response checked against the seller contract (tests/ws/conftest.py)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from remarket.aftersales import claims
from remarket.aftersales.models import ClaimMessage, ClaimState, ItemTransfer, WarrantyClaim
from remarket.aftersales.photos import PHOTO_MAX_BYTES
from remarket.core import clock
from remarket.orders.models import OrderLine
from remarket.payments.models import Refund

from ..factories import MerchantFactory
from ..ws.conftest import contract, seller_for, ws_responses_follow_the_contract  # noqa: F401, F811  (fixtures)
from .conftest import CLAIM_AT, PNG, fr_offer, merchant_of, open_claim, sell_and_ship

pytestmark = pytest.mark.django_db
LATER = CLAIM_AT + dt.timedelta(hours=2)


def code(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def folder(marketplace, customer, customer_actor):
    merchant = MerchantFactory(country="FR")
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=merchant, price_minor=49900))
    return sub, open_claim(customer_actor, sub, photos=[PNG], wanted="repair")


def upload(content: bytes = PNG, name: str = "photo.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_list_and_the_details(folder, customer):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    line = sub.lines.get()
    body = seller.get("/ws/sav").json()
    assert body == {
        "count": 1,
        "results": [
            {
                "id": claim.pk,
                "client": customer.pk,
                "merchant": sub.merchant_id,
                "orderline": line.pk,
                "date_creation": "2027-02-01T10:00:00Z",
                "date_modification": "2027-02-01T10:00:00Z",
                "date_last_message": "2027-02-01T10:00:00Z",
                "state": 0,
                "lines": [claim.pk],
                "country_code": "fr-fr",
                "backcare": False,
            }
        ],
    }
    details = seller.get(f"/ws/sav/{claim.pk}").json()
    assert details["state"] == 0 and details["orderline"]["id"] == line.pk
    assert details["orderline"]["order"]["order_id"] == sub.pk
    assert details["orderline"]["price"] == "499.00" and details["orderline"]["state"] == 3
    assert details["lines"] == [
        {
            "id": claim.pk,
            "issues": [{"customerIssue": "BATTERY_NOT_CHARGING", "tag": "TECHNICAL"}],
            "state": 0,
            "resolution_choice": "REPAIR",
            "declared_warranty_state": "IN_WARRANTY",
            "return_labels": [],
        }
    ]
    (message,) = details["messages"]
    assert (message["message"], message["initiator"], message["kind"]) == (
        "The battery dies within an hour.",
        "Customer",
        "CLIENT_TO_MERCHANT",
    )
    (attachment,) = message["attachments"]
    assert attachment["attachment"].startswith("http://testserver/merchant/claims/")
    assert details["client"]["email"] == "buyer@example.com"
    assert code(seller.get("/ws/sav/999999")) == (404, "AFTERSALES_CLAIM_NOT_FOUND")
    assert code(seller.get("/ws/sav/abc")) == (404, "AFTERSALES_CLAIM_NOT_FOUND")


def test_filters_and_pages(folder, marketplace, customer, customer_actor):
    sub, first = folder
    seller = seller_for(sub.merchant)
    later = []
    for i in range(11):
        other = sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=sub.merchant))
        later.append(open_claim(customer_actor, other, at=CLAIM_AT + dt.timedelta(days=1, minutes=i)))
    with clock.frozen(LATER):
        claims.claim_answer(actor=merchant_of(sub), claim_id=first.pk, resolution="refund")
    page1 = seller.get("/ws/sav").json()
    assert page1["count"] == 10 and page1["next"].endswith("/ws/sav?page=2") and "previous" not in page1
    page2 = seller.get("/ws/sav", {"page": 2}).json()
    assert page2["count"] == 2 and "next" not in page2 and page2["previous"].endswith("page=1")
    for query, ids in (
        ({"state": 9}, [first.pk]),
        ({"state": 0, "page": 2}, [later[-1].pk]),
        ({"last_id": later[-2].pk}, [later[-1].pk]),
        ({"orderline": first.order_line_id}, [first.pk]),
        ({"last_modification_date": "2027-02-02-09-00"}, [c.pk for c in later[:10]]),
        ({"last_message_date": "2027-02-02-10-09"}, [later[-1].pk]),
    ):
        assert [r["id"] for r in seller.get("/ws/sav", query).json()["results"]] == ids, query


def test_bad_filters_are_refused(folder, ws_responses_follow_the_contract):  # noqa: F811
    sub, _ = folder
    seller = seller_for(sub.merchant)
    ws_responses_follow_the_contract.skip = True  # the operation documents no error body to hold a 400
    for query in ({"state": 3}, {"last_id": "x"}, {"last_modification_date": "yesterday"}, {"page": 0}):
        response = seller.get("/ws/sav", query)
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] in ("WS_FILTER_INVALID", "WS_PAGE_INVALID")


def test_another_sellers_folder_is_not_found(folder):
    sub, claim = folder
    other = seller_for(MerchantFactory())
    assert other.get("/ws/sav").json() == {"count": 0, "results": []}
    assert code(other.get(f"/ws/sav/{claim.pk}")) == (404, "AFTERSALES_CLAIM_NOT_FOUND")
    response = other.client.post(f"/ws/sav/{claim.pk}/msg", {"message": "Hi"}, **other.headers())
    assert code(response) == (404, "AFTERSALES_CLAIM_NOT_FOUND")
    assert code(other.post(f"/ws/sav/{claim.pk}/item-transfer", {"shipperName": "DHL", "trackingNumber": "1"})) == (
        404,
        "AFTERSALES_CLAIM_NOT_FOUND",
    )
    assert code(other.post("/ws/sav/refund", {"orderline_pk": claim.order_line_id, "refund_type": 6})) == (
        404,
        "AFTERSALES_LINE_NOT_FOUND",
    )
    assert ClaimMessage.objects.count() == 1 and not ItemTransfer.objects.exists() and not Refund.objects.exists()


def test_a_message_with_an_attachment_the_documented_example(folder):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    with clock.frozen(LATER):
        response = seller.client.post(
            f"/ws/sav/{claim.pk}/msg", {"message": "Hi there", "attachment": [upload()]}, **seller.headers()
        )
    assert response.status_code == 201
    body = response.json()
    message = ClaimMessage.objects.get(pk=body["id"])
    assert (body["message"], body["group"], message.author) == ("Hi there", claim.pk, "merchant")
    assert body["date_creation"] == "2027-02-01T12:00:00Z"
    assert len(body["attachments"]) == 1 and body["attachment"]["msg"] == message.pk
    claim.refresh_from_db()
    assert claim.answered_at == LATER


def test_a_message_to_a_closed_folder_reopens_it(folder):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    assert (
        seller.post(
            f"/ws/sav/{claim.pk}/item-transfer",
            {"shipperName": "DHL", "trackingNumber": "123AZ0672", "action": "REPAIR"},
        ).status_code
        == 201
    )
    assert seller.get(f"/ws/sav/{claim.pk}").json()["state"] == 9
    response = seller.client.post(f"/ws/sav/{claim.pk}/msg", {"message": "Is it fine now?"}, **seller.headers())
    assert response.status_code == 201
    assert seller.get(f"/ws/sav/{claim.pk}").json()["state"] == 0
    claim.refresh_from_db()
    assert claim.state == ClaimState.OPEN and claim.deadline_at is not None


@pytest.mark.parametrize(
    ("content", "problem_status", "error"),
    [
        (b"GIF89a....", 422, "AFTERSALES_PHOTO_NOT_IMAGE"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * PHOTO_MAX_BYTES, 413, "AFTERSALES_PHOTO_TOO_LARGE"),
    ],
)
def test_a_bad_attachment_changes_nothing(folder, content, problem_status, error):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    response = seller.client.post(
        f"/ws/sav/{claim.pk}/msg", {"message": "See", "attachment": [upload(content)]}, **seller.headers()
    )
    assert code(response) == (400, error)
    response = seller.client.post(
        f"/ws/sav/{claim.pk}/problem", {"problem_type": "OOW_ITEM", "attachment": [upload(content)]}, **seller.headers()
    )
    assert code(response) == (problem_status, error)
    assert ClaimMessage.objects.count() == 1


def test_problems(folder):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    response = seller.client.post(f"/ws/sav/{claim.pk}/problem", {"problem_type": "OOW_ITEM"}, **seller.headers())
    assert code(response) == (422, "AFTERSALES_PROBLEM_PROOF_REQUIRED")
    response = seller.client.post(f"/ws/sav/{claim.pk}/problem", {"problem_type": "NOPE"}, **seller.headers())
    assert code(response) == (422, "AFTERSALES_PROBLEM_TYPE_INVALID")
    response = seller.client.post(
        f"/ws/sav/{claim.pk}/problem",
        {"problem_type": "OOW_ITEM", "message": "Water inside", "attachment": [upload()]},
        **seller.headers(),
    )
    assert response.status_code == 201 and response.content == b""
    response = seller.client.post(
        f"/ws/sav/{claim.pk}/problem", {"message": "The package arrived damaged"}, **seller.headers()
    )
    assert response.status_code == 201
    assert list(ClaimMessage.objects.filter(author="merchant").values_list("problem_type", "body")) == [
        ("OOW_ITEM", "Water inside"),
        ("OTHER", "The package arrived damaged"),
    ]


def test_item_transfers(folder, marketplace, customer, customer_actor):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    assert code(seller.post(f"/ws/sav/{claim.pk}/item-transfer", {"shipperName": "DHL"})) == (422, "WS_FIELD_INVALID")
    assert code(
        seller.post(f"/ws/sav/{claim.pk}/item-transfer", {"shipperName": "DHL", "trackingNumber": "1", "action": "FIX"})
    ) == (400, "AFTERSALES_TRANSFER_ACTION_INVALID")
    documented = {"shipperName": "DHL", "trackingNumber": "123AZ0672", "action": "REPAIR"}
    response = seller.post(f"/ws/sav/{claim.pk}/item-transfer", documented)
    assert response.status_code == 201
    claim.refresh_from_db()
    assert claim.state == ClaimState.REPAIRED
    second = open_claim(
        customer_actor, sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=sub.merchant))
    )
    assert code(seller.post(f"/ws/sav/{second.pk}/item-transfer", documented)) == (400, "AFTERSALES_TRANSFER_DUPLICATE")
    # a closed folder cannot be sent back again
    assert code(seller.post(f"/ws/sav/{claim.pk}/item-transfer", {**documented, "trackingNumber": "2"})) == (
        422,
        "AFTERSALES_CLAIM_TRANSITION_REFUSED",
    )
    assert ItemTransfer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_refund_of_a_folders_line_the_documented_example(folder):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    line = sub.lines.get()
    assert code(seller.post("/ws/sav/refund", {"orderline_pk": line.pk, "refund_type": 4})) == (
        400,
        "AFTERSALES_REFUND_TYPE_MISMATCH",
    )
    assert code(seller.post("/ws/sav/refund", {"orderline_pk": line.pk, "refund_type": 6, "amount": 89.99})) == (
        400,
        "AFTERSALES_PARTIAL_REFUND_UNSUPPORTED",
    )
    assert code(seller.post("/ws/sav/refund", {"orderline_pk": "x", "refund_type": 6})) == (400, "WS_FIELD_INVALID")
    assert not Refund.objects.exists()
    response = seller.post("/ws/sav/refund", {"orderline_pk": line.pk, "refund_type": 6, "amount": 499.0})
    assert response.status_code == 201
    assert response.content.decode() == f"499.00EUR refunded on the sku {line.sku}"
    claim.refresh_from_db()
    assert (claim.state, claim.refund_minor, OrderLine.objects.get(pk=line.pk).state) == (ClaimState.REFUNDED, 49900, 6)
    assert Refund.objects.get().status == "done"
    assert code(seller.post("/ws/sav/refund", {"orderline_pk": line.pk, "refund_type": 6})) == (
        400,
        "AFTERSALES_ALREADY_REFUNDED",
    )
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_refund_of_a_paid_line_without_a_folder(marketplace, customer):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace), ship=False)
    seller = seller_for(sub.merchant)
    line = sub.lines.get()
    response = seller.post("/ws/sav/refund", {"orderline_pk": line.pk, "refund_type": 4})
    assert response.status_code == 201
    assert OrderLine.objects.get(pk=line.pk).state == 4
    assert not WarrantyClaim.objects.exists()


def test_every_sav_operation_is_served(contract):  # noqa: F811
    from remarket.api.ws.urls import urlpatterns

    served = set()
    for pattern in urlpatterns:
        for method in getattr(pattern.callback, "operations", {}):
            served.add((method.lower(), str(pattern.pattern)))
    documented = {
        (m, p)
        for p, item in contract.spec["paths"].items()
        if p.startswith("/ws/sav")
        for m in item
        if m in ("get", "post")
    }
    assert len(documented) == 6
    for method, path in documented:
        template = path.removeprefix("/ws/")
        regex = "^" + re.sub(r"\{[^}]+\}", "(?P<folder_id>[^/]+)", template) + "/?$"
        assert (method, regex) in served, (method, path)


def test_the_list_and_the_queues_read_in_a_fixed_number_of_queries(folder, marketplace, customer, customer_actor):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from remarket.accounts.models import Role

    from ..factories import UserFactory

    sub, _ = folder
    seller = seller_for(sub.merchant)
    staff = Client()
    staff.force_login(UserFactory(role=Role.MERCHANT, merchant=sub.merchant))

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as api:
            assert seller.get("/ws/sav").status_code == 200
        with CaptureQueriesContext(connection) as page, clock.frozen(CLAIM_AT):
            assert staff.get("/merchant/claims/").status_code == 200
        return len(api), len(page)

    counts()  # the first page fills the user's language in the session and the kept markets
    one = counts()
    for _ in range(3):
        open_claim(customer_actor, sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=sub.merchant)))
    assert counts() == one


def test_the_documented_list_example_works(folder):
    sub, claim = folder
    seller = seller_for(sub.merchant)
    example = {
        "last_id": 123,
        "state": 9,
        "orderline": 456,
        "last_modification_date": "1970-01-01-00-00",
        "last_message_date": "1970-01-01-00-00",
        "page": 2,
    }
    body = seller.get("/ws/sav", example).json()
    assert (body["count"], body["results"], "next" in body) == (0, [], False)
    assert body["previous"].endswith("page=1")
    everything = {"last_modification_date": "1970-01-01-00-00", "last_message_date": "1970-01-01-00-00", "state": 0}
    assert [r["id"] for r in seller.get("/ws/sav", everything).json()["results"]] == [claim.pk]
