"""The orders journey of the checkout issue: a buyer in Germany checks out a cart from three merchants; each
merchant accepts and ships through /ws/orders (or the back office), the ledger and the states follow."""

import pytest
from django.db.models import Sum

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.ledger.models import LedgerEntry
from remarket.markets.models import Channel, Market
from remarket.orders.models import Order

from ..conftest import PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory
from .conftest import seller_for

pytestmark = pytest.mark.django_db
ADDRESS_DE = {
    "first_name": "Clara",
    "last_name": "Schumann",
    "street": "Unter den Linden 1",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
    "phone": "+49 30 1234567",
}


def test_a_german_cart_from_three_merchants_is_accepted_and_shipped_through_ws(marketplace):
    de = Market.objects.create(code="DE", country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
    web_de = Channel.objects.create(code="web-de", kind="web", market=de)
    sellers = [seller_for(MerchantFactory(country="DE")) for _ in range(3)]
    offers = [
        ListingMarketFactory(
            market=de, listing=ListingFactory(merchant=s.merchant), price_minor=30000 + 1000 * i, min_price_minor=None
        )
        for i, s in enumerate(sellers)
    ]
    order = checkout_start(
        market=de,
        channel=web_de,
        items=[Item(o.listing_id) for o in offers],
        email="clara@example.de",
        shipping_address=ADDRESS_DE,
    )
    assert checkout_pay(order=order, card_number=PAY_OK).status == "captured"
    subs = {s.merchant_id: s for s in Order.objects.get(pk=order.pk).suborders.all()}
    assert len(subs) == 3 and order.total_minor == 30000 + 31000 + 32000

    for seller in sellers:
        seller.locale = "de-de"
        sub = subs[seller.merchant.pk]
        listed = seller.get("/ws/orders", {"state": 1}).json()
        assert [o["order_id"] for o in listed["results"]] == [sub.pk]  # each sees only its own part
        assert seller.post(f"/ws/orders/{sub.pk}", {"new_state": 2}).status_code == 200
        shipped = seller.post(
            f"/ws/orders/{sub.pk}", {"new_state": 3, "tracking_number": f"DHL{sub.pk:08d}", "shipper": "DHL"}
        )
        assert shipped.status_code == 200
        assert seller.get(f"/ws/orders/{sub.pk}").json()["state"] == 9

    order.refresh_from_db()
    assert order.state == 9
    assert LedgerEntry.objects.filter(transaction__order=order).aggregate(s=Sum("amount_minor"))["s"] == 0
    payable = dict(
        LedgerEntry.objects.filter(transaction__order=order, account="merchant_payable")
        .values("merchant_id")
        .annotate(s=Sum("amount_minor"))
        .values_list("merchant_id", "s")
    )
    assert payable == {s.merchant.pk: -(30000 + 1000 * i) * 9 // 10 for i, s in enumerate(sellers)}
