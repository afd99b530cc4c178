"""The location network: a locations CSV creates and updates by code, refuses each bad row with its line and a
stable code (writing nothing for it), and applies again to the same result; the operator's edit checks the
same way; opening hours and services as data."""

import datetime as dt
import importlib

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core.errors import DomainError
from remarket.markets.hours import hours_on, hours_parse, hours_text
from remarket.markets.locations import location_update, locations_import, locations_read
from remarket.markets.models import Channel, Location, Partner

pytestmark = pytest.mark.django_db
OPERATOR = Actor(user_id=None, role=Role.OPERATOR)
HEADER = "code,name,partner,street,postcode,town,country,latitude,longitude,hours,closed,services,active\n"
GOOD = (
    "phonehouse-lyon,PhoneHouse Lyon,PhoneHouse,12 rue de la République,69002,Lyon,FR,45.7640,4.8357,"
    '"mon-fri 09:30-19:00; sat 10:00-12:30,14:00-18:00",2026-12-25,sales pickup returns,yes\n'
)


@pytest.fixture
def partner(marketplace):
    partner = Partner.objects.create(name="PhoneHouse", commission_bp=600)
    Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    return partner


def _import(text: str):
    return locations_import(locations_read(text.encode()))


def _snapshot():
    return list(Location.objects.order_by("code").values())


def test_a_good_row_creates_a_location_with_its_address_hours_and_services(partner):
    [result] = _import(HEADER + GOOD)
    assert (result.line, result.code, result.status) == (2, "phonehouse-lyon", "created")
    lyon = Location.objects.get(code="phonehouse-lyon")
    assert lyon.channel.partner == partner and lyon.country == "FR" and lyon.street == "12 rue de la République"
    assert lyon.hours == {
        "mon": [["09:30", "19:00"]],
        "tue": [["09:30", "19:00"]],
        "wed": [["09:30", "19:00"]],
        "thu": [["09:30", "19:00"]],
        "fri": [["09:30", "19:00"]],
        "sat": [["10:00", "12:30"], ["14:00", "18:00"]],
    }
    assert lyon.closed_dates == ["2026-12-25"] and lyon.services == ["sales", "pickup", "returns"]
    assert str(lyon.latitude) == "45.764000" and lyon.is_active


def test_the_same_file_again_changes_nothing_and_a_changed_row_updates(partner):
    _import(HEADER + GOOD)
    before = _snapshot()
    assert [r.status for r in _import(HEADER + GOOD)] == ["unchanged"]
    assert _snapshot() == before
    [updated] = _import(HEADER + GOOD.replace("sales pickup returns,yes", "sales,no"))
    assert updated.status == "updated" and set(updated.fields) == {"service_pickup", "service_returns", "is_active"}
    lyon = Location.objects.get(code="phonehouse-lyon")
    assert lyon.services == ["sales"] and not lyon.is_active


@pytest.mark.parametrize(
    "row, code",
    [
        (GOOD.replace(",PhoneHouse,", ",NoSuchChain,"), "LOCATION_PARTNER_UNKNOWN"),
        (GOOD.replace(",69002,", ",6900,"), "LOCATION_POSTCODE_INVALID"),
        (GOOD.replace(",69002,", ",10012-123,"), "LOCATION_POSTCODE_INVALID"),
        (GOOD.replace("09:30-19:00", "19:00-09:30"), "LOCATION_HOURS_INVALID"),
        (GOOD.replace("mon-fri", "lun-ven"), "LOCATION_HOURS_INVALID"),
        (GOOD.replace("10:00-12:30,14:00-18:00", "10:00-14:30,14:00-18:00"), "LOCATION_HOURS_INVALID"),
        (GOOD.replace("09:30-19:00", "09:30-25:00"), "LOCATION_HOURS_INVALID"),
        (GOOD.replace(",45.7640,", ",95.1,"), "LOCATION_COORDINATES_INVALID"),
        (GOOD.replace(",4.8357,", ",-180.5,"), "LOCATION_COORDINATES_INVALID"),
        (GOOD.replace(",45.7640,", ",nan,"), "LOCATION_COORDINATES_INVALID"),
        (GOOD.replace("PhoneHouse Lyon", "PhoneHouse\x1b[31m Lyon"), "LOCATION_TEXT_INVALID"),
        (GOOD.replace("12 rue", "12\u202e rue"), "LOCATION_TEXT_INVALID"),
        (GOOD.replace("sales pickup", "sales teleport"), "LOCATION_SERVICE_UNKNOWN"),
        (GOOD.replace("2026-12-25", "25/12/2026"), "LOCATION_CLOSED_DATES_INVALID"),
        (GOOD.replace(",FR,", ",US,"), "LOCATION_CHANNEL_UNKNOWN"),
        (GOOD.replace("phonehouse-lyon", "PhoneHouse Lyon!"), "LOCATION_CODE_INVALID"),
        (GOOD.replace(",yes\n", ",maybe\n"), "LOCATION_ACTIVE_INVALID"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_code_and_writes_nothing(partner, row, code):
    results = _import(HEADER + GOOD.replace("phonehouse-lyon", "phonehouse-paris") + row)
    assert [(r.line, r.status) for r in results] == [(2, "created"), (3, "error")]
    assert results[1].error == code, results[1]
    assert list(Location.objects.filter(channel__partner=partner).values_list("code", flat=True)) == [
        "phonehouse-paris"
    ]


def test_a_bad_row_changes_nothing_of_a_known_location(partner):
    _import(HEADER + GOOD)
    before = _snapshot()
    [refused] = _import(HEADER + GOOD.replace("PhoneHouse Lyon", "Renamed").replace(",69002,", ",ABCDE,"))
    assert refused.error == "LOCATION_POSTCODE_INVALID"
    assert _snapshot() == before


def test_a_code_twice_in_the_file_refuses_both_rows(partner):
    results = _import(HEADER + GOOD + GOOD.replace("Lyon", "Lyon 2"))
    assert [(r.line, r.error) for r in results] == [(2, "LOCATION_CODE_DUPLICATE"), (3, "LOCATION_CODE_DUPLICATE")]
    assert not Location.objects.filter(code="phonehouse-lyon").exists()


def test_a_row_may_name_the_channel_instead_of_the_partner(marketplace):
    header = "code,name,channel,postcode,town,region,services\n"
    [result] = _import(header + "nyc-uptown,remarket Uptown,store-us,10024,New York,ny,sales pickup\n")
    uptown = Location.objects.get(code="nyc-uptown")
    assert result.status == "created" and uptown.channel == marketplace.store_us and uptown.country == "US"
    assert uptown.region == "NY" and uptown.services == ["sales", "pickup"]
    [web] = _import(header + "nyc-web,Web,web-us,10024,New York,NY,sales\n")
    assert web.error == "LOCATION_CHANNEL_UNKNOWN"


def test_a_file_without_the_needed_columns_is_refused_whole(partner):
    for text in (
        "code,name\nx,y\n",
        HEADER.replace("partner", "owner") + GOOD,
        HEADER.replace(",street", "")[:-1] + ",x\n",
    ):
        with pytest.raises(DomainError) as refused:
            _import(text)
        assert refused.value.code == "LOCATIONS_CSV_INVALID"
    with pytest.raises(DomainError) as not_text:
        locations_import(locations_read(b"\xff\xfe" + HEADER.encode("utf-16")))
    assert not_text.value.code == "LOCATIONS_CSV_INVALID"
    assert not Location.objects.filter(channel__partner=partner).exists()


def test_the_migration_gives_the_own_stores_pickup_and_returns_and_every_location_its_country(partner):
    from django.apps import apps

    migration = importlib.import_module("remarket.markets.migrations.0004_location_network")
    corner = Location.objects.create(
        channel=Channel.objects.get(code="partner-fr"), code="c1", name="c1", town="Lyon", postcode="69002"
    )
    Location.objects.update(service_sales=False, country="")
    migration.defaults(apps, None)
    assert Location.objects.get(code="nyc-soho").services == ["sales", "pickup", "returns"]
    assert Location.objects.get(pk=corner.pk).services == ["sales"]
    assert dict(Location.objects.values_list("code", "country")) == {"nyc-soho": "US", "c1": "FR"}


def test_the_operator_edits_a_location_through_the_same_checks(marketplace):
    nyc = location_update(
        actor=OPERATOR,
        location_id=marketplace.nyc.pk,
        street="123 Greene Street",
        hours="mon-sat 10:00-20:00; sun 11:00-19:00",
        services=["sales", "pickup", "returns", "trade_in"],
    )
    assert nyc.street == "123 Greene Street" and nyc.services == ["sales", "pickup", "returns", "trade_in"]
    assert hours_text(nyc.hours) == "mon-sat 10:00-20:00; sun 11:00-19:00"
    before = _snapshot()
    for changes, code in [
        (dict(postcode="1001"), "LOCATION_POSTCODE_INVALID"),
        (dict(latitude="91"), "LOCATION_COORDINATES_INVALID"),
        (dict(name="Soho\x00"), "LOCATION_TEXT_INVALID"),
        (dict(hours={"mon": [["10:00"]]}), "LOCATION_HOURS_INVALID"),
        (dict(code="other"), "LOCATION_FIELD_UNKNOWN"),
    ]:
        with pytest.raises(DomainError) as refused:
            location_update(actor=OPERATOR, location_id=marketplace.nyc.pk, **changes)
        assert refused.value.code == code
    assert _snapshot() == before
    clerk = Actor(user_id=None, role=Role.CLERK, location_id=marketplace.nyc.pk)
    with pytest.raises(DomainError) as forbidden:
        location_update(actor=clerk, location_id=marketplace.nyc.pk, name="Mine")
    assert forbidden.value.code == "LOCATION_FORBIDDEN" and _snapshot() == before


def test_hours_on_a_day_and_on_a_closed_date():
    hours = hours_parse("mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00")
    assert hours_on(hours, [], dt.date(2026, 12, 5)) == [["10:00", "16:00"]]  # a Saturday
    assert hours_on(hours, [], dt.date(2026, 12, 6)) == []  # Sunday: closed
    assert hours_on(hours, ["2026-12-04"], dt.date(2026, 12, 4)) == []
    assert hours_text(hours) == "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00"
    with pytest.raises(DomainError) as twice:
        hours_parse("mon-fri 09:00-12:00; fri 14:00-15:00")
    assert twice.value.code == "LOCATION_HOURS_INVALID"
