"""The contract check itself: it must catch drift, and the contract's documented examples must work."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from remarket.events.outbox import drain
from remarket.offers.models import Listing

from .contract import ContractDrift

pytestmark = pytest.mark.django_db


def fake(method: str, path: str, status: int, body, content_type: str = "application/json", **headers):
    request = RequestFactory().generic(method, path)
    response = HttpResponse(json.dumps(body), status=status, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return request, response


LISTING = {
    "id": "7a97a1b6-547e-4718-bc72-5b84aca91b09",
    "listing_id": 1,
    "product_id": "6d4ad966-db97-4d88-b409-b28cc2a0f8c9",
    "backmarket_id": 1,
    "title": "t",
    "shippings": [],
    "state": 0,
    "grade": "EXCELLENT",
    "quantity": 1,
    "currency": "EUR",
    "sku": "A",
    "publication_state": 2,
    "warranty_delay": 12,
    "price": "1.00",
    "comment": None,
    "min_price": None,
    "max_price": "1.00",
    "statuscode": 200,
}


@pytest.mark.parametrize(
    "method, path, status, body, content_type",
    [
        ("GET", "/ws/listings/1", 200, {**LISTING, "price": 1.0}, "application/json"),  # a number, not a string
        ("GET", "/ws/listings/1", 200, {k: v for k, v in LISTING.items() if k != "sku"}, "application/json"),
        ("GET", "/ws/listings/1", 200, {**LISTING, "grade": "MINT"}, "application/json"),
        ("GET", "/ws/listings/1", 404, {"code": "X", "message": "m"}, "application/json"),  # not ErrorResponseV1
        ("GET", "/ws/listings/1", 418, {"error": {"code": "X", "message": "m"}}, "application/json"),  # undocumented
        ("GET", "/ws/category/tree", 401, {"error": {"code": "X", "message": "m"}}, "application/json"),  # V1 not V2
        ("POST", "/ws/listings", 400, {"error": {"code": "X", "message": "m"}}, "application/json"),  # not a string
        ("GET", "/ws/listings_bi", 403, {"error": {"code": "X", "message": "m"}}, "application/json"),  # not V3
        ("GET", "/ws/listings", 400, {"errors": [{"code": "X", "message": "m"}]}, "application/json"),  # V2, not V1
        ("PATCH", "/ws/listings/1", 405, {"error": {"code": "X", "message": "m"}}, "application/json"),  # no Allow
        ("GET", "/ws/nowhere", 200, {}, "application/json"),
    ],
)
def test_drift_is_caught(contract, method, path, status, body, content_type):
    with pytest.raises(ContractDrift):
        contract.check(*fake(method, path, status, body, content_type))


def test_a_429_needs_retry_after(contract):
    with pytest.raises(ContractDrift, match="Retry-After"):
        contract.check(*fake("GET", "/ws/listings", 429, {"error": {"code": "X", "message": "m"}}))
    contract.check(*fake("GET", "/ws/listings", 429, {"error": {"code": "X", "message": "m"}}, **{"Retry-After": "3"}))


def test_conforming_responses_pass(contract):
    contract.check(*fake("GET", "/ws/listings/1", 200, LISTING))
    contract.check(*fake("GET", "/ws/listings/detail", 200, LISTING))
    contract.check(*fake("POST", "/ws/listings", 400, "parameter catalog not found"))


def test_the_documented_batch_example_works(seller, marketplace, listing):
    """The request body example of POST /ws/listings, with the SKU made one of the seller's."""
    listing.terms.update(min_price_minor=None)
    catalog = f"sku,quantity,price\n{listing.sku},50,123.45"
    response = seller.post(
        "/ws/listings", {"catalog": catalog, "quotechar": '"', "delimiter": ",", "encoding": "utf-8"}
    )
    assert response.status_code == 200 and response.json()["statuscode"] == 200
    drain()
    task = seller.get(f"/ws/tasks/{response.json()['bodymessage']}").json()
    assert task["action_status"] == 9 and task["result"]["applied_rows"] == 1, task
    listing = Listing.objects.get(pk=listing.pk)
    assert (listing.quantity, listing.terms.get().price_minor) == (50, 12345)


def test_the_documented_update_example_works(seller, listing):
    """The documented POST /ws/listings/{listingId} fields, with their documented example values."""
    response = seller.post(
        f"/ws/listings/{listing.public_id}",
        {
            "price": "160.99",
            "currency": "EUR",
            "comment": "This is an iPhone 6S - 64Go - Blue working with all operators",
            "warranty_delay": 24,
            "quantity": "12",
            "min_price": 160,
        },
    )
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("price", "min_price", "quantity", "warranty_delay")} == {
        "price": "160.99",
        "min_price": "160.00",
        "quantity": 12,
        "warranty_delay": 24,
    }


def test_every_ws_response_of_any_test_client_is_checked(contract, client, seller, listing):
    before = len(contract.checked)
    seller.get("/ws/listings")
    client.get(f"/ws/listings/{listing.pk}")
    assert contract.checked[before:] == [("GET", "/ws/listings", 200), ("GET", "/ws/listings/{listingId}", 401)]
