"""The command's refusals, and the markets service the demo (and tests) build on, on an empty database."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from remarket.markets.models import Channel, Market
from remarket.markets.services import MARKETS, markets_ensure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"merchants": 5, "listings": 20, "orders": 400}, "--listings is at least 35"),
        ({"merchants": 5, "listings": 300, "orders": 29}, "--orders is at least 30"),
        ({"merchants": 0, "listings": 300, "orders": 400}, "--merchants is at least 1"),
        ({"merchants": 1, "listings": 300, "orders": 400, "partner_locations": 0}, "--partner-locations"),
    ],
)
def test_options_out_of_range_are_refused_and_nothing_is_written(options, message, tmp_path):
    with pytest.raises(CommandError, match=f"DEMO_OPTIONS_INVALID: .*{message}"):
        call_command("demo", credentials=tmp_path / "c.json", stdout=StringIO(), verbosity=0, **options)
    assert not Market.objects.exists()
    assert not (tmp_path / "c.json").exists()


def test_markets_ensure_creates_each_market_and_web_channel_once():
    first = markets_ensure()
    again = markets_ensure()
    assert [m.pk for m in first] == [m.pk for m in again]
    assert sorted(Market.objects.values_list("code", flat=True)) == sorted(spec.code for spec in MARKETS)
    assert sorted(Channel.objects.values_list("code", flat=True)) == [
        "web-de",
        "web-es",
        "web-fr",
        "web-gb",
        "web-it",
        "web-us",
    ]
    assert set(Channel.objects.values_list("kind", flat=True)) == {"web"}


def test_markets_ensure_leaves_an_existing_market_as_it_is():
    Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Warsaw")
    markets_ensure()
    assert Market.objects.get(code="FR").time_zone == "Europe/Warsaw"
    assert Market.objects.count() == 6
