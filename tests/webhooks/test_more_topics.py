"""The webhook topics beyond orders and returns, each from the domain's own service as it emits it: a trade-in's
steps (received, counter-offered, paid) for the merchant buying the device, a warranty claim opened for the
merchant who sold it, a merchant's and a partner's monthly payouts for the one paid. Each reaches its own owner's
subscription only, once per event, and arrives signed."""

import base64
import datetime as dt

import pytest
from django.test import Client

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core import clock
from remarket.events.outbox import drain
from remarket.ledger.payouts import payout_create
from remarket.orders.partner_payouts import partner_payouts_run
from remarket.webhooks.models import WebhookDelivery, WebhookSubscription
from remarket.webhooks.services import deliveries_send, subscription_create

from ..aftersales.conftest import CLAIM_AT, open_claim, sell_and_ship
from ..buyback.conftest import FLAWLESS, IDENTITY, PNG
from ..buyback.test_api import _auth, _post
from ..factories import UserFactory
from ..pickups.conftest import pickup_order
from ..webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


def _delivered(sub) -> list[tuple[str, dict]]:
    drain()
    drain()
    return [(d.topic, d.data) for d in WebhookDelivery.objects.filter(subscription=sub).order_by("id")]


def test_a_trade_ins_steps_reach_the_merchant_buying_it(bb, marketplace):
    client, me, shop = Client(), _auth(bb.customer_actor), _auth(bb.merchant_actor)
    topics = ["tradein.changed", "tradein.paid"]
    made = _post(client, "/api/v1/webhooks", {"url": "http://127.0.0.1:1/hook", "topics": topics}, shop)
    assert made.status_code == 201, made.content
    rival = subscription_create(actor=bb.rival_actor, url="http://127.0.0.1:1/rival", topics=topics)
    body = {
        "market": "FR",
        "variant_id": bb.variant.pk,
        "answers": FLAWLESS,
        "quote_minor": 30000,
        "identity": IDENTITY,
    }
    ref = _post(client, "/api/v1/trade-ins", body, me).json()["reference"]
    _post(client, f"/api/v1/trade-ins/{ref}/ship", {"tracking_number": "X1"}, me)
    assert _post(client, f"/api/v1/merchant/trade-ins/{ref}/receive", {}, shop).json()["status"] == "RECEIVED"
    photo = {"name": "a.png", "content": base64.b64encode(PNG).decode()}
    counter = {"price_minor": 25000, "reasons": ["body_scratched"], "files": [photo]}
    _post(client, f"/api/v1/merchant/trade-ins/{ref}/counter-offer", counter, shop)
    assert _post(client, f"/api/v1/trade-ins/{ref}/accept-counter-offer", {}, me).json()["status"] == "PAID"

    sub = made.json()["id"]
    delivered = _delivered(sub)
    steps = [data["status"] for topic, data in delivered if topic == "tradein.changed"]
    # each step of the contract's state machine, as the merchant's integration follows it
    assert steps == ["NEW", "TO_SEND", "SENT", "RECEIVED", "COUNTER_PROPOSAL", "VALIDATED", "PAID", "MONEY_TRANSFERED"]
    assert [topic for topic, _ in delivered].count("tradein.paid") == 1
    assert all(data["reference"] == ref for _, data in delivered)
    assert _delivered(rival) == []  # another merchant's trade-in

    with Receiver(secret=made.json()["secret"]) as receiver:
        WebhookSubscription.objects.filter(pk=sub).update(url=receiver.url)
        deliveries_send()
    assert len(receiver.received) == len(delivered) and all(r["valid"] for r in receiver.received)
    assert {r["body"]["topic"] for r in receiver.received} == set(topics)


def test_a_claim_opened_reaches_the_merchant_who_sold_the_device(marketplace, shipped, customer):
    merchant_staff = Actor.of(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    sub = subscription_create(actor=merchant_staff, url="http://127.0.0.1:1/hook", topics=["claim.changed"])
    other = UserFactory(role=Role.MERCHANT, merchant=sell_and_ship(marketplace, customer, _offer(marketplace)).merchant)
    other_sub = subscription_create(actor=Actor.of(other), url="http://127.0.0.1:1/o", topics=["claim.changed"])
    claim = open_claim(Actor.of(customer), shipped, at=CLAIM_AT)
    with clock.frozen(CLAIM_AT):  # the event is due when it was written
        ((topic, data),) = _delivered(sub)
        assert _delivered(other_sub) == []
    assert topic == "claim.changed"
    assert (data["claim_id"], data["step"], data["suborder_id"], data["order_id"]) == (
        claim.pk,
        "opened",
        shipped.pk,
        shipped.order_id,
    )


def _offer(marketplace):
    from ..aftersales.conftest import fr_offer

    return fr_offer(marketplace)


def test_a_merchants_payout_reaches_its_subscription(marketplace, shipped):
    merchant_staff = Actor.of(UserFactory(role=Role.MERCHANT, merchant=shipped.merchant))
    sub = subscription_create(actor=merchant_staff, url="http://127.0.0.1:1/hook", topics=["payout.made"])
    month = shipped.order.created_at.date().replace(day=1)
    with clock.frozen(dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 5, tzinfo=dt.UTC)):
        payout = payout_create(merchant=shipped.merchant, currency="EUR", period=month)
        assert payout.amount_minor > 0
        ((topic, data),) = _delivered(sub)
    assert topic == "payout.made"
    assert data == {
        "payout_id": payout.pk,
        "merchant_id": shipped.merchant_id,
        "currency": "EUR",
        "period": f"{month:%Y-%m}",
        "amount_minor": payout.amount_minor,
    }


def test_a_partners_payout_reaches_the_partners_subscription_only(marketplace, offer, network):
    manager = Actor.of(UserFactory(role=Role.PARTNER, partner=network.partner))
    sub = subscription_create(actor=manager, url="http://127.0.0.1:1/hook", topics=["partner_payout.made"])
    rival = Actor.of(UserFactory(role=Role.PARTNER, partner=network.other_partner))
    rival_sub = subscription_create(actor=rival, url="http://127.0.0.1:1/rival", topics=["partner_payout.made"])
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        pickup_order(marketplace, offer, network.paris)
    with clock.frozen(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)):
        made = {p.partner_id: p for p in partner_payouts_run(period=dt.date(2026, 11, 1))}
        ((topic, data),) = _delivered(sub)
        assert _delivered(rival_sub) == []  # nothing owed to it: a payout of 0 is no payout made
    paid = made[network.partner.pk]
    assert topic == "partner_payout.made" and paid.amount_minor > 0
    assert data == {
        "partner_payout_id": paid.pk,
        "partner_id": network.partner.pk,
        "currency": "EUR",
        "period": "2026-11",
        "amount_minor": paid.amount_minor,
    }
