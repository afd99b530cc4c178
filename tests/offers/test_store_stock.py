"""Store stock: every move through the one service (or the checkout's counter path) is a movement row, so per
location and listing the units received minus the units moved out are what is on hand — over random sequences
of receipts, transfers, returns to the merchant, adjustments and counter sales paid or declined; a move of more
than is on hand is refused with a stable code and changes nothing; a clerk moves units only at their location."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.markets.models import Location
from remarket.offers.models import ListingMarket, LocationStock, StockMovement
from remarket.offers.store_stock import (
    stock_movements_for,
    store_stock_adjust,
    store_stock_balance,
    store_stock_for,
    store_stock_receive,
    store_stock_return_to_merchant,
    store_stock_transfer,
)
from remarket.orders.models import Order

from ..conftest import PAY_DECLINED, PAY_OK
from ..factories import ListingFactory, MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db
OPERATOR = Actor(user_id=None, role=Role.OPERATOR)


def _corner(marketplace, code: str) -> Location:
    return Location.objects.create(
        channel=marketplace.store_us, code=code, name=code, town="New York", postcode="10013", region="NY"
    )


def _counter_listing(marketplace):
    listing = ListingFactory(merchant=MerchantFactory(), quantity=0)  # a merchant's units on consignment
    ListingMarket.objects.create(listing=listing, market=marketplace.us, currency="USD", price_minor=19900)
    return listing


def _state(listing, locations) -> tuple:
    return (
        tuple(
            LocationStock.objects.filter(listing=listing, location=l).values_list("available", flat=True).first() or 0
            for l in locations
        ),
        StockMovement.objects.filter(listing=listing).count(),
        Order.objects.count(),
    )


def _sell(marketplace, location, listing, quantity, card):
    order = checkout_start(
        market=marketplace.us,
        channel=location.channel,
        items=[Item(listing.pk, quantity, location.pk)],
        email="",
        location_id=location.pk,
    )
    return checkout_pay(order=order, card_number=card)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "transfer", "return", "adjust_up", "adjust_down", "sell", "sell_declined"]),
        st.integers(0, 2),  # the location acted at
        st.integers(0, 2),  # the other end of a transfer
        st.integers(1, 6),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=OPERATIONS)
def test_received_minus_moved_out_is_on_hand_whatever_the_sequence(marketplace, steps):
    listing = _counter_listing(marketplace)
    suffix = listing.pk
    locations = [marketplace.nyc, _corner(marketplace, f"a-{suffix}"), _corner(marketplace, f"b-{suffix}")]
    expected = {l.pk: LocationStock.objects.filter(listing=listing, location=l).count() for l in locations}
    assert set(expected.values()) == {0}
    for kind, at, to, quantity in steps:
        here, there = locations[at], locations[to]
        before = _state(listing, locations)
        short = quantity > expected[here.pk]
        try:
            if kind == "receive":
                store_stock_receive(actor=OPERATOR, location_id=here.pk, listing_id=listing.pk, quantity=quantity)
                expected[here.pk] += quantity
            elif kind == "transfer":
                store_stock_transfer(
                    actor=OPERATOR,
                    from_location_id=here.pk,
                    to_location_id=there.pk,
                    listing_id=listing.pk,
                    quantity=quantity,
                )
                expected[here.pk] -= quantity
                expected[there.pk] += quantity
            elif kind == "return":
                store_stock_return_to_merchant(
                    actor=OPERATOR, location_id=here.pk, listing_id=listing.pk, quantity=quantity
                )
                expected[here.pk] -= quantity
            elif kind in ("adjust_up", "adjust_down"):
                delta = quantity if kind == "adjust_up" else -quantity
                store_stock_adjust(
                    actor=OPERATOR, location_id=here.pk, listing_id=listing.pk, delta=delta, reason="count"
                )
                expected[here.pk] += delta
            else:
                intent = _sell(marketplace, here, listing, quantity, PAY_OK if kind == "sell" else PAY_DECLINED)
                assert intent.status == ("captured" if kind == "sell" else "failed")
                if kind == "sell":
                    expected[here.pk] -= quantity
        except DomainError as err:
            # refused: only for want of units (or a transfer to itself), and nothing changed
            if kind == "transfer" and here.pk == there.pk:
                assert err.code == "STOCK_TRANSFER_SAME_LOCATION"
            else:
                assert short and kind not in ("receive", "adjust_up"), (kind, err.code)
                assert err.code == ("STOCK_UNAVAILABLE" if kind.startswith("sell") else "STOCK_NOT_ON_HAND")
            assert _state(listing, locations) == before
        else:
            assert not short or kind in ("receive", "adjust_up") or (kind == "transfer" and here.pk == there.pk)
        for location in locations:
            balance = store_stock_balance(location_id=location.pk, listing_id=listing.pk)
            assert balance.on_hand == expected[location.pk]
            assert balance.received - balance.moved_out == balance.on_hand


def test_a_paid_counter_sale_is_a_sale_movement_naming_its_order_and_clerk(marketplace):
    listing = _counter_listing(marketplace)
    clerk = UserFactory(role=Role.CLERK, location=marketplace.nyc)
    store_stock_receive(actor=Actor.of(clerk), location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=3)
    order = checkout_start(
        market=marketplace.us,
        channel=marketplace.store_us,
        items=[Item(listing.pk, 2, marketplace.nyc.pk)],
        email="",
        location_id=marketplace.nyc.pk,
        clerk_id=clerk.pk,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    moves = list(
        StockMovement.objects.filter(listing=listing)
        .order_by("pk")
        .values_list("kind", "delta", "actor_id", "order_id")
    )
    assert moves == [("receive", 3, clerk.pk, None), ("sale", -2, clerk.pk, order.pk)]
    assert LocationStock.objects.get(listing=listing).available == 1


def test_a_declined_counter_sale_puts_the_units_back_with_a_movement(marketplace):
    listing = _counter_listing(marketplace)
    store_stock_receive(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=2)
    _sell(marketplace, marketplace.nyc, listing, 2, PAY_DECLINED)
    kinds = list(StockMovement.objects.filter(listing=listing).order_by("pk").values_list("kind", "delta"))
    assert kinds == [("receive", 2), ("sale", -2), ("sale_released", 2)]
    assert LocationStock.objects.get(listing=listing).available == 2


def test_a_transfer_of_more_than_is_on_hand_is_refused_and_changes_nothing(marketplace):
    listing = _counter_listing(marketplace)
    other = _corner(marketplace, "soho-annex")
    store_stock_receive(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=2)
    with pytest.raises(DomainError) as refused:
        store_stock_transfer(
            actor=OPERATOR,
            from_location_id=marketplace.nyc.pk,
            to_location_id=other.pk,
            listing_id=listing.pk,
            quantity=3,
        )
    assert refused.value.code == "STOCK_NOT_ON_HAND" and refused.value.details["on_hand"] == 2
    assert refused.value.status == 409
    assert list(LocationStock.objects.values_list("location_id", "available")) == [(marketplace.nyc.pk, 2)]
    assert StockMovement.objects.count() == 1


def test_a_transfer_names_both_ends(marketplace):
    listing = _counter_listing(marketplace)
    other = _corner(marketplace, "soho-annex")
    store_stock_receive(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=4)
    out, into = store_stock_transfer(
        actor=OPERATOR, from_location_id=marketplace.nyc.pk, to_location_id=other.pk, listing_id=listing.pk, quantity=3
    )
    assert (out.kind, out.delta, out.counterpart_id) == ("transfer_out", -3, other.pk)
    assert (into.kind, into.delta, into.counterpart_id, into.location_id) == (
        "transfer_in",
        3,
        marketplace.nyc.pk,
        other.pk,
    )
    assert dict(LocationStock.objects.values_list("location_id", "available")) == {marketplace.nyc.pk: 1, other.pk: 3}


def test_a_clerk_moves_and_reads_units_only_at_their_own_location(marketplace):
    listing = _counter_listing(marketplace)
    other = _corner(marketplace, "soho-annex")
    store_stock_receive(actor=OPERATOR, location_id=other.pk, listing_id=listing.pk, quantity=2)
    clerk = Actor.of(UserFactory(role=Role.CLERK, location=marketplace.nyc))
    attempts = [
        lambda: store_stock_receive(actor=clerk, location_id=other.pk, listing_id=listing.pk, quantity=1),
        lambda: store_stock_adjust(actor=clerk, location_id=other.pk, listing_id=listing.pk, delta=-1, reason="x"),
        lambda: store_stock_return_to_merchant(actor=clerk, location_id=other.pk, listing_id=listing.pk, quantity=1),
        lambda: store_stock_transfer(
            actor=clerk, from_location_id=other.pk, to_location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=1
        ),
        lambda: store_stock_for(actor=clerk, location_id=other.pk),
        lambda: stock_movements_for(actor=clerk, location_id=other.pk),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "STOCK_LOCATION_FORBIDDEN" and refused.value.status == 403
    assert list(LocationStock.objects.values_list("location_id", "available")) == [(other.pk, 2)]
    assert StockMovement.objects.count() == 1
    # at their own location they may
    store_stock_receive(actor=clerk, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=1)
    assert [s.available for s in store_stock_for(actor=clerk, location_id=marketplace.nyc.pk)] == [1]


def test_a_customer_or_a_merchant_moves_nothing(marketplace):
    listing = _counter_listing(marketplace)
    for actor in (
        Actor(user_id=None, role=Role.CUSTOMER),
        Actor(user_id=None, role=Role.MERCHANT, merchant_id=listing.merchant_id),
    ):
        with pytest.raises(DomainError) as refused:
            store_stock_receive(actor=actor, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=1)
        assert refused.value.code == "STOCK_LOCATION_FORBIDDEN"
    assert not LocationStock.objects.exists()


@pytest.mark.parametrize(
    "call, code",
    [
        (dict(delta=1, reason=""), "STOCK_REASON_REQUIRED"),
        (dict(delta=1, reason="found\x1b[2J"), "STOCK_REASON_INVALID"),
        (dict(delta=0, reason="count"), "STOCK_QUANTITY_INVALID"),
        (dict(delta=True, reason="count"), "STOCK_QUANTITY_INVALID"),
        (dict(delta=-1, reason="broken"), "STOCK_NOT_ON_HAND"),
    ],
)
def test_a_bad_adjustment_is_refused_with_its_code(marketplace, call, code):
    listing = _counter_listing(marketplace)
    with pytest.raises(DomainError) as refused:
        store_stock_adjust(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, **call)
    assert refused.value.code == code
    assert not StockMovement.objects.exists() and not LocationStock.objects.exists()


def test_a_closed_location_receives_nothing(marketplace):
    listing = _counter_listing(marketplace)
    Location.objects.filter(pk=marketplace.nyc.pk).update(is_active=False)
    with pytest.raises(DomainError) as refused:
        store_stock_receive(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=1)
    assert refused.value.code == "LOCATION_INACTIVE"
    assert not StockMovement.objects.exists() and not LocationStock.objects.exists()


def test_a_lapsed_counter_hold_goes_back_with_a_movement_and_a_late_capture_takes_it_again(marketplace):
    import datetime as dt

    from remarket.checkout.services import holds_reclaim
    from remarket.core import clock

    listing = _counter_listing(marketplace)
    store_stock_receive(actor=OPERATOR, location_id=marketplace.nyc.pk, listing_id=listing.pk, quantity=2)
    start = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        order = checkout_start(
            market=marketplace.us,
            channel=marketplace.store_us,
            items=[Item(listing.pk, 1, marketplace.nyc.pk)],
            email="",
            location_id=marketplace.nyc.pk,
        )
        clock.advance(dt.timedelta(minutes=16))
        assert holds_reclaim() == 1
        assert store_stock_balance(location_id=marketplace.nyc.pk, listing_id=listing.pk).on_hand == 2
        checkout_pay(order=order, card_number=PAY_OK)  # the money arrives after the hold lapsed: units taken again
    moves = list(StockMovement.objects.filter(listing=listing).order_by("pk").values_list("kind", "delta", "order_id"))
    assert moves == [
        ("receive", 2, None),
        ("sale", -1, order.pk),
        ("sale_released", 1, order.pk),
        ("sale", -1, order.pk),
    ]
    balance = store_stock_balance(location_id=marketplace.nyc.pk, listing_id=listing.pk)
    assert balance.on_hand == 1 and balance.balances
