"""The return pages: the customer's order offers a return until the deadline (in the market's date format),
opens and follows it; the merchant's queue receives and refunds it; nobody else sees them."""

import datetime as dt

import pytest
from django.test import Client

from remarket.accounts.models import Role
from remarket.aftersales.models import ReturnRequest
from remarket.core import clock

from ..factories import UserFactory
from .conftest import SOLD_AT, open_return

pytestmark = pytest.mark.django_db
LATER = SOLD_AT + dt.timedelta(days=10)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_order_page_offers_a_return_until_the_deadline(customer, shipped):
    client = logged_in(customer)
    url = f"/fr/orders/{shipped.order.public_id}/"
    with clock.frozen(LATER):
        page = client.get(url).content.decode()
    assert "Retourner un article" in page and "retour gratuit jusqu’au 9 novembre 2026" in page
    with clock.frozen(dt.datetime(2026, 11, 10, 8, 0, tzinfo=dt.UTC)):
        assert "data-return-offer" not in client.get(url).content.decode()


def test_the_customer_opens_and_follows_a_return(customer, shipped):
    client = logged_in(customer)
    line = shipped.lines.get()
    with clock.frozen(LATER):
        form = client.get(f"/fr/orders/{shipped.order.public_id}/return/{shipped.pk}/")
        assert form.status_code == 200
        response = client.post(
            f"/fr/orders/{shipped.order.public_id}/return/{shipped.pk}/",
            {f"line-{line.pk}": "1", "reason": "changed_mind", "mode": "parcel"},
        )
    request = ReturnRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fr/returns/{request.public_id}/"
    with clock.frozen(LATER):
        page = client.get(response["Location"]).content.decode()
        assert 'data-return-state="label_issued"' in page and request.label_tracking in page
        assert client.post(f"/fr/returns/{request.public_id}/send/").status_code == 302
    assert ReturnRequest.objects.get().state == "in_transit"


def test_an_empty_return_form_says_why(customer, shipped):
    with clock.frozen(LATER):
        response = logged_in(customer).post(
            f"/fr/orders/{shipped.order.public_id}/return/{shipped.pk}/", {"reason": "changed_mind"}
        )
    assert response.status_code == 400 and 'data-error="AFTERSALES_NO_LINES"' in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_another_customer_sees_no_return(customer_actor, shipped):
    request = open_return(customer_actor, shipped, at=LATER)
    stranger = logged_in(UserFactory(role=Role.CUSTOMER))
    with clock.frozen(LATER):
        assert stranger.get(f"/fr/returns/{request.public_id}/").status_code == 404
        assert stranger.post(f"/fr/returns/{request.public_id}/cancel/").status_code == 404
        assert stranger.get(f"/fr/orders/{shipped.order.public_id}/return/{shipped.pk}/").status_code == 404
    assert ReturnRequest.objects.get().state == "label_issued"


def test_the_merchant_queue_receives_and_refunds(customer_actor, shipped, marketplace):
    request = open_return(customer_actor, shipped, at=LATER)
    staff = logged_in(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    rival = logged_in(UserFactory(role=Role.MERCHANT, merchant=marketplace and _other_merchant()))
    with clock.frozen(LATER):
        queue = staff.get("/merchant/returns/").content.decode()
        assert f'data-return="{request.pk}"' in queue and "2026-11-09" in queue
        assert f'data-return="{request.pk}"' not in rival.get("/merchant/returns/").content.decode()
        assert rival.post(f"/merchant/returns/{request.pk}/receive/").status_code == 404
        assert staff.post(f"/merchant/returns/{request.pk}/receive/").status_code == 302
        assert staff.post(f"/merchant/returns/{request.pk}/inspect/").status_code == 302
    assert ReturnRequest.objects.get().state == "refunded"


def _other_merchant():
    from ..factories import MerchantFactory

    return MerchantFactory()


def test_the_return_form_lists_drop_off_places_nearest_the_delivery_postcode(customer, shipped, marketplace):
    from remarket.markets.locator import locator_forget
    from remarket.markets.models import Channel, Location, Partner

    channel = Channel.objects.create(
        code="corners-fr", kind="partner", market=marketplace.fr, partner=Partner.objects.create(name="Shops")
    )
    for code, lat, lon, flags in (
        ("far-lyon", "45.757800", "4.832000", {"service_returns": True}),
        ("near-paris", "48.856600", "2.352200", {"service_returns": True}),
        ("closed-paris", "48.856700", "2.352300", {"service_returns": True, "is_active": False}),
        ("no-returns-paris", "48.856800", "2.352400", {"service_pickup": True}),
    ):
        Location.objects.create(
            channel=channel, code=code, name=code, town="x", postcode="1", latitude=lat, longitude=lon, **flags
        )
    locator_forget()
    postcode = shipped.order.shipping_address["postal_code"]
    with clock.frozen(LATER):
        page = logged_in(customer).get(f"/fr/orders/{shipped.order.public_id}/return/{shipped.pk}/").content.decode()
    offered = [
        c for c in ("near-paris", "far-lyon", "closed-paris", "no-returns-paris") if f'data-location-code="{c}"' in page
    ]
    assert offered == ["near-paris", "far-lyon"], postcode
    assert page.index('data-location-code="near-paris"') < page.index('data-location-code="far-lyon"')
    assert " km" in page and "data-hours-today" in page


def test_the_form_returns_some_units_of_a_line(customer, marketplace):
    from .conftest import fr_offer, sell_and_ship

    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace), units=3)
    line = sub.lines.get()
    client = logged_in(customer)
    url = f"/fr/orders/{sub.order.public_id}/return/{sub.pk}/"
    with clock.frozen(LATER):
        assert f'data-return-units="{line.pk}"' in client.get(url).content.decode()
        bad = client.post(url, {f"line-{line.pk}": "1", f"units-{line.pk}": "x", "reason": "changed_mind"})
        assert bad.status_code == 400 and 'data-error="AFTERSALES_QUANTITY_INVALID"' in bad.content.decode()
        response = client.post(url, {f"line-{line.pk}": "1", f"units-{line.pk}": "2", "reason": "changed_mind"})
        assert response.status_code == 302
        assert list(ReturnRequest.objects.get().lines.values_list("quantity", flat=True)) == [2]
        page = client.get(url).content.decode()  # one unit is left to return
        assert f'value="1" min="1" max="1" data-return-units="{line.pk}"' not in page  # a single unit: no count
        assert f'name="line-{line.pk}"' in page
