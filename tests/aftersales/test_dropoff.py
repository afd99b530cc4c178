"""Drop-off at a location that takes returns: the customer's code, typed by a clerk at the counter."""

import datetime as dt

import pytest
from django.test import Client

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import services
from remarket.aftersales.models import ReturnRequest
from remarket.aftersales.selectors import return_locations
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.markets.models import Channel, Location, Partner

from ..factories import UserFactory
from .conftest import SOLD_AT, merchant_of, open_return

pytestmark = pytest.mark.django_db
LATER = SOLD_AT + dt.timedelta(days=10)


@pytest.fixture
def corner(marketplace):
    partner = Partner.objects.create(name="Telecom shops")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    return Location.objects.create(
        channel=channel,
        code="paris-corner",
        name="Corner Paris Opéra",
        town="Paris",
        postcode="75009",
        latitude="48.871500",
        longitude="2.331600",
        service_returns=True,
    )


def clerk_at(location) -> Actor:
    return Actor.of(UserFactory(role=Role.CLERK, location=location))


def test_return_locations_are_the_markets_stores_and_corners(marketplace, corner):
    assert list(return_locations(marketplace.fr)) == [corner]
    assert list(return_locations(marketplace.us)) == [marketplace.nyc]


def test_return_drop_off_places_are_the_active_ones_offering_returns_nearest_first(marketplace, corner):
    from remarket.aftersales.selectors import return_locations_near
    from remarket.markets.locator import locator_forget

    def place(code, lat, lon, **flags):
        return Location.objects.create(
            channel=corner.channel,
            code=code,
            name=code,
            town="Paris",
            postcode="75001",
            latitude=lat,
            longitude=lon,
            **flags,
        )

    nearer = place("louvre", "48.861000", "2.336000", service_returns=True)
    place("closed-louvre", "48.860900", "2.336100", service_returns=True, is_active=False)
    place("sales-only-louvre", "48.861100", "2.336200", service_pickup=True)
    locator_forget()
    near = return_locations_near(market=marketplace.fr, near="75001")
    assert [n.location.code for n in near] == [nearer.code, corner.code]
    assert near[0].distance_km < near[1].distance_km < 5
    assert near[0].hours_today == []  # no hours given: closed today, said so
    # nothing typed and no known postcode: by name, without distance; another market's never
    by_name = return_locations_near(market=marketplace.fr, near="Atlantis")
    assert [(n.location.code, n.distance_km) for n in by_name] == [(corner.code, None), (nearer.code, None)]
    assert [n.location.code for n in return_locations_near(market=marketplace.us, near="10012")] == ["nyc-soho"]
    assert set(return_locations(marketplace.fr)) == {corner, nearer}


def test_a_clerk_takes_the_device_in_with_the_code_and_the_merchant_refunds(customer_actor, shipped, corner):
    request = open_return(customer_actor, shipped, at=LATER, mode="dropoff")
    assert request.state == "dropoff_issued" and len(request.dropoff_code) == 8
    with clock.frozen(LATER + dt.timedelta(hours=3)):
        taken = services.return_drop_off(actor=clerk_at(corner), code=request.dropoff_code.lower())
        assert (taken.state, taken.dropoff_location) == ("dropped_off", corner)
        services.return_receive(actor=merchant_of(shipped), return_id=request.pk)
        assert services.return_inspect(actor=merchant_of(shipped), return_id=request.pk).state == "refunded"


def test_a_location_that_does_not_take_this_markets_returns_is_refused(customer_actor, shipped, corner, marketplace):
    request = open_return(customer_actor, shipped, at=LATER, mode="dropoff")
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_drop_off(actor=clerk_at(marketplace.nyc), code=request.dropoff_code)
    assert (err.value.code, err.value.status) == ("AFTERSALES_LOCATION_NO_RETURNS", 403)
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_drop_off(actor=clerk_at(corner), code="NOSUCH00")
    assert err.value.code == "AFTERSALES_DROPOFF_CODE_UNKNOWN"
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_drop_off(actor=merchant_of(shipped), code=request.dropoff_code)
    assert err.value.code == "AUTH_FORBIDDEN"
    assert ReturnRequest.objects.get().state == "dropoff_issued"


def test_a_drop_off_return_needs_a_location_that_takes_returns(customer_actor, shipped):
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=LATER, mode="dropoff")
    assert err.value.code == "AFTERSALES_NO_DROPOFF_LOCATION"
    assert not ReturnRequest.objects.exists()


def test_the_counter_page(customer_actor, shipped, corner, marketplace):
    request = open_return(customer_actor, shipped, at=LATER, mode="dropoff")
    wrong = Client()
    wrong.force_login(UserFactory(role=Role.CLERK, location=marketplace.nyc))
    with clock.frozen(LATER):
        refused = wrong.post("/pos/returns/drop-off/", {"code": request.dropoff_code})
    assert refused.status_code == 403 and 'data-error="AFTERSALES_LOCATION_NO_RETURNS"' in refused.content.decode()
    clerk = Client()
    clerk.force_login(UserFactory(role=Role.CLERK, location=corner, language="en"))  # the English page
    with clock.frozen(LATER):
        assert clerk.get("/pos/returns/").status_code == 200
        response = clerk.post("/pos/returns/drop-off/", {"code": request.dropoff_code}, follow=True)
    assert "taken in" in response.content.decode()
    assert ReturnRequest.objects.get().state == "dropped_off"
