"""/ws/shipping/v1/returns[/{id}]: a merchant reads its returns, one per returned line, each response checked
against the seller contract (tests/ws/conftest.py)."""

import datetime as dt

import pytest

from remarket.aftersales import services
from remarket.core import clock

from ..factories import MerchantFactory
from ..ws.conftest import contract, seller_for, ws_responses_follow_the_contract  # noqa: F401  (fixtures)
from .conftest import SOLD_AT, fr_offer, merchant_of, open_return, sell_and_ship

pytestmark = pytest.mark.django_db
LATER = SOLD_AT + dt.timedelta(days=10)


def code(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def returned(marketplace, customer, customer_actor):
    merchant = MerchantFactory(country="FR")
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=merchant))
    request = open_return(customer_actor, sub, at=LATER)
    return sub, request


def test_a_return_per_returned_line(returned, customer_actor):
    sub, request = returned
    seller = seller_for(sub.merchant)
    with clock.frozen(LATER + dt.timedelta(hours=2)):
        services.return_send(actor=customer_actor, public_id=request.public_id)
    with clock.frozen(LATER + dt.timedelta(days=2)):
        services.return_receive(actor=merchant_of(sub), return_id=request.pk)
    returned_line = request.lines.get()
    expected = {
        "orderId": sub.pk,
        "orderlineId": returned_line.order_line_id,
        "shipmentId": request.pk,
        "dateCreation": "2026-10-15T09:00:00Z",
        "referenceNumber": f"{sub.pk}-{request.pk}-{returned_line.pk}",
        "trackingNumber": f"RET{request.pk:08d}",
        "trackingUrl": "",
        "carrierId": 0,
        "carrierName": "remarket returns",
        "hubScanned": False,
        "datePickup": "2026-10-15T11:00:00Z",
        "dateDelivery": "2026-10-17T09:00:00Z",
        "label": "",
        "invoicedPrice": 0,
        "invoicedCurrency": "EUR",
        "type": "RETURN",
    }
    body = seller.get("/ws/shipping/v1/returns").json()
    assert body == {"count": 1, "next": None, "previous": None, "results": [expected]}
    assert seller.get(f"/ws/shipping/v1/returns/{returned_line.pk}").json() == expected
    assert code(seller.get("/ws/shipping/v1/returns/999999")) == (404, "RETURN_NOT_FOUND")
    assert code(seller.get("/ws/shipping/v1/returns/abc")) == (404, "RETURN_NOT_FOUND")


def test_filters_and_pages(returned, marketplace, customer, customer_actor):
    sub, _ = returned
    second = sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=sub.merchant))
    open_return(customer_actor, second, at=LATER + dt.timedelta(days=1))
    seller = seller_for(sub.merchant)
    for query, count in (
        ({}, 2),
        ({"order_id": sub.pk}, 1),
        ({"start_date": "2026-10-16"}, 1),
        ({"end_date": "2026-10-15"}, 1),
        ({"pickup_start_date": "2026-10-01"}, 0),  # nothing handed over yet
        ({"order_state": 9}, 2),
        ({"order_state": 1}, 0),
        ({"hub_scanned": "true"}, 0),
        ({"hub_scanned": "false"}, 2),
    ):
        assert seller.get("/ws/shipping/v1/returns", query).json()["count"] == count, query
    page = seller.get("/ws/shipping/v1/returns", {"page": 2, "page-size": 1}).json()
    assert [r["orderId"] for r in page["results"]] == [sub.pk]  # newest first
    assert page["previous"] == "http://testserver/ws/shipping/v1/returns?page=1&page-size=1" and page["next"] is None


@pytest.mark.parametrize(
    "query, field",
    [({"order_id": "x"}, "order_id"), ({"order_state": "4"}, "order_state"), ({"start_date": "soon"}, "start_date")],
)
def test_a_bad_filter_is_the_contracts_422(returned, query, field):
    seller = seller_for(returned[0].merchant)
    response = seller.get("/ws/shipping/v1/returns", query)
    assert response.status_code == 422 and field in response.json()["data"]["fields"]


def test_another_merchant_sees_none_of_them(returned, marketplace):
    rival = seller_for(MerchantFactory())
    assert rival.get("/ws/shipping/v1/returns").json()["count"] == 0
    line = returned[1].lines.get()
    assert code(rival.get(f"/ws/shipping/v1/returns/{line.pk}")) == (404, "RETURN_NOT_FOUND")
