"""The till's sale service: shelf units and online offers, cash and card, one sale per client id, returns."""

import datetime as dt
import io
import uuid

import pytest
from pypdf import PdfReader

from remarket.checkout.counter import (
    CounterLine,
    counter_quote,
    counter_return,
    counter_sale,
    counter_sale_confirm,
    counter_sale_get,
)
from remarket.checkout.receipts import receipt_of, receipt_pdf
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.models import IdempotencyKey
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import Listing, LocationStock
from remarket.orders.models import Order, OrderLine, Shipment
from remarket.payments.models import CashTender, PaymentIntent, Refund
from remarket.payments.services import refunds_execute

from ..conftest import PAY_3DS, PAY_DECLINED, PAY_OK
from .conftest import ADDRESS_NY, cash_sale

NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def shelf_left(till, location=None) -> int:
    return LocationStock.objects.get(location=location or till.nyc, listing=till.shelf).available


def test_the_quote_shows_new_york_sales_tax_on_top_before_payment(till):
    quote = counter_quote(actor=till.actor, lines=[CounterLine(till.shelf.pk, 2)])
    # 2 × $599.00 = $1,198.00, NYC 8.875 % = $106.32 on top
    assert (quote.goods_minor, quote.tax_minor, quote.total_minor, quote.tax_included) == (119800, 10632, 130432, False)
    assert quote.rates == ("US-NY-NYC 8.875 %",)


def test_a_cash_sale_is_paid_handed_over_posted_and_gives_change(till):
    with clock.frozen(NOW):
        sale = cash_sale(till, given_minor=70000)
    order = sale.order
    assert (sale.status, sale.created, order.state, order.total_minor) == ("paid", True, 9, 65216)
    assert shelf_left(till) == 2 and Listing.objects.get(pk=till.shelf.pk).quantity == 0
    assert OrderLine.objects.get(suborder__order=order).state == 3  # handed over: shipped
    assert Shipment.objects.get(suborder__order=order).carrier == "handed over in store"
    tender = CashTender.objects.get()
    assert (tender.given_minor, tender.change_minor, tender.clerk_id) == (70000, 4784, till.clerk.pk)
    assert PaymentIntent.objects.get().gateway_ref == f"cash-{order.payment.pk}"
    (sale_tx,) = LedgerTransaction.objects.filter(kind="sale", order=order)
    entries = list(sale_tx.entries.values_list("amount_minor", flat=True))
    assert sum(entries) == 0 and max(entries) == 65216  # the customer's payment, balanced to the cent


def test_cash_short_of_the_total_is_refused_and_changes_nothing(till):
    with pytest.raises(DomainError) as err:
        cash_sale(till, given_minor=65215)
    assert err.value.code == "PAYMENT_CASH_SHORT"
    assert (Order.objects.count(), shelf_left(till), IdempotencyKey.objects.count()) == (0, 3, 0)


def test_the_same_sale_id_sent_again_makes_one_sale(till):
    sale_id = uuid.uuid4()
    first = cash_sale(till, sale_id=sale_id)
    again = cash_sale(till, sale_id=sale_id)
    assert (again.order.pk, again.created, again.status) == (first.order.pk, False, "paid")
    assert (Order.objects.count(), shelf_left(till), CashTender.objects.count()) == (1, 2, 1)


def test_the_same_sale_id_with_another_body_is_refused_and_changes_nothing(till):
    sale_id = uuid.uuid4()
    cash_sale(till, sale_id=sale_id)
    with pytest.raises(DomainError) as err:
        cash_sale(till, sale_id=sale_id, units=2, given_minor=200000)
    assert (err.value.code, err.value.status) == ("IDEMPOTENCY_KEY_REUSED", 422)
    assert (Order.objects.count(), shelf_left(till), CashTender.objects.count()) == (1, 2, 1)


def test_a_unit_sold_meanwhile_is_a_conflict_and_changes_nothing(till):
    cash_sale(till, units=3, given_minor=300000)
    with pytest.raises(DomainError) as err:
        cash_sale(till)
    assert err.value.code == "STOCK_UNAVAILABLE"
    assert (Order.objects.count(), shelf_left(till), IdempotencyKey.objects.count()) == (1, 0, 1)


def test_a_declined_card_sells_nothing_and_puts_the_units_back(till):
    sale = counter_sale(
        actor=till.actor,
        sale_id=uuid.uuid4(),
        lines=[CounterLine(till.shelf.pk)],
        tender="card",
        card_number=PAY_DECLINED,
    )
    assert (sale.status, sale.order.state, shelf_left(till)) == ("declined", 8, 3)
    assert not Shipment.objects.exists()


def test_a_card_that_asks_for_confirmation_waits_then_is_confirmed(till):
    sale = counter_sale(
        actor=till.actor,
        sale_id=uuid.uuid4(),
        lines=[CounterLine(till.shelf.pk)],
        tender="card",
        card_number=PAY_3DS,
    )
    assert (sale.status, shelf_left(till), Shipment.objects.count()) == ("requires_action", 2, 0)
    done = counter_sale_confirm(actor=till.actor, order_id=sale.order.public_id, success=True)
    assert (done.status, done.order.state, Shipment.objects.count()) == ("paid", 9, 1)


def test_a_card_confirmation_cancelled_puts_the_unit_back(till):
    sale = counter_sale(
        actor=till.actor,
        sale_id=uuid.uuid4(),
        lines=[CounterLine(till.shelf.pk)],
        tender="card",
        card_number=PAY_3DS,
    )
    done = counter_sale_confirm(actor=till.actor, order_id=sale.order.public_id, success=False)
    assert (done.status, shelf_left(till)) == ("declined", 3)


def test_an_endless_aisle_offer_is_delivered_home_with_shelf_units_in_one_basket(till):
    lines = [CounterLine(till.shelf.pk), CounterLine(till.online.pk, shelf=False)]
    with pytest.raises(DomainError) as err:
        counter_sale(actor=till.actor, sale_id=uuid.uuid4(), lines=lines, tender="card", card_number=PAY_OK)
    assert err.value.code == "POS_DELIVERY_ADDRESS_REQUIRED" and not Order.objects.exists()
    sale = counter_sale(
        actor=till.actor,
        sale_id=uuid.uuid4(),
        lines=lines,
        tender="card",
        card_number=PAY_OK,
        email="walt@example.com",
        delivery_address=ADDRESS_NY,
    )
    order = sale.order
    assert (sale.status, order.shipping_address["postal_code"], order.location_id) == ("paid", "10012", till.nyc.pk)
    assert shelf_left(till) == 2 and Listing.objects.get(pk=till.online.pk).quantity == 49
    states = {s.merchant_id: s.state for s in order.suborders.all()}
    # the shelf unit left with the customer; the online offer waits for its merchant to ship it
    assert states == {till.shelf.merchant_id: 9, till.online.merchant_id: 1}
    assert order.total_minor == counter_quote(actor=till.actor, lines=lines, delivery_address=ADDRESS_NY).total_minor


def test_an_endless_aisle_offer_collected_here_ships_free_to_the_store_and_is_collected_with_its_code(till):
    """Click & collect from the till: the shelf unit leaves at once; the online offer is shipped by its merchant
    to this store, received by the clerk and collected by the customer with the pickup code."""
    from remarket.accounts.models import Role
    from remarket.accounts.permissions import Actor
    from remarket.orders.models import Pickup
    from remarket.orders.pickups import pickup_code, pickup_collect, pickup_receive
    from remarket.orders.services import suborder_accept, suborder_ship

    from ..factories import UserFactory

    lines = [CounterLine(till.shelf.pk), CounterLine(till.online.pk, shelf=False)]
    from remarket.markets.locator import locator_forget

    contact = {"first_name": "Walt", "last_name": "Whitman", "phone": "(212) 736-5000", "country": "US"}
    type(till.nyc).objects.filter(pk=till.nyc.pk).update(service_pickup=False)
    locator_forget()
    with pytest.raises(DomainError) as err:  # the store takes no parcels for collection
        counter_sale(
            actor=till.actor,
            sale_id=uuid.uuid4(),
            lines=lines,
            tender="cash",
            cash_given_minor=200000,
            delivery_address=contact,
            collect_here=True,
        )
    assert err.value.code == "PICKUP_LOCATION_UNAVAILABLE" and not Order.objects.exists()
    assert shelf_left(till) == 3
    type(till.nyc).objects.filter(pk=till.nyc.pk).update(service_pickup=True)
    locator_forget()
    quote = counter_quote(actor=till.actor, lines=lines, delivery_address=contact, collect_here=True)
    sale = counter_sale(
        actor=till.actor,
        sale_id=uuid.uuid4(),
        lines=lines,
        tender="cash",
        cash_given_minor=200000,
        email="walt@example.com",
        delivery_address=contact,
        collect_here=True,
    )
    order = sale.order
    assert (sale.status, order.total_minor, order.pickup_location_id) == ("paid", quote.total_minor, till.nyc.pk)
    online_sub = order.suborders.get(merchant_id=till.online.merchant_id)
    assert online_sub.shipping_minor == 0 and order.shipping_address["postal_code"] == till.nyc.postcode
    (pickup,) = Pickup.objects.filter(suborder__order=order)  # the shelf unit's sub-order is not collected
    assert pickup.suborder_id == online_sub.pk and pickup.location_id == till.nyc.pk
    assert order.suborders.get(merchant_id=till.shelf.merchant_id).state == 9  # handed over at the counter
    merchant = Actor.of(UserFactory(role=Role.MERCHANT, merchant=online_sub.merchant))
    suborder_accept(actor=merchant, suborder_id=online_sub.pk)
    suborder_ship(actor=merchant, suborder_id=online_sub.pk, tracking_number="1Z999", carrier="UPS")
    pickup_receive(actor=till.actor, pickup_id=pickup.pk)
    collected = pickup_collect(actor=till.actor, code=pickup_code(Pickup.objects.get(pk=pickup.pk)))
    assert collected.state == Pickup.State.COLLECTED


def test_a_clerk_sells_nothing_from_another_stores_shelf_and_sees_none_of_its_sales(till):
    with pytest.raises(DomainError) as err:
        counter_sale(
            actor=till.actor,
            sale_id=uuid.uuid4(),
            lines=[CounterLine(till.other_shelf.pk)],
            tender="cash",
            cash_given_minor=100000,
        )
    assert err.value.code == "STOCK_UNAVAILABLE"
    assert LocationStock.objects.get(location=till.other, listing=till.other_shelf).available == 2
    mine = cash_sale(till).order
    with pytest.raises(DomainError) as err:
        counter_sale_get(actor=till.other_actor, order_id=mine.public_id)
    assert err.value.code == "POS_SALE_NOT_FOUND"
    with pytest.raises(DomainError):
        counter_return(
            actor=till.other_actor,
            order_id=mine.public_id,
            line_ids=[OrderLine.objects.get(suborder__order=mine).pk],
        )
    assert OrderLine.objects.get(suborder__order=mine).state == 3


def test_a_cash_sale_returned_within_the_window_is_paid_back_from_the_till(till):
    with clock.frozen(NOW):
        order = cash_sale(till).order
    line = OrderLine.objects.get(suborder__order=order)
    with clock.frozen(NOW + dt.timedelta(days=30)):
        (refund,) = counter_return(actor=till.actor, order_id=order.public_id, line_ids=[line.pk])
    assert refunds_execute() == 1  # what runs after the commit: paid back from the till, no gateway call
    refund.refresh_from_db()
    line.refresh_from_db()
    assert (refund.amount_minor, refund.status, line.state) == (65216, Refund.Status.DONE, 6)
    assert PaymentIntent.objects.get().status == PaymentIntent.Status.REFUNDED
    assert LedgerTransaction.objects.filter(kind="refund", order=order).count() == 1


def test_a_return_after_the_window_is_refused_and_changes_nothing(till):
    with clock.frozen(NOW):
        order = cash_sale(till).order
    line = OrderLine.objects.get(suborder__order=order)
    with clock.frozen(NOW + dt.timedelta(days=32)), pytest.raises(DomainError) as err:
        counter_return(actor=till.actor, order_id=order.public_id, line_ids=[line.pk])
    assert err.value.code == "POS_RETURN_WINDOW_OVER"
    line.refresh_from_db()
    assert (line.state, Refund.objects.count()) == (3, 0)


def test_the_receipt_carries_the_legal_mentions_and_its_pdf_parses(till):
    with clock.frozen(NOW):
        order = cash_sale(till, given_minor=70000).order
    receipt = receipt_of(order=counter_sale_get(actor=till.actor, order_id=order.public_id))
    assert (receipt.totals.total_minor, receipt.change_minor, receipt.return_until) == (
        65216,
        4784,
        dt.date(2026, 12, 2),
    )
    assert [l.seller for l in receipt.lines] == ["remarket"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt_pdf(receipt=receipt))).pages)
    for expected in (
        "remarket New York",
        order.public_id.hex[:12].upper(),
        "652.16",
        "47.84",
        "Warranty: 12 months",
        "until 2026-12-02",
        "Sales tax US-NY-NYC 8.875%",
    ):
        assert expected in text, expected
