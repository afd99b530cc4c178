import pytest

from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.events.models import OutboxEvent
from remarket.orders.models import Shipment
from remarket.orders.services import suborder_accept, suborder_ship

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_suborder(marketplace, offer):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    return order.suborders.get()


def test_merchant_accepts_then_ships_with_tracking_recorded_once(paid_suborder, merchant_actor):
    sub = suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    assert sub.state == 3 and list(sub.lines.values_list("state", flat=True)) == [2]
    sub = suborder_ship(actor=merchant_actor, suborder_id=sub.pk, tracking_number="6A123456789", carrier="Colissimo")
    sub.refresh_from_db()
    assert sub.state == 9 and sub.order.state == 9 and sub.shipment.tracking_number == "6A123456789"
    with pytest.raises(DomainError) as err:
        suborder_ship(actor=merchant_actor, suborder_id=sub.pk, tracking_number="OTHER", carrier="UPS")
    assert err.value.code == "ORDER_ALREADY_SHIPPED"
    assert Shipment.objects.get().tracking_number == "6A123456789"
    assert OutboxEvent.objects.filter(topic="suborder.shipped").count() == 1


def test_shipping_before_accepting_is_refused(paid_suborder, merchant_actor):
    with pytest.raises(DomainError) as err:
        suborder_ship(actor=merchant_actor, suborder_id=paid_suborder.pk, tracking_number="X1", carrier="UPS")
    assert err.value.code == "ORDER_LINE_TRANSITION_REFUSED"
    assert not Shipment.objects.exists()


def test_accepting_twice_is_refused(paid_suborder, merchant_actor):
    suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    with pytest.raises(DomainError) as err:
        suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    assert err.value.code == "ORDER_LINE_TRANSITION_REFUSED"


def test_tracking_is_required(paid_suborder, merchant_actor):
    suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    with pytest.raises(DomainError) as err:
        suborder_ship(actor=merchant_actor, suborder_id=paid_suborder.pk, tracking_number=" ", carrier="UPS")
    assert err.value.code == "ORDER_TRACKING_REQUIRED"


def test_another_merchant_cannot_see_or_change_the_order(paid_suborder, other_merchant_user):
    other = Actor.of(other_merchant_user)
    for action in (
        lambda: suborder_accept(actor=other, suborder_id=paid_suborder.pk),
        lambda: suborder_ship(actor=other, suborder_id=paid_suborder.pk, tracking_number="X", carrier="Y"),
    ):
        with pytest.raises(DomainError) as err:
            action()
        assert (err.value.code, err.value.status) == ("ORDER_NOT_FOUND", 404)
    paid_suborder.refresh_from_db()
    assert paid_suborder.state == 1


def test_a_customer_cannot_fulfil(paid_suborder):
    with pytest.raises(DomainError) as err:
        suborder_accept(actor=Actor(user_id=None, role="customer"), suborder_id=paid_suborder.pk)
    assert err.value.status == 403


def test_imei_is_checked_and_recorded_once(paid_suborder, merchant_actor):
    from remarket.orders.services import orderline_serials_set

    line = paid_suborder.lines.get()
    suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    with pytest.raises(DomainError) as err:
        suborder_ship(
            actor=merchant_actor,
            suborder_id=paid_suborder.pk,
            tracking_number="T1",
            carrier="UPS",
            serials={line.pk: {"imei": "490154203237519"}},
        )  # wrong check digit
    assert err.value.code == "ORDER_IMEI_INVALID" and not Shipment.objects.exists()
    suborder_ship(
        actor=merchant_actor,
        suborder_id=paid_suborder.pk,
        tracking_number="T1",
        carrier="UPS",
        serials={line.pk: {"imei": "49-015420-323751-8", "serial_number": "F2LXK0ABCD"}},
    )
    line.refresh_from_db()
    assert (line.imei, line.serial_number) == ("490154203237518", "F2LXK0ABCD")
    with pytest.raises(DomainError) as err:
        orderline_serials_set(
            actor=merchant_actor, suborder_id=paid_suborder.pk, serials={line.pk: {"imei": "356938035643809"}}
        )
    assert err.value.code == "ORDER_SERIAL_ALREADY_SET"
    line.refresh_from_db()
    assert line.imei == "490154203237518"


def test_merchant_cancels_a_paid_order_and_the_customer_is_refunded(
    paid_suborder, merchant_actor, django_capture_on_commit_callbacks
):
    from django.db.models import Sum

    from remarket.ledger.models import LedgerEntry
    from remarket.orders.services import orderlines_cancel
    from remarket.payments.gateway import gateway
    from remarket.payments.models import Refund
    from remarket.payments.services import refunds_execute

    refund = orderlines_cancel(actor=merchant_actor, suborder_id=paid_suborder.pk)
    paid_suborder.refresh_from_db()
    assert list(paid_suborder.lines.values_list("state", flat=True)) == [4]
    assert refund.amount_minor == 49900 and refund.status == "pending"
    entries = LedgerEntry.objects.filter(transaction__suborder=paid_suborder)
    assert entries.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert entries.filter(account="merchant_payable").aggregate(s=Sum("amount_minor"))["s"] == 0
    assert refunds_execute() == 1 and refunds_execute() == 0
    intent = paid_suborder.order.payment
    intent.refresh_from_db()
    assert (intent.status, intent.refunded_minor) == ("refunded", 49900)
    assert gateway().lookup(intent_id=intent.pk).status == "refunded"
    assert Refund.objects.get().status == "done"
    with pytest.raises(DomainError) as err:
        orderlines_cancel(actor=merchant_actor, suborder_id=paid_suborder.pk)
    assert err.value.code == "ORDER_LINE_TRANSITION_REFUSED"


def test_a_refund_repeated_after_a_crash_does_not_pay_twice(paid_suborder, merchant_actor):
    from remarket.orders.services import orderlines_cancel
    from remarket.payments.gateway import gateway
    from remarket.payments.models import PaymentIntent, Refund, SandboxCharge
    from remarket.payments.services import refunds_execute

    refund = orderlines_cancel(actor=merchant_actor, suborder_id=paid_suborder.pk)
    ref = PaymentIntent.objects.get(order_id=paid_suborder.order_id).gateway_ref
    gateway().refund(ref=ref, amount_minor=refund.amount_minor, idempotency_key=f"refund-{refund.pk}")  # then a crash
    assert refunds_execute() == 1
    assert SandboxCharge.objects.get(ref=ref).refunded_minor == 49900
    assert Refund.objects.get().status == "done"


def test_the_customer_gets_a_mail_at_each_step(paid_suborder, merchant_actor, mailoutbox):
    from remarket.events.outbox import drain

    suborder_accept(actor=merchant_actor, suborder_id=paid_suborder.pk)
    suborder_ship(actor=merchant_actor, suborder_id=paid_suborder.pk, tracking_number="6A1", carrier="Colissimo")
    drain()
    assert [m.subject for m in mailoutbox] == [  # in the French market's language
        "Votre commande remarket est confirmée",
        "Votre commande est en préparation",
        "Votre appareil est en route",
    ]
    assert all(m.to == ["a@b.fr"] for m in mailoutbox) and "6A1" in mailoutbox[2].body


def test_one_line_of_several_can_be_accepted(marketplace, merchant_actor, offer):
    from ..factories import ListingFactory, ListingMarketFactory

    second = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=offer.listing.merchant))
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id), Item(second.listing_id)],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    sub = order.suborders.get()
    first_line = sub.lines.get(listing_id=offer.listing_id)
    sub = suborder_accept(actor=merchant_actor, suborder_id=sub.pk, line_ids=[first_line.pk])
    assert dict(sub.lines.values_list("listing_id", "state")) == {offer.listing_id: 2, second.listing_id: 1}
    assert sub.state == 1  # a line still waits for the merchant's decision
