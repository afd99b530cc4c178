"""Trade-in in Chromium: a customer sells a phone on the French site (questionnaire, quote, identity, label) and
the merchant validates it; at the New York store a clerk buys an old phone on the spot and its credit pays part of
a refurbished one at the till."""

import pytest

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.buyback.listings import buyback_listing_publish
from remarket.buyback.models import TradeIn, TradeInCredit
from remarket.ledger.models import LedgerTransaction
from remarket.orders.models import Order
from remarket.search.services import search_index_rebuild

from ..buyback.conftest import IDENTITY
from ..conftest import build_marketplace
from ..factories import MerchantFactory, UserFactory, VariantFactory
from ..pos.conftest import build_till
from .test_till import open_till, scan

pytestmark = pytest.mark.e2e
ANSWERS = {"turns_on": "yes", "functional": "yes", "screen": "flawless", "body": "visible", "battery": "good"}


def _answer(page, variant_pk: int, answers: dict) -> None:
    page.select_option("[data-tradein-variant]", str(variant_pk))
    for name, value in answers.items():
        page.check(f'input[name="{name}"][value="{value}"]')


def _identity(page, identity: dict) -> None:
    page.fill('input[name="first_name"]', identity["first_name"])
    page.fill('input[name="last_name"]', identity["last_name"])
    page.fill('input[name="birth_date"]', identity["birth_date"])
    page.fill('input[name="street"]', identity["address"]["street"])
    page.fill('input[name="postcode"]', identity["address"]["postcode"])
    page.fill('input[name="town"]', identity["address"]["town"])


def test_a_customer_sells_a_phone_online_and_the_merchant_pays_it(server, page):
    build_marketplace()
    merchant = MerchantFactory()
    staff = UserFactory(username="seller", role=Role.MERCHANT, merchant=merchant, language="en")  # reads English
    variant = VariantFactory()
    buyback_listing_publish(actor=Actor.of(staff), variant_id=variant.pk, grade="GOLD", prices={"FR": (18000, "EUR")})
    UserFactory(username="camille", email="camille@example.com")

    page.goto(f"{server}/login/?next=/fr/trade-in/")
    page.fill('input[name="username"]', "camille")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    _answer(page, variant.pk, ANSWERS)
    page.click("text=Obtenir mon offre")
    page.wait_for_selector('[data-quote="18000"]')
    _identity(page, IDENTITY)
    page.click("text=Accepter l’offre")
    page.wait_for_selector('[data-status="TO_SEND"]')
    t = TradeIn.objects.get()
    assert t.label_reference in page.inner_text("main")
    page.click("text=Je l’ai envoyé")
    page.wait_for_selector('[data-status="SENT"]')

    page.context.clear_cookies()
    page.goto(f"{server}/merchant/trade-ins/")
    page.fill('input[name="username"]', "seller")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    page.click(f'[data-tradein="{t.reference}"] button:has-text("Received")')
    page.click(f'[data-tradein="{t.reference}"] button:has-text("Validate and pay")')
    page.wait_for_selector(f'[data-tradein="{t.reference}"] [data-status="PAID"]')
    assert LedgerTransaction.objects.filter(kind="tradein_payout").count() == 1


def test_a_clerk_buys_an_old_phone_and_its_credit_pays_at_the_till(server, page):
    till = build_till(build_marketplace())
    till.nyc.service_trade_in = True
    till.nyc.save()
    buyer = MerchantFactory(country="US")
    old = VariantFactory()
    buyback_listing_publish(
        actor=Actor.of(UserFactory(role=Role.MERCHANT, merchant=buyer)),
        variant_id=old.pk,
        grade="GOLD",
        prices={"US": (20000, "USD")},
    )
    search_index_rebuild()
    open_till(page, server)

    page.goto(f"{server}/pos/trade-in/")
    _answer(page, old.pk, ANSWERS)
    page.click("text=Get the best offer")
    page.wait_for_selector('[data-quote="20000"]')
    _identity(
        page,
        {
            "first_name": "Walt",
            "last_name": "Whitman",
            "birth_date": "1969-05-31",
            "address": {"street": "328 Mickle St", "postcode": "10012", "town": "New York"},
        },
    )
    page.click("text=Buy the device and make the credit")
    code = page.inner_text("[data-credit-code]")
    assert code == TradeInCredit.objects.get().code

    page.click("text=To the till")
    page.wait_for_selector("#till[data-ready]")
    scan(page, till.shelf.variant.ean)
    page.wait_for_selector("[data-total=total]:has-text('652.16')")
    page.check('[data-till-tender][value="trade_in"]')
    page.fill("[data-till-credit]", code)
    page.fill("[data-till-credit-cash]", "500")
    page.click("[data-till-pay]")
    page.wait_for_selector("[data-receipt-link]")
    order = Order.objects.get()
    assert order.payment.status == "captured" and order.payment.cash.change_minor == 50000 - (65216 - 20000)
    assert TradeInCredit.objects.get().used_order_id == order.pk
