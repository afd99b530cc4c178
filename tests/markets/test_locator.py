"""The store locator: nearest first with the distance and today's hours, by position, postcode or town, filtered
by service; closed and inactive locations left out."""

import datetime as dt
from decimal import Decimal

import pytest

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.markets.locator import haversine_km, locations_near, place_resolve
from remarket.markets.models import Channel, Location, Partner

pytestmark = pytest.mark.django_db
FRIDAY_NOON_PARIS = dt.datetime(2026, 12, 4, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def corners(marketplace):
    partner = Partner.objects.create(name="PhoneHouse")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    places = {  # code: (lat, lon, pickup)
        "paris-chatelet": ("48.858900", "2.347000", True),
        "paris-bastille": ("48.853200", "2.369100", False),
        "versailles": ("48.804900", "2.120400", True),
        "lyon": ("45.764000", "4.835700", True),
        "marseille": ("43.296500", "5.369800", True),
        "lille-closed": ("50.629200", "3.057300", True),
    }
    made = {}
    for code, (lat, lon, pickup) in places.items():
        made[code] = Location.objects.create(
            channel=channel,
            code=code,
            name=code,
            town=code,
            postcode="75001",
            country="FR",
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            hours={"fri": [["09:00", "19:00"]]},
            closed_dates=["2026-12-05"],
            service_pickup=pickup,
            is_active=code != "lille-closed",
        )
    return made


def test_the_nearest_come_first_with_their_distance_and_todays_hours(corners):
    with clock.frozen(FRIDAY_NOON_PARIS):
        near = locations_near(point=(48.8566, 2.3522), limit=3)
    assert [n.location.code for n in near] == ["paris-chatelet", "paris-bastille", "versailles"]
    assert near[0].distance_km == pytest.approx(0.46, abs=0.01)
    assert near[2].distance_km == pytest.approx(17.7, abs=0.3)
    assert near[0].hours_today == [["09:00", "19:00"]]
    with clock.frozen(FRIDAY_NOON_PARIS + dt.timedelta(days=1)):  # a Saturday, and a closed date
        assert locations_near(point=(48.8566, 2.3522), limit=1)[0].hours_today == []


def test_far_locations_are_found_when_there_are_too_few_near(corners):
    near = locations_near(point=(48.8566, 2.3522), limit=10)
    assert [n.location.code for n in near] == ["paris-chatelet", "paris-bastille", "versailles", "lyon", "marseille"]
    assert near[3].distance_km == pytest.approx(392, abs=3)


def test_a_service_filters_and_inactive_locations_are_left_out(corners):
    near = locations_near(point=(50.63, 3.06), service="pickup", limit=2)  # from Lille, whose corner is closed
    assert [n.location.code for n in near] == ["paris-chatelet", "versailles"]


def test_a_postcode_or_a_town_is_where_its_commune_is(corners):
    assert [n.location.code for n in locations_near(postcode="69002", limit=1)] == ["lyon"]
    assert [n.location.code for n in locations_near(town="marseille", limit=1)] == ["marseille"]
    assert [n.location.code for n in locations_near(town="Paris", limit=1)] == ["paris-chatelet"]
    lyon = place_resolve(town="lyon")
    assert haversine_km(lyon.latitude, lyon.longitude, 45.764, 4.8357) < 3


def test_new_york_zip_codes_find_the_store(marketplace):
    Location.objects.filter(pk=marketplace.nyc.pk).update(
        latitude=Decimal("40.723301"), longitude=Decimal("-73.998910")
    )
    near = locations_near(postcode="10036")
    assert [n.location.code for n in near] == ["nyc-soho"] and near[0].distance_km == pytest.approx(4.3, abs=0.3)
    assert [n.location.code for n in locations_near(town="Brooklyn")] == ["nyc-soho"]


@pytest.mark.parametrize(
    "query, code",
    [
        (dict(postcode="00000"), "LOCATOR_PLACE_UNKNOWN"),
        (dict(town="Atlantis"), "LOCATOR_PLACE_UNKNOWN"),
        (dict(), "LOCATOR_PLACE_REQUIRED"),
        (dict(point=(91.0, 0.0)), "LOCATOR_POINT_INVALID"),
        (dict(point=(float("nan"), 0.0)), "LOCATOR_POINT_INVALID"),
        (dict(point=(48.0, 2.0), service="teleport"), "LOCATOR_SERVICE_UNKNOWN"),
        (dict(point=(48.0, 2.0), limit=0), "LOCATOR_LIMIT_INVALID"),
        (dict(point=(48.0, 2.0), limit=51), "LOCATOR_LIMIT_INVALID"),
    ],
)
def test_bad_questions_get_a_stable_code(corners, query, code):
    with pytest.raises(DomainError) as refused:
        locations_near(**query)
    assert refused.value.code == code


def test_the_locator_reads_one_query_once_the_positions_are_kept(corners, django_assert_num_queries):
    locations_near(point=(48.8566, 2.3522), limit=2)  # reads the positions, kept for a minute
    with django_assert_num_queries(1):  # the chosen locations still active (their cards are kept)
        locations_near(point=(48.8566, 2.3522), limit=2)


def test_a_location_closed_after_the_positions_were_kept_is_not_shown(corners):
    assert locations_near(point=(48.8566, 2.3522), limit=1)[0].location.code == "paris-chatelet"
    Location.objects.filter(code="paris-chatelet").update(is_active=False)  # not through a service: no forget
    assert [n.location.code for n in locations_near(point=(48.8566, 2.3522), limit=1)] == []
    assert "paris-chatelet" not in [n.location.code for n in locations_near(point=(48.8566, 2.3522), service="pickup")]


def test_an_edit_is_seen_by_the_locator_at_once(corners, django_capture_on_commit_callbacks):
    from remarket.accounts.models import Role
    from remarket.accounts.permissions import Actor
    from remarket.markets.locations import location_update

    assert locations_near(point=(48.8566, 2.3522), limit=1)[0].location.code == "paris-chatelet"
    with django_capture_on_commit_callbacks(execute=True):
        location_update(
            actor=Actor(user_id=None, role=Role.OPERATOR),
            location_id=corners["lyon"].pk,
            latitude="48.8570",
            longitude="2.3520",
        )
    assert locations_near(point=(48.8566, 2.3522), limit=1)[0].location.code == "lyon"
