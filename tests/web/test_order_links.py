"""Who may open an order page, and the guest's expiring, re-sendable link."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from remarket.core import clock
from remarket.events.outbox import drain
from remarket.orders.access import guest_link_key
from remarket.orders.models import Order

from ..factories import UserFactory
from .test_pages import buy

pytestmark = pytest.mark.django_db


def test_a_customers_order_needs_their_login(offer):
    owner = UserFactory()
    buyer = Client()
    buyer.force_login(owner)
    url = buy(buyer, offer)["Location"]
    assert buyer.get(url).status_code == 200
    anonymous = Client().get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/login/?next={url}")
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404


def test_a_guest_link_expires_and_leads_to_the_resend_page(offer):
    url = buy(Client(), offer)["Location"]
    order = Order.objects.get()
    assert Client().get(url).status_code == 404  # the bare id is not enough
    key = guest_link_key(order=order)
    assert Client().get(f"{url}?key={key}").status_code == 200
    with clock.frozen(clock.now() + dt.timedelta(days=91)):
        expired = Client().get(f"{url}?key={key}")
    assert (expired.status_code, expired["Location"]) == (302, f"/fr/orders/link/?expired=1&order={order.public_id}")


def test_the_resend_page_answers_the_same_and_mails_a_fresh_link(offer):
    buy(Client(), offer)
    order = Order.objects.get()
    drain()
    mail.outbox.clear()
    known = Client().post("/fr/orders/link/", {"email": "shopper@example.com", "order_number": str(order.public_id)})
    unknown = Client().post("/fr/orders/link/", {"email": "nobody@example.com", "order_number": str(order.public_id)})
    assert known.status_code == unknown.status_code == 200
    assert "data-sent" in known.content.decode() and "data-sent" in unknown.content.decode()
    drain()
    assert [m.to for m in mail.outbox] == [["shopper@example.com"]] and "?key=" in mail.outbox[0].body


def test_the_resend_page_is_throttled_per_address_and_per_client(offer):
    """Three requests an hour per e-mail address and five per client address (orders/access.py RESEND_LIMITS),
    counted where every worker process sees them: the next one is 429 with Retry-After and mails nothing."""
    buy(Client(), offer)
    order = Order.objects.get()
    drain()
    mail.outbox.clear()
    form = {"email": "shopper@example.com", "order_number": str(order.public_id)}
    hour = dt.datetime.fromtimestamp(clock.now().timestamp() // 3600 * 3600 + 3600, dt.UTC)
    with clock.frozen(hour + dt.timedelta(seconds=10)):  # ten seconds into a fresh window
        answers = [Client().post("/fr/orders/link/", form).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        refused = Client().post("/fr/orders/link/", form)
        assert refused["Retry-After"] == "3590" and "réessayez plus tard" in refused.content.decode()
        # one client trying many addresses: stopped after five, before it can learn which of them bought
        guesses = [
            Client().post("/fr/orders/link/", {**form, "email": f"guess{i}@example.com"}, REMOTE_ADDR="10.0.0.9")
            for i in range(6)
        ]
        assert [g.status_code for g in guesses] == [200] * 5 + [429]
        drain()
    assert len(mail.outbox) == 3
    with clock.frozen(hour + dt.timedelta(hours=1, seconds=1)):  # the next window
        assert Client().post("/fr/orders/link/", form).status_code == 200
