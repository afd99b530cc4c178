"""The operator's locations pages: the list filtered by partner, state and service; the edit form saves through
location_update and shows a refused field with its code, nothing changed; clerks are kept out."""

from decimal import Decimal

import pytest

from remarket.accounts.models import Role
from remarket.markets.models import Channel, Location, Partner
from remarket.offers.models import LocationStock

from ..factories import ListingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(marketplace):
    partner = Partner.objects.create(name="PhoneHouse")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    for i in range(3):
        Location.objects.create(
            channel=channel, code=f"ph-{i}", name=f"PhoneHouse {i}", town="Lyon", postcode="69002", country="FR",
            latitude=Decimal("45.76"), longitude=Decimal("4.83"), service_pickup=i == 0, is_active=i != 2,
        )  # fmt: skip
    Location.objects.filter(code="nyc-soho").update(country="US")
    LocationStock.objects.create(location=Location.objects.get(code="ph-0"), listing=ListingFactory(), available=4)
    return partner


def _codes(page) -> list[str]:
    import re

    return re.findall(r'data-location="([^"]+)"', page.content.decode())


def test_the_list_filters_by_partner_state_and_service(client, operator_user, network, django_assert_max_num_queries):
    client.force_login(operator_user)
    with django_assert_max_num_queries(8):
        page = client.get("/ops/locations/")
    assert page.status_code == 200 and _codes(page) == ["nyc-soho", "ph-0", "ph-1", "ph-2"]
    assert _codes(client.get("/ops/locations/", {"partner": network.pk})) == ["ph-0", "ph-1", "ph-2"]
    assert _codes(client.get("/ops/locations/", {"active": "no"})) == ["ph-2"]
    assert _codes(client.get("/ops/locations/", {"service": "pickup", "partner": network.pk})) == ["ph-0"]
    assert '<td class="num">4</td>' in client.get("/ops/locations/", {"service": "pickup"}).content.decode()


def test_the_edit_form_saves_and_refuses_with_a_code(client, operator_user, network):
    client.force_login(operator_user)
    form = {
        "name": "PhoneHouse Part-Dieu", "street": "17 rue du Docteur Bouchut", "postcode": "69003", "town": "Lyon",
        "region": "", "latitude": "45.7606", "longitude": "4.8590", "hours": "mon-sat 10:00-20:00",
        "closed_dates": "2026-12-25", "services": ["sales", "returns"], "is_active": "on",
    }  # fmt: skip
    assert client.post("/ops/locations/ph-1/", form).status_code == 302
    saved = Location.objects.get(code="ph-1")
    assert saved.name == "PhoneHouse Part-Dieu" and saved.services == ["sales", "returns"]
    assert saved.hours["sat"] == [["10:00", "20:00"]] and saved.closed_dates == ["2026-12-25"]
    refused = client.post("/ops/locations/ph-1/", dict(form, hours="mon 20:00-10:00", name="Other"))
    assert refused.status_code == 400 and 'data-code="LOCATION_HOURS_INVALID"' in refused.content.decode()
    assert Location.objects.get(code="ph-1").name == "PhoneHouse Part-Dieu"
    assert 'value="mon 20:00-10:00"' in refused.content.decode()  # what was typed, to correct


def test_a_clerk_cannot_open_the_pages(client, marketplace, network):
    client.force_login(UserFactory(role=Role.CLERK, location=marketplace.nyc))
    assert client.get("/ops/locations/").status_code == 403
    assert client.post("/ops/locations/ph-1/", {"name": "Mine"}).status_code == 403
    assert Location.objects.get(code="ph-1").name == "PhoneHouse 1"
