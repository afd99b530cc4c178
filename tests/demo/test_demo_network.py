"""The demo's network: the New York store and the partner's corners have an address, opening hours and services;
counter stock at one corner in five, each unit recorded as received."""

import pytest
from django.db.models import Sum

from remarket.markets.models import Location
from remarket.offers.models import LocationStock, StockMovement

pytestmark = pytest.mark.django_db


def test_every_location_has_an_address_hours_and_services(demo):
    nyc = Location.objects.get(code="nyc-soho")
    assert nyc.street and nyc.country == "US" and nyc.services == ["sales", "pickup", "returns", "trade_in"]
    assert nyc.hours["sun"] == [["11:00", "19:00"]]
    corners = Location.objects.filter(channel__code="partner-fr")
    assert corners.count() == 500
    assert all(c.street and c.country == "FR" and c.hours and "pickup" in c.services for c in corners)
    assert corners.filter(service_returns=True).count() == 167 and corners.filter(service_trade_in=True).count() == 50


def test_counter_stock_at_one_corner_in_five_each_unit_received(demo):
    stocked = set(LocationStock.objects.filter(location__channel__code="partner-fr").values_list("location", flat=True))
    assert 50 < len(stocked) <= 100
    # received, and one unit sold at a corner against a trade-in credit (remarket/demo/buyback.py)
    assert set(StockMovement.objects.values_list("kind", flat=True)) == {"receive", "sale"}
    assert StockMovement.objects.filter(kind="sale").count() == 1
    moved = {
        (m["location"], m["listing"]): m["units"]
        for m in StockMovement.objects.values("location", "listing").annotate(units=Sum("delta"))
    }
    assert moved == {(s.location_id, s.listing_id): s.available for s in LocationStock.objects.all()}
