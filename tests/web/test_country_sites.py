"""`/` sends a visitor to the country site their browser's languages point to, or to the one they chose with
the country switcher (remembered in a cookie, no session)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from remarket.markets.models import Channel, Market
from remarket.markets.selectors import markets_forget

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(marketplace):
    de = Market.objects.create(code="DE", country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
    Channel.objects.create(code="web-de", kind="web", market=de)
    markets_forget()
    return marketplace


@pytest.mark.parametrize(
    "header, site",
    [
        ("de-DE,de;q=0.9,en;q=0.8", "/de/"),
        ("en-US,en;q=0.9", "/us/"),
        ("fr-BE,fr;q=0.9", "/fr/"),  # no Belgian site: the French one speaks the visitor's language
        ("en-FR", "/fr/"),  # an English speaker in France
        ("de-AT", "/de/"),
        ("ja-JP", "/fr/"),  # nothing matches: the first site
        ("", "/fr/"),
        ("not a header;;q=x", "/fr/"),
    ],
)
def test_the_root_follows_the_browsers_languages(sites, header, site):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert (response.status_code, response["Location"]) == (302, site)


def test_the_country_switcher_is_remembered_without_a_session(sites):
    visitor = Client()
    page = visitor.get("/fr/").content.decode()
    assert 'href="/de/choose/"' in page and "Allemagne" in page  # country names in the page's language
    chosen = visitor.get("/de/choose/")
    assert chosen["Location"] == "/de/" and chosen.cookies["market"].value == "DE"
    assert visitor.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")["Location"] == "/de/"  # the choice wins
    assert not Session.objects.exists()
    assert Client().get("/xx/choose/").status_code == 404
