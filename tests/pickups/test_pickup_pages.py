"""Click & collect through the pages: the storefront's pickup checkout with its locator, the order page's state,
code and QR code, the merchant's ship-to-store address, the clerk's parcels page; another location's clerk
changes nothing."""

import pytest

from remarket.accounts.models import User
from remarket.orders.models import Order, Pickup
from remarket.orders.pickups import pickup_code

from ..conftest import PAY_OK
from .conftest import CONTACT, ship

pytestmark = pytest.mark.django_db


def _checkout(client, offer, location):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id})
    page = client.get("/fr/checkout/pickup/", {"near": "75011"})
    assert page.status_code == 200
    return client.post(
        "/fr/checkout/pickup/",
        {**CONTACT, "email": "v@example.fr", "pickup_location": location.pk, "card_number": PAY_OK},
    )


def test_the_locator_partial_lists_places_nearest_first(client, marketplace, network):
    page = client.get("/fr/pickup/locations/", {"near": "Lyon"})
    html = page.content.decode()
    assert page.status_code == 200 and html.index("telco-lyon-2") < html.index("telco-paris-11")
    assert "km" in html and 'name="pickup_location"' in html
    assert "/fr/checkout/pickup/" in client.get("/fr/checkout/").content.decode()


def test_checkout_for_pickup_then_the_order_page_follows_it(client, marketplace, offer, network, merchant_actor):
    answer = _checkout(client, offer, network.paris)
    order = Order.objects.get()
    assert answer.status_code == 302 and order.pickup_location_id == network.paris.pk and order.state == 1
    page = client.get(answer["Location"]).content.decode()
    pickup = Pickup.objects.get()
    assert 'data-pickup-status="awaiting"' in page and "Telco Paris Bastille" in page
    assert pickup_code(pickup) in page and "<svg" in page
    ship(order, merchant_actor)
    assert 'data-pickup-status="in_transit"' in client.get(answer["Location"]).content.decode()


def test_a_pickup_checkout_without_a_place_is_refused(client, marketplace, offer, network):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id})
    answer = client.post("/fr/checkout/pickup/", {**CONTACT, "email": "v@example.fr", "card_number": PAY_OK})
    assert answer.status_code == 400 and 'data-code="PICKUP_LOCATION_REQUIRED"' in answer.content.decode()
    answer = client.post(
        "/fr/checkout/pickup/",
        {**CONTACT, "email": "v@example.fr", "card_number": PAY_OK, "pickup_location": "nope"},
    )
    assert answer.status_code == 400 and 'data-code="PICKUP_LOCATION_UNAVAILABLE"' in answer.content.decode()
    assert not Order.objects.exists()


def test_merchant_sees_ship_to_store_and_the_clerk_receives_and_hands_over(
    client, marketplace, offer, network, merchant_actor, merchant_user
):
    _checkout(client, offer, network.paris)
    order = Order.objects.get()
    merchant_user.language = "en"  # the French merchant reads its back office in English here
    merchant_user.save(update_fields=["language"])
    User.objects.filter(role="clerk").update(language="en")  # and so do the corners' clerks
    client.force_login(merchant_user)
    page = client.get(f"/merchant/orders/{order.suborders.get().pk}/").content.decode()
    assert "Ship to store" in page and "Telco Paris Bastille" in page and 'data-pickup-status="awaiting"' in page
    ship(order, merchant_actor)
    pickup = Pickup.objects.get()
    # another location's clerk: not in its list, cannot receive it
    client.force_login(User.objects.get(pk=network.lyon_clerk.user_id))
    assert f'data-pickup="{pickup.pk}"' not in client.get("/pos/pickups/").content.decode()
    refused = client.post(f"/pos/pickups/{pickup.pk}/receive/")
    assert refused.status_code == 404 and 'data-code="PICKUP_NOT_FOUND"' in refused.content.decode()
    refused = client.post("/pos/pickups/collect/", {"code": pickup_code(pickup)})
    assert refused.status_code == 400 and 'data-code="PICKUP_CODE_INVALID"' in refused.content.decode()
    pickup.refresh_from_db()
    assert pickup.state == "awaiting"
    # this location's clerk
    client.force_login(User.objects.get(pk=network.clerk.user_id))
    listing = client.get("/pos/pickups/").content.decode()
    assert f'data-pickup="{pickup.pk}"' in listing and "On its way to the store" in listing
    assert client.post(f"/pos/pickups/{pickup.pk}/receive/").status_code == 302
    assert "Ready for pickup" in client.get("/pos/pickups/?status=ready").content.decode()
    assert client.post("/pos/pickups/collect/", {"code": pickup_code(pickup)}).status_code == 302
    reused = client.post("/pos/pickups/collect/", {"code": pickup_code(pickup)})
    assert reused.status_code == 409 and 'data-code="PICKUP_CODE_USED"' in reused.content.decode()
    pickup.refresh_from_db()
    assert pickup.state == "collected"
    # a customer or a merchant cannot open the clerk's page
    client.force_login(merchant_user)
    assert client.get("/pos/pickups/").status_code == 403
