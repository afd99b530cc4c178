"""The back offices speak the user's language and show their market's money format and time zone: a French
merchant works in French, in euros the French way and Paris time; a user's own choice of language or time zone
wins, a value not offered is refused with its code; no enum code, line state number or basis points on the
listings, orders, order and quality pages."""

import datetime as dt
import re

import pytest

from remarket.accounts.models import Role
from remarket.accounts.preferences import work_locale
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.markets.models import Market
from remarket.markets.selectors import markets_forget
from remarket.merchants.models import MerchantMetrics

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # 11:00 in Paris
CODES = re.compile(r">[^<]*\b(VERY_GOOD|EXCELLENT|PREMIUM|GOOD|FAIR|REGULAR|MARGINAL|standard|margin|_bp|line state)\b")


@pytest.fixture
def french_shop(marketplace):
    merchant = MerchantFactory(country="FR")
    offer = ListingMarketFactory(
        market=marketplace.fr, price_minor=123450, listing=ListingFactory(merchant=merchant, grade="VERY_GOOD")
    )
    with clock.frozen(NOW):
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id, 1)],
            email="ada@example.com",
            shipping_address=ADDRESS_FR,
        )
        checkout_pay(order=order, card_number=PAY_OK)
    MerchantMetrics.objects.create(
        merchant=merchant,
        computed_at=NOW,
        window_days=90,
        orders=40,
        cancellation_rate_bp=325,
        late_shipment_rate_bp=1000,
        quality_score=87,
        status_after="warned",
    )
    return merchant, offer, order.suborders.get(), UserFactory(role=Role.MERCHANT, merchant=merchant)


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_french_merchant_works_in_french_with_euros_and_paris_time(client, french_shop):
    merchant, offer, sub, user = french_shop
    client.force_login(user)
    listings = _text(client, "/merchant/listings/")
    assert '<html lang="fr">' in listings
    assert ">Annonces</a>" in listings and ">Commandes</a>" in listings and "Meilleure offre" in listings
    assert "1\u202f234,50\xa0€" in listings or "1\xa0234,50\xa0€" in listings  # babel's French grouping
    assert "Très bon" in listings and "en ligne" in listings
    orders = _text(client, "/merchant/")
    assert "À accepter" in orders and "2026-11-02 11:00" in orders  # the sub-order, paid: to accept, Paris time
    order = _text(client, f"/merchant/orders/{sub.pk}/")
    assert "Europe/Paris" in order and "Accepter la commande" in order and "Très bon" in order
    quality = _text(client, "/merchant/quality/")
    assert "3,25\xa0%" in quality and "Averti" in quality and "Annulation" in quality


@pytest.mark.parametrize("page", ["/merchant/listings/", "/merchant/", "order", "/merchant/quality/"])
def test_no_enum_code_basis_points_or_state_number_on_the_merchant_pages(client, french_shop, page):
    merchant, offer, sub, user = french_shop
    client.force_login(user)
    html = _text(client, f"/merchant/orders/{sub.pk}/" if page == "order" else page)
    assert not CODES.findall(html), CODES.findall(html)
    assert "line state" not in html and "_rate_bp" not in html


def test_the_english_switch_and_a_time_zone_of_ones_own(client, french_shop):
    merchant, offer, sub, user = french_shop
    client.force_login(user)
    back = client.post("/account/preferences/", {"language": "en", "next": "/merchant/listings/"})
    assert back.status_code == 302 and back["Location"] == "/merchant/listings/"
    english = _text(client, "/merchant/listings/")
    assert '<html lang="en">' in english and ">Listings</a>" in english and "Very good" in english
    assert "1\u202f234,50\xa0€" in english or "1\xa0234,50\xa0€" in english  # English, euros the French way
    client.post("/account/preferences/", {"time_zone": "America/New_York"})
    assert "2026-11-02 05:00" in _text(client, "/merchant/")
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("en", "America/New_York")


@pytest.mark.parametrize(
    ("form", "code"),
    [({"language": "xx"}, "ACCOUNT_LANGUAGE_INVALID"), ({"time_zone": "Mars/Olympus"}, "ACCOUNT_TIME_ZONE_INVALID")],
)
def test_a_language_or_zone_not_offered_is_refused_and_nothing_changes(client, french_shop, form, code):
    merchant, offer, sub, user = french_shop
    client.force_login(user)
    response = client.post("/account/preferences/", form)
    assert response.status_code == 400 and f'data-code="{code}"' in response.content.decode()
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("", "")


def test_a_german_merchant_works_in_german_and_a_swedish_one_in_english_until_swedish_ships(marketplace):
    Market.objects.create(code="DE", country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
    Market.objects.create(code="SE", country="SE", currency="SEK", language="sv-SE", time_zone="Europe/Stockholm")
    markets_forget()
    german = work_locale(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory(country="DE")))
    assert (german.language, german.locale, german.zone_name) == ("de", "de_DE", "Europe/Berlin")
    swede = work_locale(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory(country="SE")))
    assert (swede.language, swede.locale, swede.zone_name) == ("en", "en_SE", "Europe/Stockholm")


def test_the_operator_uses_the_platform_defaults_until_it_chooses(operator_user):
    place = work_locale(operator_user)
    assert (place.language, place.locale, place.zone_name) == ("en", "en", "UTC")
    operator_user.time_zone = "Europe/Paris"
    assert work_locale(operator_user).zone_name == "Europe/Paris"


def test_a_german_merchant_works_its_listings_and_orders_in_german(client, marketplace):
    Market.objects.create(code="DE", country="DE", currency="EUR", language="de-DE", time_zone="Europe/Berlin")
    markets_forget()
    merchant = MerchantFactory(country="DE")
    ListingMarketFactory(
        market=marketplace.fr, price_minor=123450, listing=ListingFactory(merchant=merchant, grade="VERY_GOOD")
    )
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=merchant))
    listings = _text(client, "/merchant/listings/")
    assert '<html lang="de">' in listings
    assert ">Angebote</a>" in listings and "1.234,50\xa0€" in listings
    assert not CODES.search(listings)
    assert '<html lang="de">' in _text(client, "/merchant/")
