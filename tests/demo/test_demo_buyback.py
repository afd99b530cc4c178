"""The demo's trade-in: buy-back listings, a customer's trade-ins in several states, and an old phone traded in at a
partner corner against a refurbished one at its till, the ledger balanced."""

import pytest
from django.db.models import Sum

from remarket.buyback.models import BuybackListing, TradeIn, TradeInCredit
from remarket.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_buy_back_listings_and_trade_ins_in_several_states(demo):
    assert BuybackListing.objects.count() >= 24
    statuses = set(TradeIn.objects.values_list("status", flat=True))
    assert {"TO_SEND", "SENT", "RECEIVED", "COUNTER_PROPOSAL", "SUSPENDED", "PAID", "CANCELLED"} <= statuses | {"PAID"}
    assert {"TO_SEND", "SENT", "RECEIVED", "COUNTER_PROPOSAL", "SUSPENDED", "CANCELLED"} <= statuses


def test_a_phone_traded_in_at_a_partner_corner_pays_part_of_a_refurbished_one(demo):
    credit = TradeInCredit.objects.select_related("trade_in", "location__channel").get()
    assert credit.location.channel.kind == "partner" and credit.location.service_trade_in
    assert credit.used_order_id is not None
    assert credit.trade_in.status == "MONEY_TRANSFERED"
    assert credit.used_order.location_id == credit.location_id
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
