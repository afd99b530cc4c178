"""/api/v1 locations: the public locator and card; store stock, movements and moves for the location's clerk and
the operator (a partner manager reads its partner's); another location's clerk reads and changes nothing."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.markets.models import Channel, Location, Partner
from remarket.offers.models import LocationStock, StockMovement

from ..factories import ListingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, name='t')[1]}"}


@pytest.fixture
def network(marketplace):
    partner = Partner.objects.create(name="PhoneHouse")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    lyon = Location.objects.create(
        channel=channel, code="ph-lyon", name="PhoneHouse Lyon", street="12 rue de la République", town="Lyon",
        postcode="69002", country="FR", latitude=Decimal("45.764"), longitude=Decimal("4.8357"),
        hours={"mon": [["09:00", "19:00"]]}, service_pickup=True,
    )  # fmt: skip
    paris = Location.objects.create(
        channel=channel, code="ph-paris", name="PhoneHouse Paris", town="Paris", postcode="75001", country="FR",
        latitude=Decimal("48.8589"), longitude=Decimal("2.347"),
    )  # fmt: skip
    return partner, lyon, paris


def test_the_public_locator_by_position_postcode_and_town(client, network):
    by_point = client.get("/api/v1/locations", {"near": "48.85,2.35"})
    assert by_point.status_code == 200
    assert [n["location"]["code"] for n in by_point.json()] == ["ph-paris", "ph-lyon"]
    first = by_point.json()[1]
    assert first["location"]["partner"] == "PhoneHouse" and first["location"]["services"] == ["sales", "pickup"]
    assert first["distance_km"] == pytest.approx(392, abs=3)
    assert [n["location"]["code"] for n in client.get("/api/v1/locations", {"postcode": "69002"}).json()][
        0
    ] == "ph-lyon"
    pickup = client.get("/api/v1/locations", {"town": "Paris", "service": "pickup"}).json()
    assert [n["location"]["code"] for n in pickup] == ["ph-lyon"]
    card = client.get("/api/v1/locations/ph-lyon").json()
    assert card["street"] == "12 rue de la République" and card["hours"] == {"mon": [["09:00", "19:00"]]}


@pytest.mark.parametrize(
    "query, status, code",
    [
        ({"near": "north"}, 400, "LOCATOR_POINT_INVALID"),
        ({"near": "95,2"}, 400, "LOCATOR_POINT_INVALID"),
        ({"postcode": "99999"}, 404, "LOCATOR_PLACE_UNKNOWN"),
        ({}, 400, "LOCATOR_PLACE_REQUIRED"),
        ({"town": "Paris", "service": "teleport"}, 400, "LOCATOR_SERVICE_UNKNOWN"),
        ({"town": "Paris", "limit": 500}, 422, "REQUEST_INVALID"),
    ],
)
def test_bad_locator_questions(client, network, query, status, code):
    response = client.get("/api/v1/locations", query)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_an_inactive_or_unknown_location_is_not_found(client, network):
    Location.objects.filter(code="ph-paris").update(is_active=False)
    assert client.get("/api/v1/locations/ph-paris").json()["code"] == "LOCATION_NOT_FOUND"
    assert client.get("/api/v1/locations/nowhere").status_code == 404


def test_the_clerk_receives_and_transfers_with_an_idempotency_key(client, network):
    _, lyon, paris = network
    listing = ListingFactory(quantity=0)
    auth = _auth(UserFactory(role=Role.CLERK, location=lyon))
    body = json.dumps({"listing_id": listing.pk, "quantity": 4, "reason": "delivery 42"})
    for _ in range(2):  # the second is a replay
        response = client.post(
            "/api/v1/locations/ph-lyon/stock/receive",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="r1",
            **auth,
        )
        assert response.status_code == 200 and response.json()[0]["kind"] == "receive"
    assert LocationStock.objects.get(location=lyon).available == 4 and StockMovement.objects.count() == 1
    other_body = json.dumps({"listing_id": listing.pk, "quantity": 5})
    reused = client.post(
        "/api/v1/locations/ph-lyon/stock/receive",
        other_body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r1",
        **auth,
    )
    assert (reused.status_code, reused.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    moved = client.post(
        "/api/v1/locations/ph-lyon/stock/transfer",
        json.dumps({"listing_id": listing.pk, "quantity": 3, "to": "ph-paris"}),
        content_type="application/json",
        **auth,
    )
    assert [(m["kind"], m["delta"], m["counterpart"]) for m in moved.json()] == [
        ("transfer_out", -3, "ph-paris"),
        ("transfer_in", 3, "ph-lyon"),
    ]
    too_many = client.post(
        "/api/v1/locations/ph-lyon/stock/return",
        json.dumps({"listing_id": listing.pk, "quantity": 2}),
        content_type="application/json",
        **auth,
    )
    assert (too_many.status_code, too_many.json()["code"]) == (409, "STOCK_NOT_ON_HAND")
    stock = client.get("/api/v1/locations/ph-lyon/stock", **auth).json()
    assert [(s["listing_id"], s["available"]) for s in stock] == [(listing.pk, 1)]
    with CaptureQueriesContext(connection) as queries:
        movements = client.get("/api/v1/locations/ph-lyon/movements", **auth).json()
    assert [m["kind"] for m in movements] == ["transfer_out", "receive"]
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_a_clerk_of_another_location_reads_and_changes_nothing(client, network):
    _, lyon, paris = network
    listing = ListingFactory(quantity=0)
    LocationStock.objects.create(location=paris, listing=listing, available=2)
    auth = _auth(UserFactory(role=Role.CLERK, location=lyon))
    for path in ("/api/v1/locations/ph-paris/stock", "/api/v1/locations/ph-paris/movements"):
        response = client.get(path, **auth)
        assert (response.status_code, response.json()["code"]) == (403, "STOCK_LOCATION_FORBIDDEN")
    for action, body in [
        ("receive", {"listing_id": listing.pk, "quantity": 1}),
        ("transfer", {"listing_id": listing.pk, "quantity": 1, "to": "ph-lyon"}),
        ("return", {"listing_id": listing.pk, "quantity": 1}),
        ("adjust", {"listing_id": listing.pk, "delta": -1, "reason": "lost"}),
    ]:
        response = client.post(
            f"/api/v1/locations/ph-paris/stock/{action}", json.dumps(body), content_type="application/json", **auth
        )
        assert (response.status_code, response.json()["code"]) == (403, "STOCK_LOCATION_FORBIDDEN"), action
    assert list(LocationStock.objects.values_list("location_id", "available")) == [(paris.pk, 2)]
    assert not StockMovement.objects.exists()


def test_the_partner_manager_reads_its_locations_and_moves_nothing(client, network, marketplace):
    partner, lyon, _ = network
    listing = ListingFactory(quantity=0)
    LocationStock.objects.create(location=lyon, listing=listing, available=2)
    manager = _auth(UserFactory(role=Role.PARTNER, partner=partner))
    assert client.get("/api/v1/locations/ph-lyon/stock", **manager).json()[0]["available"] == 2
    refused = client.post(
        "/api/v1/locations/ph-lyon/stock/adjust",
        json.dumps({"listing_id": listing.pk, "delta": 1, "reason": "found"}),
        content_type="application/json",
        **manager,
    )
    assert refused.status_code == 403
    other = _auth(UserFactory(role=Role.PARTNER, partner=Partner.objects.create(name="Other")))
    assert client.get("/api/v1/locations/ph-lyon/stock", **other).status_code == 403
    assert client.get("/api/v1/locations/nyc-soho/movements", **manager).status_code == 403
    assert client.get("/api/v1/locations/ph-lyon/stock").status_code == 401
