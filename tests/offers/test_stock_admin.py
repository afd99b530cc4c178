import pytest

from remarket.offers.models import LocationStock

from ..factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_store_stock_and_movements_read_only(client, operator_user, marketplace):
    stock = LocationStock.objects.create(location=marketplace.nyc, listing=ListingFactory(), available=3)
    client.force_login(operator_user)
    for path in ("/admin/offers/locationstock/", "/admin/offers/stockmovement/"):
        assert client.get(path).status_code == 200
    assert client.get("/admin/offers/locationstock/add/").status_code == 403
    client.post(f"/admin/offers/locationstock/{stock.pk}/change/", {"available": 99})
    client.post(f"/admin/offers/locationstock/{stock.pk}/delete/", {"post": "yes"})
    assert LocationStock.objects.get().available == 3
