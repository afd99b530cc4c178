"""End-to-end: a customer asks for help with a device under warranty from the order page, the seller answers in
its back office, the customer follows the claim and writes to it."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.aftersales.models import WarrantyClaim

from ..aftersales.conftest import PNG, fr_offer, sell_and_ship
from ..conftest import build_marketplace
from ..factories import UserFactory

pytestmark = pytest.mark.e2e


def log_in(page, server: str, path: str, username: str) -> None:
    page.goto(f"{server}{path}")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")


def test_a_customer_claims_the_warranty_and_the_seller_repairs(server, page, tmp_path):
    mp = build_marketplace()
    customer = UserFactory(username="ada", role=Role.CUSTOMER)
    # shipped ten days ago: delivered, well within its 12-month warranty
    sub = sell_and_ship(mp, customer, fr_offer(mp), at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    UserFactory(username="seller", role=Role.MERCHANT, merchant=sub.merchant, language="en")  # reads English
    photo = tmp_path / "screen.png"
    photo.write_bytes(PNG)

    log_in(page, server, f"/login/?next=/fr/orders/{sub.order.public_id}/", "ada")
    page.click("[data-claim-offer]")
    page.select_option('select[name="issue"]', "screen")
    page.fill('textarea[name="problem"]', "Des lignes vertes sur l’écran")
    page.set_input_files('input[name="photos"]', str(photo))
    page.click("text=Envoyer au vendeur")
    page.wait_for_selector('[data-claim-state="open"]')
    assert "En attente de la réponse du vendeur" in page.inner_text("main")
    claim = WarrantyClaim.objects.get()
    assert claim.attachments.count() == 1

    seller = page.context.browser.new_page()
    log_in(seller, server, "/merchant/claims/", "seller")
    seller.click(f'[data-claim="{claim.pk}"] a')
    assert "Des lignes vertes sur l’écran" in seller.inner_text("main")
    seller.select_option('select[name="resolution"]', "repair")
    seller.click("button:text-is('Answer')")
    seller.wait_for_selector('[data-claim-state="repairing"]')

    page.reload()
    page.wait_for_selector('[data-claim-state="repairing"]')
    page.fill('form[action$="/message/"] textarea[name="body"]', "Merci, je l’envoie demain.")
    page.click("form[action$='/message/'] button[type=submit]")
    page.wait_for_selector("text=Merci, je l’envoie demain.")
    claim.refresh_from_db()
    assert claim.state == "repairing" and claim.messages.count() == 2
