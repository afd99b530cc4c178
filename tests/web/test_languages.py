"""Each country site speaks the shipped language its market's BCP 47 tag names (core/i18n.py), pages and mails
alike, Django's own words from Django's catalogues; a market whose language we do not ship is English."""

import pytest
from django.core import mail
from django.test import Client

from remarket.core.i18n import site_language
from remarket.events.outbox import drain
from remarket.markets.models import Channel, Market
from remarket.markets.selectors import markets_forget
from remarket.orders.models import Order

from ..conftest import PAY_OK
from ..factories import ListingFactory, ListingMarketFactory

ADDRESS_DE = {
    "first_name": "Clara",
    "last_name": "Schumann",
    "street": "Unter den Linden 5",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
    "phone": "030 1234567",
}


@pytest.mark.parametrize(
    "tag, language",
    [
        ("de-DE", "de"),
        ("de-AT", "de"),
        ("nl-NL", "nl"),
        ("nl-BE", "nl"),
        ("fr-BE", "fr"),
        ("FR-fr", "fr"),
        ("en-GB", "en"),
        ("sv-SE", "en"),  # not shipped: English, not Swedish
        ("ja-JP", "en"),
        ("", "en"),
        ("not a tag", "en"),
    ],
)
def test_a_markets_tag_names_a_shipped_language_or_english(tag, language):
    assert site_language(tag) == language


def _site(code: str, language: str) -> Market:
    market = Market.objects.create(
        code=code, country=code, currency="EUR", language=language, time_zone="Europe/Berlin"
    )
    Channel.objects.create(code=f"web-{code.lower()}", kind="web", market=market)
    markets_forget()
    return market


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, language, lang, words, english",
    [
        ("DE", "de-DE", "de", ["Warenkorb", "Gerät verkaufen", "In den Warenkorb", "Hervorragend"], "Add to cart"),
        ("NL", "nl-NL", "nl", ["Winkelmandje", "Verkoop je toestel", "In winkelmandje", "Uitstekend"], "Add to cart"),
        ("SE", "sv-SE", "en", ["Cart", "Sell your device", "Add to cart", "Excellent"], "Warenkorb"),
    ],
)
def test_a_country_site_speaks_its_markets_language(marketplace, code, language, lang, words, english):
    market = _site(code, language)
    offer = ListingMarketFactory(market=market, listing=ListingFactory(quantity=3))
    home = Client().get(f"/{code.lower()}/")
    product = Client().get(f"/{code.lower()}/p/{offer.listing.variant.model.slug}/")
    assert home.status_code == product.status_code == 200
    pages = home.content.decode() + product.content.decode()
    assert f'<html lang="{lang}">' in pages
    assert all(word in pages for word in words), [word for word in words if word not in pages]
    assert english not in pages


@pytest.mark.django_db
@pytest.mark.parametrize("language, username", [("de", "Benutzername"), ("nl", "Gebruikersnaam")])
def test_djangos_own_words_come_from_djangos_catalogues(language, username):
    """The admin's login page, in the browser's language now that it is shipped (LocaleMiddleware)."""
    page = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert username in page and f'lang="{language}"' in page


@pytest.mark.django_db
def test_a_german_orders_mails_are_german(marketplace):
    """Mails go through the outbox, sent by the worker in the order's market's language, whatever language the
    worker's thread was left in."""
    market = _site("DE", "de-DE")
    offer = ListingMarketFactory(market=market, listing=ListingFactory(quantity=3))
    shopper = Client()
    shopper.post("/de/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    response = shopper.post("/de/checkout/", {**ADDRESS_DE, "email": "clara@example.com", "card_number": PAY_OK})
    order = Order.objects.get()
    assert response.status_code == 302 and order.payment.status == "captured"
    mail.outbox.clear()
    drain()
    confirmation = next(m for m in mail.outbox if m.to == ["clara@example.com"])
    assert confirmation.subject == "Ihre remarket-Bestellung ist bestätigt"
    assert "Vielen Dank!" in confirmation.body and "Ihre Bestellung" in confirmation.body


def test_only_site_language_turns_a_tag_into_a_language():
    """A market's tag becomes a language in core/i18n.py only: `market.language.split("-")[0]` elsewhere would
    speak Swedish Django words again under `lang="sv"`. The walk names the file and line of a second copy."""
    import ast
    from pathlib import Path

    import remarket

    root = Path(remarket.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"split", "partition"}
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "language"
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not found, f"a language tag cut by hand (use core/i18n.py site_language): {found}"
