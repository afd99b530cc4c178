"""The rules of a merchant's fulfilment request (orders/services.py `fulfilment_check`, `suborder_fulfil`,
`orderline_serials_record`), through the services, as the seller contract and any back-office form use them."""

import pytest

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.orders.models import OrderLine, Shipment
from remarket.orders.services import Fulfilment, fulfilment_check, orderline_serials_record, suborder_fulfil
from remarket.orders.states import LineState

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory

pytestmark = pytest.mark.django_db


def _paid(marketplace, *listing_ids: int):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(pk) for pk in listing_ids],
        email="a@b.fr",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    return order.suborders.get()


@pytest.fixture
def two_skus(marketplace, offer):
    second = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=offer.listing.merchant))
    return _paid(marketplace, offer.listing_id, second.listing_id), offer.listing, second.listing


def _states(sub) -> dict[str, int]:
    return dict(OrderLine.objects.filter(suborder=sub).values_list("sku", "state"))


def _refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as err:
        action()
    assert err.value.code == code
    return err.value


# ---- fulfilment_check: what a request may ask, before any order is read -------------------------------------


def test_a_request_is_normalized_and_its_vat_type_named_as_the_scheme():
    change = fulfilment_check(new_state=3, tracking_number=" 6A1 ", carrier=" UPS ", vat_type="marginal")
    assert change == Fulfilment(new_state=3, tracking_number="6A1", carrier="UPS", vat_scheme="margin")
    assert fulfilment_check(new_state=2, vat_type="REGULAR").vat_scheme == "standard"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"new_state": 11}, "ORDER_STATE_INVALID", "new_state"),
        ({"tracking_number": "X" * 201}, "ORDER_FIELD_TOO_LONG", "tracking_number"),
        ({"carrier": "S" * 201}, "ORDER_FIELD_TOO_LONG", "shipper"),  # named as the caller names it
        ({"tracking_url": "https://t.example/" + "x" * 300}, "ORDER_FIELD_TOO_LONG", "tracking_url"),
        ({"tracking_url": "javascript:alert(1)"}, "ORDER_TRACKING_URL_INVALID", "tracking_url"),
        ({"serial_number": "S" * 51}, "ORDER_FIELD_TOO_LONG", "serial_number"),
        ({"vat_type": "REDUCED"}, "ORDER_VAT_TYPE_INVALID", "vat_type"),
    ],
)
def test_a_request_out_of_bounds_is_refused_with_its_field(fields, code, field):
    err = _refused(code, lambda: fulfilment_check(**{"new_state": 3, **fields}, names={"carrier": "shipper"}))
    assert err.details["field"] == field


def test_a_field_at_its_length_is_accepted():
    change = fulfilment_check(new_state=3, tracking_number="X" * 200, carrier="S" * 200, serial_number="S" * 50)
    assert (len(change.tracking_number), len(change.carrier), len(change.serial_number)) == (200, 200, 50)


# ---- suborder_fulfil: what may happen to an order --------------------------------------------------------------


def test_acceptance_is_not_partial_while_another_sku_waits(two_skus, merchant_actor):
    sub, first, second = two_skus
    err = _refused(
        "ORDER_ACCEPT_PARTIAL_UNSUPPORTED",
        lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2, sku=first.sku)),
    )
    assert err.details["waiting_skus"] == [second.sku]
    assert _states(sub) == {first.sku: LineState.PAID, second.sku: LineState.PAID}


def test_accepting_one_sku_once_the_other_is_cancelled(two_skus, merchant_actor):
    sub, first, second = two_skus
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(4, sku=second.sku.upper()))
    sub = suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2, sku=first.sku))
    assert _states(sub) == {first.sku: LineState.ACCEPTED, second.sku: LineState.CANCELLED}
    assert sub.state == 3  # returned in its new state


def test_without_sku_every_waiting_line_is_accepted(two_skus, merchant_actor):
    sub, first, second = two_skus
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2))
    assert _states(sub) == {first.sku: LineState.ACCEPTED, second.sku: LineState.ACCEPTED}


@pytest.mark.parametrize("state", [LineState.PAID, LineState.NEW, 7])
def test_a_state_the_merchant_does_not_set_is_refused(two_skus, merchant_actor, state):
    sub, first, second = two_skus
    _refused(
        "ORDER_STATE_NOT_SETTABLE",
        lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(state)),
    )
    assert set(_states(sub).values()) == {LineState.PAID}


def test_an_unknown_sku_is_404(two_skus, merchant_actor):
    sub, *_ = two_skus
    err = _refused(
        "ORDER_LINE_NOT_FOUND",
        lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2, sku="NOPE")),
    )
    assert err.status == 404


def test_shipping_needs_every_line_accepted_first(two_skus, merchant_actor):
    sub, *_ = two_skus
    change = Fulfilment(3, tracking_number="6A1", carrier="UPS")
    _refused(
        "ORDER_LINE_TRANSITION_REFUSED",
        lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=change),
    )
    assert not Shipment.objects.exists()


def test_a_serial_goes_with_shipping_only_for_one_unit(two_skus, merchant_actor):
    sub, *_ = two_skus
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2))
    change = Fulfilment(3, tracking_number="6A1", carrier="UPS", serial_number="F2LX")
    err = _refused(
        "ORDER_SERIAL_AMBIGUOUS", lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=change)
    )
    assert err.details == {"field": "serial_number"}
    assert not Shipment.objects.exists() and not OrderLine.objects.exclude(serial_number="").exists()


def test_shipping_one_unit_records_its_serial_and_defaults_to_the_chosen_carrier(marketplace, offer, merchant_actor):
    sub = _paid(marketplace, offer.listing_id)
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2))
    change = Fulfilment(3, tracking_number="6A1", serial_number="F2LX")
    sub = suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=change)
    assert sub.state == 9 and sub.lines.get().serial_number == "F2LX"
    assert Shipment.objects.get().carrier == sub.shipping_carrier


def test_refunding_without_sku_gives_back_the_lines_in_the_state_it_applies_to(two_skus, merchant_actor):
    sub, first, second = two_skus
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(4, sku=second.sku))
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(2))
    suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=Fulfilment(5))
    assert _states(sub) == {first.sku: LineState.REFUNDED_BEFORE_SHIPPING, second.sku: LineState.CANCELLED}


def test_a_refused_move_leaves_the_vat_scheme_as_it_was(two_skus, merchant_actor):
    sub, *_ = two_skus
    taxes = list(OrderLine.objects.filter(suborder=sub).values_list("tax_scheme", "tax_minor"))
    change = Fulfilment(3, tracking_number="6A1", carrier="UPS", vat_scheme="standard")
    _refused(
        "ORDER_LINE_TRANSITION_REFUSED",
        lambda: suborder_fulfil(actor=merchant_actor, suborder_id=sub.pk, change=change),
    )
    assert list(OrderLine.objects.filter(suborder=sub).values_list("tax_scheme", "tax_minor")) == taxes


def test_another_merchant_gets_404_and_changes_nothing(two_skus, other_merchant_user):
    from remarket.accounts.permissions import Actor

    sub, *_ = two_skus
    err = _refused(
        "ORDER_NOT_FOUND",
        lambda: suborder_fulfil(actor=Actor.of(other_merchant_user), suborder_id=sub.pk, change=Fulfilment(2)),
    )
    assert err.status == 404 and set(_states(sub).values()) == {LineState.PAID}


# ---- orderline_serials_record ----------------------------------------------------------------------------------


def test_a_serial_is_recorded_once_and_the_same_one_again_changes_nothing(marketplace, offer, merchant_actor):
    line = _paid(marketplace, offer.listing_id).lines.get()
    assert orderline_serials_record(actor=merchant_actor, orderline_id=line.pk, serial_number="F2LX").serial_number
    assert orderline_serials_record(actor=merchant_actor, orderline_id=line.pk, serial_number=" F2LX ").pk == line.pk
    _refused(
        "ORDER_SERIAL_ALREADY_SET",
        lambda: orderline_serials_record(actor=merchant_actor, orderline_id=line.pk, serial_number="OTHER"),
    )
    line.refresh_from_db()
    assert line.serial_number == "F2LX"


def test_a_serial_request_needs_something_to_record_and_a_line_of_ones_own(marketplace, offer, merchant_actor):
    from remarket.accounts.permissions import Actor

    from ..factories import UserFactory

    line = _paid(marketplace, offer.listing_id).lines.get()
    _refused("ORDER_SERIAL_MISSING", lambda: orderline_serials_record(actor=merchant_actor, orderline_id=line.pk))
    _refused(
        "ORDER_FIELD_TOO_LONG",
        lambda: orderline_serials_record(actor=merchant_actor, orderline_id=line.pk, serial_number="S" * 51),
    )
    stranger = Actor.of(UserFactory(role="merchant", merchant=ListingFactory().merchant))
    _refused(
        "ORDER_LINE_NOT_FOUND",
        lambda: orderline_serials_record(actor=stranger, orderline_id=line.pk, serial_number="F2LX"),
    )
    line.refresh_from_db()
    assert line.serial_number == ""
