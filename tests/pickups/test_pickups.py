"""Click & collect: an order for pickup at a corner, shipped there, received by its clerk, collected with the
code; wrong, expired and reused codes and another location's clerk refused with nothing changed; uncollected
parcels go back and the customer is refunded."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.ledger.models import LedgerEntry
from remarket.markets.models import Location
from remarket.orders.models import Pickup
from remarket.orders.pickups import (
    ALPHABET,
    pickup_code,
    pickup_collect,
    pickup_label,
    pickup_locations_for,
    pickup_qr_svg,
    pickup_receive,
    pickups_return_expired,
)
from remarket.payments.models import PaymentIntent

from .conftest import pickup_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The labels in English, whatever an earlier test of this process activated."""
    with translation.override("en"):
        yield


def _refused(expected, fn, **kwargs):
    before = list(Pickup.objects.values())
    with pytest.raises(DomainError) as err:
        fn(**kwargs)
    assert err.value.code == expected
    assert list(Pickup.objects.values()) == before  # nothing changed
    return err.value


def test_the_locator_puts_the_nearest_first_with_its_distance(marketplace, network):
    near = pickup_locations_for(market=marketplace.fr, near="75011")
    assert [n.location.code for n in near] == ["telco-paris-11", "other-paris-4", "telco-lyon-2"]
    # from the postcode's centre (markets/locator.py, France's communes)
    assert near[0].distance_km < near[1].distance_km < 3 and 380 < near[2].distance_km < 400
    assert all(n.hours_today == [] for n in near)  # no opening hours given: closed today
    assert [n.location.code for n in pickup_locations_for(market=marketplace.fr, near="Lyon")][0] == "telco-lyon-2"
    by_point = pickup_locations_for(market=marketplace.fr, near="45.76,4.83")
    assert by_point[0].location.code == "telco-lyon-2"
    # nothing to place it by: every place, by name, no distance
    assert [n.distance_km for n in pickup_locations_for(market=marketplace.fr, near="Atlantis")] == [None] * 3
    # another market's stores are not offered
    assert all(n.location.channel.market_id == marketplace.fr.pk for n in pickup_locations_for(market=marketplace.fr))


def test_a_pickup_order_ships_to_the_location_under_the_customers_name(marketplace, offer, network):
    order = pickup_order(marketplace, offer, network.paris)
    assert order.state == 1 and order.pickup_location_id == network.paris.pk
    address = order.shipping_address
    assert (address["company"], address["postal_code"], address["city"]) == ("Telco Paris Bastille", "75011", "Paris")
    assert (address["first_name"], address["last_name"], address["phone"]) == ("Victor", "Hugo", "+33612345678")
    sub = order.suborders.get()
    assert sub.shipping_minor == 0 and sub.pickup.location_id == network.paris.pk
    assert pickup_label(sub.pickup) == "Awaiting shipment to the store"


def test_a_place_that_takes_no_parcels_is_refused(marketplace, offer, network):
    from remarket.checkout.services import Item, checkout_start

    from .conftest import CONTACT

    with pytest.raises(DomainError) as err:
        checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(offer.listing_id)],
            email="a@b.fr",
            shipping_address=CONTACT,
            pickup_location_id=marketplace.nyc.pk,  # a US store, not in this market
        )
    assert err.value.code == "PICKUP_LOCATION_UNAVAILABLE"
    assert not Pickup.objects.exists()


def test_shipped_received_and_collected_with_the_code(marketplace, offer, network, merchant_actor):
    order = pickup_order(marketplace, offer, network.paris)
    pickup = order.suborders.get().pickup
    _refused("PICKUP_NOT_SHIPPED", pickup_receive, actor=network.clerk, pickup_id=pickup.pk)
    sub = ship(order, merchant_actor)
    pickup.refresh_from_db()
    assert pickup_label(pickup) == "On its way to the store"
    mail.outbox.clear()
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        pickup = pickup_receive(actor=network.clerk, pickup_id=pickup.pk)
    assert pickup.state == "ready" and pickup.expires_at == dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
    drain()
    code = pickup_code(pickup)
    assert len(code) == 9 and set(code.replace("-", "")) <= set(ALPHABET)
    (message,) = [m for m in mail.outbox if m.subject == "Votre colis remarket vous attend"]  # the market speaks French
    assert code in message.body and "Telco Paris Bastille" in message.body
    assert message.attachments[0][0] == "pickup-code.png"
    assert "<svg" in pickup_qr_svg(pickup)
    # the code is not in the database
    assert code.replace("-", "") not in str(list(Pickup.objects.values()))
    with clock.frozen(dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)):
        collected = pickup_collect(actor=network.clerk, code=code.lower().replace("-", " "))
    assert collected.state == "collected" and collected.collected_by_id == network.clerk.user_id
    assert sub.lines.get().state == 3  # shipped, not refunded


def test_wrong_reused_and_expired_codes_and_another_locations_clerk_are_refused(
    marketplace, offer, network, merchant_actor
):
    order = pickup_order(marketplace, offer, network.paris)
    ship(order, merchant_actor)
    pickup = order.suborders.get().pickup
    code = pickup_code(pickup)
    _refused("PICKUP_NOT_READY", pickup_collect, actor=network.clerk, code=code)
    # another location's clerk (of the same partner, or another) cannot receive it, nor collect with its code
    _refused("PICKUP_NOT_FOUND", pickup_receive, actor=network.lyon_clerk, pickup_id=pickup.pk)
    _refused("PICKUP_NOT_FOUND", pickup_receive, actor=network.rival_clerk, pickup_id=pickup.pk)
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        pickup_receive(actor=network.clerk, pickup_id=pickup.pk)
        _refused("PICKUP_ALREADY_RECEIVED", pickup_receive, actor=network.clerk, pickup_id=pickup.pk)
        _refused("PICKUP_CODE_INVALID", pickup_collect, actor=network.lyon_clerk, code=code)
        _refused("PICKUP_CODE_INVALID", pickup_collect, actor=network.clerk, code="ABCD-EFGH")
        _refused("PICKUP_CODE_INVALID", pickup_collect, actor=network.clerk, code="0" * 40)
        _refused("PICKUP_CODE_INVALID", pickup_collect, actor=network.clerk, code="")
        # a customer cannot act as a clerk
        from remarket.accounts.permissions import Actor

        _refused("AUTH_FORBIDDEN", pickup_collect, actor=Actor(user_id=None, role="customer"), code=code)
    with clock.frozen(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)):  # the 14 days are over
        _refused("PICKUP_CODE_EXPIRED", pickup_collect, actor=network.clerk, code=code)
    with clock.frozen(dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)):
        pickup_collect(actor=network.clerk, code=code)
        _refused("PICKUP_CODE_USED", pickup_collect, actor=network.clerk, code=code)


def test_an_uncollected_parcel_goes_back_and_the_customer_is_refunded(
    marketplace, offer, network, merchant_actor, settings
):
    settings.REMARKET = {**settings.REMARKET, "PICKUP_DAYS": 3}
    order = pickup_order(marketplace, offer, network.paris)
    sub = ship(order, merchant_actor)
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        pickup = pickup_receive(actor=network.clerk, pickup_id=sub.pickup.pk)
    with clock.frozen(dt.datetime(2026, 11, 5, 9, 59, tzinfo=dt.UTC)):
        assert pickups_return_expired() == 0
    with clock.frozen(dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC)):
        assert pickups_return_expired() == 1
        assert pickups_return_expired() == 0  # once
    pickup.refresh_from_db()
    assert pickup.state == "returned" and pickup_label(pickup) == "Returned uncollected, refunded"
    assert sub.lines.get().state == 6
    intent = PaymentIntent.objects.get(order=order)
    assert intent.refunds.get().amount_minor == order.total_minor
    # the ledger: every account back where it was, the gateway's money given back
    sums = {}
    for e in LedgerEntry.objects.filter(transaction__order=order):
        sums[e.account] = sums.get(e.account, 0) + e.amount_minor
    assert set(sums.values()) == {0}
    with clock.frozen(dt.datetime(2026, 11, 5, 11, 0, tzinfo=dt.UTC)):
        _refused("PICKUP_CODE_EXPIRED", pickup_collect, actor=network.clerk, code=pickup_code(pickup))


def test_an_inactive_or_a_non_pickup_location_is_never_offered_nor_taken(marketplace, offer, network):
    from remarket.markets.locator import locator_forget

    from .conftest import CONTACT

    network.rival.is_active = False
    network.rival.save()
    network.lyon.service_pickup = False
    network.lyon.save()
    Location.objects.create(
        channel=network.paris.channel,
        code="telco-paris-12",
        name="Telco Paris Nation",
        town="Paris",
        postcode="75012",
        latitude="48.848000",
        longitude="2.396000",
        service_pickup=True,
        hours={day: [["10:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    locator_forget()
    for near in ("75011", "Lyon", "45.76,4.83", "", "Atlantis"):
        offered = [n.location.code for n in pickup_locations_for(market=marketplace.fr, near=near)]
        assert sorted(offered) == ["telco-paris-11", "telco-paris-12"], near
    nation = pickup_locations_for(market=marketplace.fr, near="Paris 12e Arrondissement")[0]
    assert nation.location.code == "telco-paris-12" and nation.hours_today == [["10:00", "19:00"]]
    from remarket.checkout.services import Item, checkout_start

    for refused in (network.rival, network.lyon):
        with pytest.raises(DomainError) as err:
            checkout_start(
                market=marketplace.fr,
                channel=marketplace.web_fr,
                items=[Item(offer.listing_id, 1)],
                email="buyer@example.com",
                shipping_address=CONTACT,
                pickup_location_id=refused.pk,
            )
        assert err.value.code == "PICKUP_LOCATION_UNAVAILABLE"
    assert not Pickup.objects.exists()
