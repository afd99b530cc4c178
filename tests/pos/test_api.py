"""/api/v1/pos: till sales by the till's own id, receipts, returns, and nothing of another store."""

import io
import json
import uuid

import pytest
from django.test import Client
from pypdf import PdfReader

from remarket.accounts.services import api_token_issue
from remarket.offers.models import LocationStock
from remarket.orders.models import Order, OrderLine
from remarket.search.services import search_index_rebuild

from .conftest import ADDRESS_NY


@pytest.fixture
def api(till):
    def call(method: str, path: str, body=None, *, who=None, key=None):
        token = api_token_issue(user=who or till.clerk, name="till")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = str(key)
        client = Client()
        if method == "get":
            return client.get(f"/api/v1{path}", **headers)
        return client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", **headers)

    return call


def cash_body(till, units=1, given=70000):
    return {"lines": [{"listing_id": till.shelf.pk, "quantity": units}], "tender": "cash", "cash_given_minor": given}


def test_a_sale_is_made_once_by_its_id_and_a_changed_body_is_refused(api, till):
    sale_id = uuid.uuid4()
    first = api("post", "/pos/sales", cash_body(till), key=sale_id)
    assert first.status_code == 201, first.content
    sale = first.json()
    assert (sale["status"], sale["total_minor"], sale["change_minor"], sale["lines"][0]["state"]) == (
        "paid",
        65216,
        4784,
        3,
    )
    again = api("post", "/pos/sales", cash_body(till), key=sale_id)
    assert (again.status_code, again.json()["id"]) == (200, sale["id"])
    changed = api("post", "/pos/sales", cash_body(till, units=2, given=200000), key=sale_id)
    assert (changed.status_code, changed.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert (Order.objects.count(), LocationStock.objects.get(listing=till.shelf).available) == (1, 2)


def test_a_sale_needs_the_tills_uuid(api, till):
    answer = api("post", "/pos/sales", cash_body(till), key="not-a-uuid")
    assert (answer.status_code, answer.json()["code"]) == (400, "POS_SALE_ID_INVALID")
    assert not Order.objects.exists()


def test_a_unit_sold_meanwhile_is_a_409_conflict(api, till):
    assert api("post", "/pos/sales", cash_body(till, units=3, given=300000), key=uuid.uuid4()).status_code == 201
    late = api("post", "/pos/sales", cash_body(till), key=uuid.uuid4())
    assert (late.status_code, late.json()["code"]) == (409, "STOCK_UNAVAILABLE")


def test_the_quote_and_the_receipt_as_json_and_pdf(api, till):
    quote = api("post", "/pos/quote", {"lines": [{"listing_id": till.shelf.pk}]}).json()
    assert (quote["total_minor"], quote["tax_minor"], quote["rates"]) == (65216, 5316, ["US-NY-NYC 8.875 %"])
    sale = api("post", "/pos/sales", cash_body(till), key=uuid.uuid4()).json()
    receipt = api("get", f"/pos/sales/{sale['id']}/receipt").json()
    assert (receipt["total_minor"], receipt["tender"], receipt["given_minor"], receipt["change_minor"]) == (
        65216,
        "cash",
        70000,
        4784,
    )
    assert any("Warranty: 12 months" in m for m in receipt["mentions"])
    pdf = api("get", f"/pos/sales/{sale['id']}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert sale["number"] in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_an_endless_aisle_sale_through_the_api(api, till):
    search_index_rebuild()
    found = api("get", "/pos/find?q=" + till.online.variant.model.name.split()[-1]).json()
    assert [f["listing_id"] for f in found if not f["shelf"]] == [till.online.pk]
    body = {
        "lines": [{"listing_id": till.online.pk, "shelf": False}],
        "tender": "card",
        "card_number": "4242424242424242",
        "email": "walt@example.com",
        "delivery_address": ADDRESS_NY,
    }
    sale = api("post", "/pos/sales", body, key=uuid.uuid4())
    assert (sale.status_code, sale.json()["status"], sale.json()["lines"][0]["shelf"]) == (201, "paid", False)


def test_a_scanned_barcode_finds_the_shelf_unit(api, till):
    found = api("get", "/pos/find?q=0194252707000").json()
    assert [(f["listing_id"], f["shelf"], f["available"]) for f in found] == [(till.shelf.pk, True, 3)]
    assert [f["listing_id"] for f in api("get", "/pos/find?q=nyc-ip13-128").json()] == [till.shelf.pk]


def test_a_counter_return_through_the_api(api, till):
    sale = api("post", "/pos/sales", cash_body(till), key=uuid.uuid4()).json()
    back = api("post", f"/pos/sales/{sale['id']}/returns", {"line_ids": [sale["lines"][0]["id"]]})
    assert back.json() == {"refunded_minor": 65216, "currency": "USD"}
    assert OrderLine.objects.get().state == 6


def test_a_clerk_of_another_store_reads_and_changes_nothing_of_this_one(api, till):
    sale = api("post", "/pos/sales", cash_body(till), key=uuid.uuid4()).json()
    other = till.other_clerk
    for path in (
        f"/pos/sales/{sale['id']}",
        f"/pos/sales/{sale['id']}/receipt",
        f"/pos/sales/{sale['id']}/receipt.pdf",
    ):
        assert api("get", path, who=other).status_code == 404, path
    back = api("post", f"/pos/sales/{sale['id']}/returns", {"line_ids": [sale["lines"][0]["id"]]}, who=other)
    assert back.status_code == 404
    assert till.shelf.pk not in [f["listing_id"] for f in api("get", "/pos/stock", who=other).json()]
    sold = api("post", "/pos/sales", cash_body(till), key=uuid.uuid4(), who=other)
    assert (sold.status_code, sold.json()["code"]) == (409, "STOCK_UNAVAILABLE")
    assert OrderLine.objects.get().state == 3 and LocationStock.objects.get(listing=till.shelf).available == 2


def test_a_customer_token_is_refused(api, till):
    from ..factories import UserFactory

    assert api("get", "/pos/stock", who=UserFactory()).status_code == 403


def test_the_tills_session_writes_need_the_csrf_token(till):
    client = Client(enforce_csrf_checks=True)
    client.force_login(till.clerk)
    assert client.get("/api/v1/pos/stock").status_code == 200
    refused = client.post(
        "/api/v1/pos/sales",
        json.dumps(cash_body(till)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert refused.status_code in (401, 403) and not Order.objects.exists()


def test_the_shelf_snapshot_gives_each_units_price_with_its_tax(api, till):
    (row,) = api("get", "/pos/stock").json()
    # what one unit costs at the New York store: $599.00 + NYC 8.875 % — the sum an offline basket is charged
    assert (row["listing_id"], row["available"], row["unit_paid_minor"], row["unit_tax_minor"]) == (
        till.shelf.pk,
        3,
        65216,
        5316,
    )
