"""≥ 200 buyers race over HTTP against a live gunicorn for a listing with 5 units."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from remarket.ledger.models import LedgerEntry
from remarket.offers.models import Listing
from remarket.orders.models import Order
from remarket.payments.models import PaymentIntent

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory

pytestmark = [pytest.mark.postgres]
BUYERS = 200


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _post(url: str, body: dict, key: str, client: int = 1) -> tuple[int, dict]:
    """`client`: which of many buyers sends it (its own address, as the proxy would forward it)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-Forwarded-For": f"10.1.{client // 250}.{client % 250 + 1}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_200_buyers_over_http_get_exactly_5_units(server):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5))

    def buy(n: int) -> str:
        status, body = _post(
            f"{server}/api/v1/checkout",
            {
                "market": "FR",
                "email": f"buyer{n}@example.com",
                "shipping_address": ADDRESS_FR,
                "items": [{"listing_id": offer.listing_id, "quantity": 1}],
            },
            key=f"buyer-{n}",
            client=n,
        )
        if status != 201:
            return body["code"]
        status, body = _post(
            f"{server}/api/v1/orders/{body['id']}/pay", {"card_number": PAY_OK}, key=f"pay-{n}", client=n
        )
        return body["payment_status"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(buy, range(BUYERS)))
    assert results.count("captured") == 5
    assert results.count("STOCK_UNAVAILABLE") == BUYERS - 5
    assert Listing.objects.get(pk=offer.listing_id).quantity == 0
    assert Order.objects.filter(state=1).count() == 5 and Order.objects.count() == 5
    assert not PaymentIntent.objects.filter(status="captured").exclude(order__state=1).exists()
    assert sum(LedgerEntry.objects.values_list("amount_minor", flat=True)) == 0
