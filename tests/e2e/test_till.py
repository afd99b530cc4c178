"""The till in Chromium: a clerk scans a shelf unit, takes cash and prints the receipt (page and PDF), then sells
an online offer delivered home; offline, three cash sales are queued and each is made once on reconnect."""

import io

import pytest
from pypdf import PdfReader

from remarket.offers.models import LocationStock
from remarket.orders.models import Order
from remarket.search.services import search_index_rebuild

from ..conftest import PAY_3DS, PAY_DECLINED, PAY_OK, build_marketplace
from ..pos.conftest import ADDRESS_NY, build_till, cash_sale

pytestmark = pytest.mark.e2e


def open_till(page, server: str):
    page.goto(f"{server}/pos/")
    page.fill('input[name="username"]', "clerk")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#till[data-ready]")


def scan(page, code: str) -> None:
    """A keyboard-wedge scanner: the code typed into the focused field, then Enter."""
    page.focus("[data-till-search]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_clerk_scans_takes_cash_prints_the_receipt_then_sells_the_endless_aisle(server, page):
    till = build_till(build_marketplace())
    search_index_rebuild()
    open_till(page, server)

    scan(page, till.shelf.variant.ean)
    page.wait_for_selector(f'[data-till-basket] tr[data-line="{till.shelf.pk}"]')
    page.wait_for_selector("[data-total=total]:has-text('652.16')")
    assert "53.16" in page.inner_text('[data-total="tax"]')  # NYC sales tax, shown before payment
    page.keyboard.press("Alt+c")
    page.keyboard.type("700")
    assert page.inner_text("[data-till-change]") == "$47.84"
    page.keyboard.press("Control+Enter")
    link = page.wait_for_selector("[data-receipt-link]")
    assert "change $47.84" in page.inner_text("[data-till-done]")
    order = Order.objects.get()
    assert (order.state, order.payment.status, LocationStock.objects.get(listing=till.shelf).available) == (
        9,
        "captured",
        2,
    )

    link.click()
    page.wait_for_selector("[data-receipt]")
    receipt = page.inner_text(".receipt")
    assert "$652.16" in receipt and "$47.84" in receipt and "Warranty: 12 months" in receipt
    page.emulate_media(media="print")
    assert not page.is_visible("header.top") and page.is_visible(".receipt")  # the 80 mm print sheet
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("[data-receipt-pdf]")
    with open(download.value.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert order.public_id.hex[:12].upper() in text and "652.16" in text and "until" in text

    page.goto(f"{server}/pos/")
    page.wait_for_selector("#till[data-ready]")
    scan(page, till.online.variant.model.name)
    page.wait_for_selector(f'[data-till-results] button[data-listing="{till.online.pk}"]')
    page.keyboard.press("ArrowDown")
    while page.evaluate("document.activeElement.dataset.listing") != str(till.online.pk):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-till-delivery]:not([hidden])")
    for name, value in ADDRESS_NY.items():
        if name != "country":
            page.fill(f'[data-till-delivery] input[name="{name}"]', value)
    page.fill("[data-till-email]", "walt@example.com")
    page.keyboard.press("Alt+k")
    page.keyboard.type(PAY_OK)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-receipt-link]")
    delivered = Order.objects.exclude(pk=order.pk).get()
    assert (delivered.shipping_address["postal_code"], delivered.payment.status) == ("10012", "captured")
    assert delivered.suborders.get().state == 1  # paid, for its merchant to ship home


def test_offline_three_cash_sales_are_queued_and_each_made_once_on_reconnect(server, page):
    till = build_till(build_marketplace(), shelf_units=4)
    open_till(page, server)
    page.context.set_offline(True)
    page.wait_for_selector('[data-connection="offline"]')
    for _ in range(3):
        scan(page, till.shelf.sku)
        page.wait_for_selector(f'[data-till-basket] tr[data-line="{till.shelf.pk}"]')
        page.fill("[data-till-cash]", "700")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("[data-till-done]:has-text('Queued offline')")
        page.wait_for_selector("[data-till-basket] tr:not([data-line])")  # emptied for the next customer
    page.wait_for_selector("[data-till-queue] li[data-state=queued]:nth-child(3)")
    assert page.inner_text("[data-queue-count]") == "3" and not Order.objects.exists()

    page.context.set_offline(False)
    page.wait_for_selector("[data-till-queue] li[data-state=sent]:nth-child(3)")
    assert page.locator("[data-till-queue] li[data-state=sent]").count() == 3
    orders = list(Order.objects.select_related("payment__cash"))
    assert len(orders) == 3 and all(o.payment.status == "captured" for o in orders)
    assert sorted(o.payment.cash.change_minor for o in orders) == [4784] * 3
    assert LocationStock.objects.get(listing=till.shelf).available == 1
    page.click("[data-till-replay]")  # sent again: nothing more is made
    page.wait_for_timeout(500)
    assert Order.objects.count() == 3


def test_a_queued_sale_whose_unit_was_sold_meanwhile_is_shown_as_a_conflict(server, page):
    till = build_till(build_marketplace(), shelf_units=1)
    open_till(page, server)
    page.context.set_offline(True)
    page.wait_for_selector('[data-connection="offline"]')
    scan(page, till.shelf.sku)
    page.wait_for_selector(f'[data-till-basket] tr[data-line="{till.shelf.pk}"]')
    page.fill("[data-till-cash]", "700")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-till-queue] li[data-state=queued]")
    cash_sale(till)  # the last unit sold meanwhile, at another till of the store
    page.context.set_offline(False)
    conflict = page.wait_for_selector("[data-till-queue] li[data-state=conflict]")
    assert "STOCK_UNAVAILABLE" in conflict.inner_text() and Order.objects.count() == 1
    page.click("[data-discard]")
    page.wait_for_selector("[data-till-queue] li.muted")


@pytest.mark.parametrize("width, columns", [(390, 1), (768, 2)])
def test_the_till_fits_a_phone_and_a_tablet(server, page, width, columns):
    build_till(build_marketplace())
    page.set_viewport_size({"width": width, "height": 900})
    open_till(page, server)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing to scroll sideways
    grid = page.evaluate("getComputedStyle(document.getElementById('till')).gridTemplateColumns")
    assert len(grid.split()) == columns
    box = page.locator("[data-till-pay]").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= width


def test_a_declined_card_keeps_the_basket_and_a_card_asking_for_confirmation_is_confirmed(server, page):
    till = build_till(build_marketplace())
    open_till(page, server)
    scan(page, till.shelf.variant.ean)
    scan(page, till.shelf.variant.ean)  # the same unit scanned again at once, inside the first lookup: two units
    page.wait_for_selector(f'[data-till-basket] tr[data-line="{till.shelf.pk}"] [data-qty]:has-text("2")')
    page.keyboard.press("Alt+k")
    page.keyboard.type(PAY_DECLINED)
    page.keyboard.press("Control+Enter")
    error = page.wait_for_selector("[data-till-error]:not([hidden])")
    assert "declined" in error.inner_text()
    assert page.inner_text(f'[data-till-basket] tr[data-line="{till.shelf.pk}"] [data-qty]') == "2"
    assert LocationStock.objects.get(listing=till.shelf).available == 3  # the units are back on the shelf

    page.fill("[data-till-card]", PAY_3DS)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-till-confirm]:not([hidden])")
    page.keyboard.press("Enter")  # the focus is on "Customer confirmed"
    page.wait_for_selector("[data-receipt-link]")
    paid = Order.objects.get(payment__status="captured")
    assert (paid.total_minor, LocationStock.objects.get(listing=till.shelf).available) == (130432, 1)


def test_the_clerk_sells_an_endless_aisle_offer_for_collection_here_and_the_customer_collects_it(server, page):
    """Click & collect from the till: the online offer ships free to this store, the clerk marks the parcel
    received on the parcels page and hands it over to the code the customer was given."""
    from remarket.accounts.models import Role
    from remarket.accounts.permissions import Actor
    from remarket.orders.models import Pickup
    from remarket.orders.pickups import pickup_code
    from remarket.orders.services import suborder_accept, suborder_ship

    from ..factories import UserFactory

    till = build_till(build_marketplace())
    search_index_rebuild()
    open_till(page, server)
    scan(page, till.online.variant.model.name)
    page.wait_for_selector(f'[data-till-results] button[data-listing="{till.online.pk}"]')
    page.click(f'[data-till-results] button[data-listing="{till.online.pk}"]')
    page.wait_for_selector("[data-till-delivery]:not([hidden])")
    page.check('[data-till-mode][value="here"]')
    assert not page.is_visible('[data-till-delivery] input[name="street"]')  # no home address to type
    for name in ("first_name", "last_name", "phone"):
        page.fill(f'[data-till-delivery] input[name="{name}"]', ADDRESS_NY[name])
    page.fill("[data-till-email]", "walt@example.com")
    page.wait_for_selector("[data-total=total]:has-text('488.85')")  # $449.00 and NYC's tax, shipping free
    page.keyboard.press("Alt+c")
    page.keyboard.type("500")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-receipt-link]")
    order = Order.objects.get()
    assert (order.pickup_location_id, order.payment.status) == (till.nyc.pk, "captured")
    pickup = Pickup.objects.get(suborder__order=order)

    sub = pickup.suborder
    merchant = Actor.of(UserFactory(role=Role.MERCHANT, merchant=sub.merchant))
    suborder_accept(actor=merchant, suborder_id=sub.pk)
    suborder_ship(actor=merchant, suborder_id=sub.pk, tracking_number="1Z999AA10123456784", carrier="UPS")
    page.goto(f"{server}/pos/pickups/")
    page.click(f'[data-pickup="{pickup.pk}"] button[type=submit]')
    page.wait_for_selector(f'[data-pickup="{pickup.pk}"]:has-text("Ready for pickup")')
    page.fill("input[data-pickup-code-field]", pickup_code(Pickup.objects.get(pk=pickup.pk)))
    page.press("input[data-pickup-code-field]", "Enter")
    page.wait_for_selector(f'[data-pickup="{pickup.pk}"]:has-text("Collected")')
    assert Pickup.objects.get(pk=pickup.pk).state == "collected"
