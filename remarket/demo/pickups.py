"""The demo's click & collect and partner economics: the partner manager's login, the partner's commission on
the year of sales at its corners (posted at each sale's moment, before the months are closed), and real pickups
at partner corners in every state — awaiting shipment, in transit, ready, collected, returned uncollected and
refunded — made through the checkout, the merchant's shipping, the clerk's and the worker's services."""

import datetime as dt
import secrets
from collections import defaultdict

from remarket.accounts.models import Role, User
from remarket.accounts.permissions import Actor
from remarket.accounts.services import user_create
from remarket.checkout.services import Item, checkout_settle, checkout_start
from remarket.core import clock
from remarket.core.money import share
from remarket.events.models import OutboxEvent
from remarket.events.outbox import deliver
from remarket.ledger.partners import ledger_record_partner_commission
from remarket.markets.selectors import web_channel_get
from remarket.offers.models import ListingMarket
from remarket.orders.models import OrderLine, Pickup
from remarket.orders.pickups import pickup_code, pickup_collect, pickup_days, pickup_receive, pickups_return_expired
from remarket.orders.services import suborder_accept, suborder_ship
from remarket.orders.states import LineState
from remarket.payments.gateway import GatewayResult
from remarket.payments.models import SandboxCharge
from remarket.payments.services import payment_intent_submit

from .people import password

# how many pickups end in each state, and how long ago each was bought
FATES = (("awaiting", 2, 1), ("in_transit", 2, 3), ("ready", 3, 5), ("collected", 3, 9), ("returned", 2, 30))
CONTACT = {"first_name": "Camille", "last_name": "Martin", "phone": "06 12 34 56 78"}
PAID_LINES = (LineState.PAID, LineState.ACCEPTED, LineState.SHIPPED)


def demo_pickups_build(*, network, people, now: dt.datetime) -> dict:
    """Everything above; returns the partner manager's login for the credentials file."""
    partner = network.partner_channel.partner
    history_commissions(partner_id=partner.pk, partner_bp=partner.commission_bp)
    pickups_in_every_state(network=network, people=people, now=now)
    # their payments' sales facts now, as the worker makes them, so that the rollups count them; the rest of
    # their events (mails, invoices of the shipped ones) wait for the worker
    for event in OutboxEvent.objects.filter(topic="order.paid", done_at__isnull=True).order_by("pk"):
        deliver(event)
    secret = password()
    user = user_create(
        username=f"partner-{network.partner_channel.code}",
        password=secret,
        role=Role.PARTNER,
        email=f"partner-{network.partner_channel.code}@example.com",
        partner_id=partner.pk,
    )
    return {"partner": partner.name, "username": user.username, "password": secret}


def history_commissions(*, partner_id: int, partner_bp: int) -> int:
    """The partner's commission on every paid line the history sold at its corners, fixed on the lines and
    posted at each sale's moment. Returns how many sub-orders it posted for."""
    lines = (
        OrderLine.objects.filter(suborder__order__location__channel__partner_id=partner_id, state__in=PAID_LINES)
        .values_list("pk", "total_minor", "currency", "suborder_id", "suborder__order_id", "suborder__created_at")
        .order_by("suborder_id", "pk")
    )
    by_sub: dict[tuple, int] = defaultdict(int)
    changed = []
    for pk, total, currency, sub_id, order_id, at in lines:
        amount = share(total, partner_bp)
        changed.append(OrderLine(pk=pk, partner_commission_minor=amount))
        by_sub[(sub_id, order_id, currency, at)] += amount
    OrderLine.objects.bulk_update(changed, ["partner_commission_minor"], batch_size=1000)
    for (sub_id, order_id, currency, at), amount in by_sub.items():
        ledger_record_partner_commission(
            order_id=order_id,
            suborder_id=sub_id,
            partner_id=partner_id,
            amount_minor=amount,
            currency=currency,
            at=at + dt.timedelta(seconds=1),  # just after the sale's own transaction
        )
    return len(by_sub)


def _offers(market, count: int) -> list[ListingMarket]:
    """`count` distinct offers with units to spare, of distinct merchants as far as there are, so that the demo's
    pickups take no one's last unit. (Taking the first offers by id and repeating them ran a listing dry: the
    first few hundred offers belong to one or two merchants.)"""
    first: list[ListingMarket] = []
    again: list[ListingMarket] = []
    seen: set[int] = set()
    terms = (
        ListingMarket.objects.on_sale()
        .filter(market=market, listing__quantity__gte=3, listing__merchant__is_first_party=False)
        .select_related("listing")
        .order_by("pk")
    )
    for term in terms.iterator(chunk_size=2000):
        if term.listing.merchant_id in seen:
            if len(again) < count:
                again.append(term)
        else:
            seen.add(term.listing.merchant_id)
            first.append(term)
            if len(first) == count:
                break
    return (first + again)[:count]


def pickups_in_every_state(*, network, people, now: dt.datetime) -> int:
    """Pickups at the first corners (the largest towns), each state reached through the services themselves."""
    market = network.partner_channel.market
    corners = network.partner_locations
    offers = _offers(market, sum(n for _, n, _ in FATES))
    staff = {u.merchant_id: Actor.of(u) for u in User.objects.filter(role=Role.MERCHANT, merchant__isnull=False)}
    made = 0
    for state, count, days_ago in FATES:
        for _ in range(count):
            if made >= len(offers):
                return made
            offer, corner = offers[made], corners[made % min(len(corners), 5)]
            made += 1
            bought = now - dt.timedelta(days=days_ago, hours=made)
            with clock.frozen(bought):
                order = checkout_start(
                    market=market,
                    channel=web_channel_get(market=market),
                    items=[Item(offer.listing_id)],
                    email=f"pickup-{made}@example.com",
                    shipping_address=CONTACT,
                    pickup_location_id=corner.pk,
                )
            with clock.frozen(bought + dt.timedelta(minutes=1)):
                _pay(order)
            if state == "awaiting":
                continue
            sub = order.suborders.get()
            merchant = staff[sub.merchant_id]
            with clock.frozen(bought + dt.timedelta(hours=2)):
                suborder_accept(actor=merchant, suborder_id=sub.pk)
                suborder_ship(
                    actor=merchant, suborder_id=sub.pk, tracking_number=f"DEMO{order.pk:08d}", carrier="Colissimo"
                )
            if state == "in_transit":
                continue
            # the corner's clerk where the demo has one, else the corner acting as itself
            clerk_id = people.clerks.get(corner.pk)
            clerk = Actor(user_id=clerk_id, role=Role.CLERK, location_id=corner.pk)
            pickup = Pickup.objects.get(suborder=sub)
            with clock.frozen(bought + dt.timedelta(days=1)):
                pickup_receive(actor=clerk, pickup_id=pickup.pk)
            if state == "collected":
                with clock.frozen(bought + dt.timedelta(days=2)):
                    pickup_collect(actor=clerk, code=pickup_code(pickup))
            elif state == "returned":
                with clock.frozen(bought + dt.timedelta(days=1 + pickup_days(), hours=1)):
                    pickups_return_expired()
    return made


def _pay(order) -> None:
    """Paid with the sandbox's test card: its charge written as the sandbox writes it (as the history does:
    the demo is one transaction, and a gateway is never called inside one), then settled by checkout."""
    intent = order.payment
    payment_intent_submit(intent=intent)
    ref = "ch_" + secrets.token_hex(12)
    SandboxCharge.objects.create(
        ref=ref,
        intent_id=intent.pk,
        amount_minor=intent.amount_minor,
        currency=intent.currency,
        status="captured",
        card_last4="4242",
        created_at=clock.now(),
    )
    checkout_settle(intent_id=intent.pk, result=GatewayResult("captured", ref), intent=intent)
