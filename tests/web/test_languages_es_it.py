"""The Spanish and Italian stores speak their language: the main pages (home, product, cart, checkout, login, 404)
render from the es / it catalogues, money and dates are written the market's way (babel: "1.234,56 €",
"8 de octubre de 2027" / "8 ottobre 2027"), and the mails of an order placed there arrive in that language."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core import clock
from remarket.events.outbox import drain
from remarket.markets.models import Channel, Market
from remarket.markets.selectors import markets_forget
from remarket.orders.models import Order
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import PAY_OK
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
# a Monday; shipped the same day (as in tests/aftersales): delivered within the week, 12 months of warranty
SOLD_AT = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Store:
    code: str
    language: str
    time_zone: str
    address: dict
    words: dict  # characteristic strings of each page, as the catalogue says them
    warranty_until: str  # the line's warranty end, 8 October 2027, the market's way


SPAIN = Store(
    code="ES",
    language="es-ES",
    time_zone="Europe/Madrid",
    address={
        "first_name": "Lucía",
        "last_name": "García",
        "street": "Calle Mayor 1",
        "postal_code": "28013",
        "city": "Madrid",
        "country": "ES",
        "phone": "612 34 56 78",
    },
    words={
        "home": ["Tecnología reacondicionada", "Vende tu dispositivo", "Iniciar sesión", "Cesta"],
        "product": ["Añadir a la cesta", "Excelente", "Por qué esta oferta"],
        "cart": ["Tu cesta", "Finalizar compra", "Eliminar"],
        "checkout": ["Apellidos", "Número de tarjeta", "Pagar", "IVA incluido"],
        "login": ["Contraseña", "¿Has olvidado tu contraseña?", "Crear una cuenta"],
        "footer": "Dispositivos reacondicionados, clasificados por su estética",
        "paid": "Pagado, ¡gracias!",
        "confirmed": "Tu pedido de remarket está confirmado",
        "thanks": "¡Gracias! Hemos recibido",
        "shipped": "Tu dispositivo está en camino",
        "reset": "Restablece tu contraseña de remarket",
    },
    warranty_until="8 de octubre de 2027",
)

ITALY = Store(
    code="IT",
    language="it-IT",
    time_zone="Europe/Rome",
    address={
        "first_name": "Giulia",
        "last_name": "Rossi",
        "street": "Via del Corso 1",
        "postal_code": "00186",
        "city": "Roma",
        "country": "IT",
        "phone": "312 345 6789",
    },
    words={
        "home": ["Tecnologia ricondizionata", "Vendi il tuo dispositivo", "Accedi", "Carrello"],
        "product": ["Aggiungi al carrello", "Eccellente", "Perché questa offerta"],
        "cart": ["Il tuo carrello", "Rimuovi", "Totale"],
        "checkout": ["Cognome", "Numero della carta", "Paga", "IVA inclusa"],
        "login": ["Password", "Hai dimenticato la password?", "Crea un account"],
        "footer": "Dispositivi ricondizionati, classificati in base all'aspetto",
        "paid": "Pagato, grazie!",
        "confirmed": "Il tuo ordine remarket è confermato",
        "thanks": "Grazie! Abbiamo ricevuto",
        "shipped": "Il tuo dispositivo è in viaggio",
        "reset": "Reimposta la tua password di remarket",
    },
    warranty_until="8 ottobre 2027",
)

STORES = [pytest.param(SPAIN, id="es"), pytest.param(ITALY, id="it")]
PRICE = f"1.234,56{NBSP}€"  # 123456 minor units, as babel writes euros in Spain and in Italy


def _store(marketplace, store: Store):
    market = Market.objects.create(
        code=store.code, country=store.code, currency="EUR", language=store.language, time_zone=store.time_zone
    )
    channel = Channel.objects.create(code=f"web-{store.code.lower()}", kind="web", market=market)
    markets_forget()
    offer = ListingMarketFactory(
        market=market,
        price_minor=123456,
        min_price_minor=None,
        listing=ListingFactory(merchant=MerchantFactory(country=store.code), quantity=5),
    )
    return market, channel, offer


def _html(response, status=200) -> str:
    assert response.status_code == status
    return response.content.decode()


def _speaks(html: str, store: Store, page: str) -> None:
    prefix = store.code.lower()
    assert f'<html lang="{prefix}">' in html
    assert store.words["footer"] in html
    missing = [w for w in store.words.get(page, []) if w not in html]
    assert not missing, f"{page} lacks {missing}"


@pytest.mark.parametrize("store", STORES)
def test_the_main_pages_speak_the_market_language_with_its_money(marketplace, store):
    _, _, offer = _store(marketplace, store)
    site = f"/{store.code.lower()}"
    visitor = Client()

    home = _html(visitor.get(f"{site}/"))
    _speaks(home, store, "home")
    assert PRICE in home and "€1,234.56" not in home

    product = _html(visitor.get(f"{site}/p/{offer.listing.variant.model.slug}/"))
    _speaks(product, store, "product")
    assert PRICE in product

    added = visitor.post(f"{site}/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    assert added.status_code == 302
    cart = _html(visitor.get(f"{site}/cart/"))
    _speaks(cart, store, "cart")
    assert PRICE in cart

    checkout = _html(visitor.get(f"{site}/checkout/"))
    _speaks(checkout, store, "checkout")
    assert PRICE in checkout

    # the account pages follow the country site the visitor chose (its cookie), or the browser's languages
    visitor.cookies["market"] = store.code
    _speaks(_html(visitor.get("/login/")), store, "login")
    browser = _html(Client().get("/login/", HTTP_ACCEPT_LANGUAGE=f"{store.language},en;q=0.5"))
    _speaks(browser, store, "login")

    missing = _html(visitor.get(f"{site}/p/no-such-phone/"), status=404)
    _speaks(missing, store, "404")
    assert store.words["home"][2] in missing  # the header's log-in link


@pytest.mark.parametrize("store", STORES)
def test_an_order_there_is_mailed_and_shown_in_the_market_language(marketplace, store):
    market, _, offer = _store(marketplace, store)
    site = f"/{store.code.lower()}"
    visitor = Client()
    with clock.frozen(SOLD_AT):
        visitor.post(f"{site}/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
        paid = visitor.post(
            f"{site}/checkout/", {**store.address, "email": "comprador@example.com", "card_number": PAY_OK}
        )
        order = Order.objects.get()
        assert paid.status_code == 302 and paid["Location"] == f"{site}/orders/{order.public_id}/"
        assert order.market == market and order.total_minor == 123456  # the device, shipped for free
        drain()
        (confirmation,) = mail.outbox
        assert confirmation.to == ["comprador@example.com"]
        assert confirmation.subject == store.words["confirmed"]
        assert confirmation.body.startswith(store.words["thanks"])

        sub = order.suborders.get()
        merchant = Actor(user_id=None, role=Role.MERCHANT, merchant_id=sub.merchant_id)
        suborder_accept(actor=merchant, suborder_id=sub.pk)
        suborder_ship(actor=merchant, suborder_id=sub.pk, tracking_number="TRK1", carrier="Correos")
        drain()
    subjects = [m.subject for m in mail.outbox]
    assert store.words["shipped"] in subjects and len(subjects) == 3  # confirmed, being prepared, on its way

    page = _html(visitor.get(paid["Location"]))
    assert store.words["paid"] in page
    assert f'<html lang="{store.code.lower()}">' in page
    assert store.warranty_until in page  # under warranty until, in the market's way of writing a date
    assert PRICE in page


@pytest.mark.parametrize("store", STORES)
def test_a_password_reset_asked_on_that_site_is_mailed_in_its_language(client, marketplace, store):
    _store(marketplace, store)
    UserFactory(username="ana@example.com", email="ana@example.com", role=Role.CUSTOMER)
    client.cookies["market"] = store.code.lower()
    page = client.post("/password-reset/", {"email": "ana@example.com"}, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200 and "data-sent" in page.content.decode()
    drain()
    (message,) = mail.outbox
    assert message.to == ["ana@example.com"] and message.subject == store.words["reset"]


@pytest.mark.django_db
def test_the_not_found_page_speaks_the_visitors_language(client):
    page = client.get("/es/no-such-page/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Página no encontrada" in page and ">Inicio</a>" in page
