"""A counter sale at a partner's corner: the partner earns its commission, and the ops dashboard shows the
GMV per partner and per location beside the channel split."""

import pytest

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.events.outbox import drain
from remarket.ledger.models import LedgerTransaction
from remarket.markets.models import Channel
from remarket.offers.models import LocationStock
from remarket.orders.models import OrderLine

from ..conftest import PAY_OK

pytestmark = pytest.mark.django_db


def test_a_counter_sale_at_a_corner_earns_the_partner_and_shows_per_partner_and_location(
    client, marketplace, offer, network, operator_user
):
    LocationStock.objects.create(location=network.lyon, listing=offer.listing, available=2)
    order = checkout_start(
        market=marketplace.fr,
        channel=Channel.objects.get(code="partner-fr"),
        items=[Item(offer.listing_id, 1, location_id=network.lyon.pk)],
        email="",
        location_id=network.lyon.pk,
        clerk_id=network.lyon_clerk.user_id,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    drain()
    line = OrderLine.objects.get(suborder__order=order)
    assert line.partner_commission_minor == line.total_minor * 500 // 10_000 > 0
    assert LedgerTransaction.objects.filter(order=order, kind="partner_commission").count() == 1
    client.force_login(operator_user)
    page = client.get("/ops/").content.decode()
    assert 'data-partner="Telco"' in page and 'data-location="telco-lyon-2"' in page
    assert 'data-partner="Other Shops"' not in page  # sold nothing
