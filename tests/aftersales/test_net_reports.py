"""A refunded return takes its sale off GMV and the avoided CO2e / e-waste: reports are net of returns."""

import datetime as dt

import pytest

from remarket.aftersales import services
from remarket.analytics.models import GmvRollup, RefundFact
from remarket.analytics.selectors import gmv_by_country_channel
from remarket.analytics.services import refund_record, rollups_rebuild
from remarket.core import clock
from remarket.events.outbox import drain

from .conftest import SOLD_AT, fr_offer, merchant_of, open_return, sell_and_ship

pytestmark = pytest.mark.django_db
LATER = SOLD_AT + dt.timedelta(days=10)
OCTOBER, NEXT_YEAR = dt.date(2026, 10, 1), dt.date(2027, 1, 1)


def _table():
    t = gmv_by_country_channel(since=OCTOBER, until=NEXT_YEAR)
    return t.total_eur_minor, t.units, t.co2e_avoided_g, t.ewaste_avoided_g, t.co2e_low_g, t.co2e_high_g


def test_a_refunded_return_is_taken_off_gmv_and_impact(marketplace, customer, customer_actor):
    offer = fr_offer(marketplace, price_minor=30000)
    sell_and_ship(marketplace, customer, offer)  # kept
    returned = sell_and_ship(marketplace, customer, offer)
    gmv, units, co2e, ewaste, low, high = _table()
    assert (gmv, units) == (60000, 2) and co2e > 0 and ewaste > 0 and 0 < low < high
    request = open_return(customer_actor, returned, at=LATER)
    with clock.frozen(LATER):
        services.return_receive(actor=merchant_of(returned), return_id=request.pk)
        services.return_inspect(actor=merchant_of(returned), return_id=request.pk)
        drain()
    assert _table() == (30000, 1, co2e // 2, ewaste // 2, low // 2, high // 2)
    assert RefundFact.objects.get().order_line_id == returned.lines.get().pk
    # the same lines given again (an event delivered twice) take nothing more off
    assert refund_record(order_line_ids=[returned.lines.get().pk], refunded_at=LATER) == []
    assert _table() == (30000, 1, co2e // 2, ewaste // 2, low // 2, high // 2)
    before = list(GmvRollup.objects.values_list("month", "units", "gmv_eur_minor", "co2e_avoided_g"))
    rollups_rebuild()
    assert list(GmvRollup.objects.values_list("month", "units", "gmv_eur_minor", "co2e_avoided_g")) == before
