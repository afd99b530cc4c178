"""The demo's trade-in: a few merchants buy phones back (listings per grade in France and the United States), the
demo customers' trade-ins in several states — to send, sent, received, counter-offered, suspended, paid,
cancelled — and an old phone traded in at a partner corner, its credit used against a refurbished one at that
corner's till. Everything through the buyback services, the clerk's counter and the till's sale."""

import datetime as dt
import uuid

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.buyback import services
from remarket.buyback.counter import counter_tradein_take
from remarket.buyback.listings import buyback_listing_publish
from remarket.catalog.models import Variant
from remarket.checkout.counter import CounterLine, counter_sale
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.models import OutboxEvent
from remarket.events.outbox import deliver
from remarket.offers.models import LocationStock

# a grade's share of the best price (DIAMOND pays the most)
GRADE_SHARE = {"DIAMOND": 100, "PLATINUM": 92, "GOLD": 80, "SILVER": 62, "BRONZE": 40, "STALLONE": 15}
FLAWLESS = {"turns_on": "yes", "functional": "yes", "screen": "flawless", "body": "flawless", "battery": "good"}
WORN = {**FLAWLESS, "body": "visible"}
ADDRESS = {"FR": ("12 rue de la Paix", "75002", "Paris"), "US": ("328 Mickle St", "10012", "New York")}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _staff(merchant) -> Actor:
    return Actor(user_id=None, role=Role.MERCHANT, merchant_id=merchant.pk)


def _identity(customer) -> dict:
    street, postcode, town = ADDRESS[customer.market]
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "birth_date": "1985-06-15",
        "address": {"street": street, "postcode": postcode, "town": town, "country": customer.market},
    }


def demo_buyback_build(*, people, network, now: dt.datetime) -> dict[str, int]:
    """Returns how many listings and trade-ins it made."""
    buyers = [s.merchant for s in people.sellers[:4] if s.merchant.can_sell]
    phones = list(
        Variant.objects.filter(model__category__slug="smartphones", model__release_year__lte=now.year - 2)
        .select_related("model")
        .order_by("-model__release_year", "model__name", "storage_gb", "pk")[:8]
    )
    made = {"listings": 0, "trade_ins": 0}
    if not buyers or not phones:
        return made
    with clock.frozen(now - dt.timedelta(days=12)):
        for i, variant in enumerate(phones):
            base = 9000 + 2500 * (len(phones) - i)  # newer phones fetch more
            for j, merchant in enumerate(buyers):
                for grade, share in GRADE_SHARE.items():
                    price = base * share // 100 - 300 * j
                    prices = {"FR": (price, "EUR")}
                    if j == 0:
                        prices["US"] = (price * 11 // 10, "USD")
                    buyback_listing_publish(actor=_staff(merchant), variant_id=variant.pk, grade=grade, prices=prices)
                    made["listings"] += 1
    made["trade_ins"] = _web_trade_ins(people=people, network=network, phones=phones, now=now)
    made["trade_ins"] += _corner_trade_in(people=people, network=network, phone=phones[-1], now=now)
    return made


def _web_trade_ins(*, people, network, phones, now) -> int:
    """One French customer's trade-ins, each left at another step."""
    customer = next((c for c in people.customers if c.market == "FR"), None)
    if customer is None:
        return 0
    actor = Actor(user_id=customer.user_id, role=Role.CUSTOMER)
    fates = ["TO_SEND", "SENT", "RECEIVED", "COUNTER_PROPOSAL", "SUSPENDED", "PAID", "CANCELLED"]
    for n, fate in enumerate(fates):
        variant = phones[n % len(phones)]
        with clock.frozen(now - dt.timedelta(days=10 - n)):
            t = services.tradein_accept(
                actor=actor,
                market=network.markets["FR"],
                variant_id=variant.pk,
                answers=WORN if n % 2 else FLAWLESS,
                identity=_identity(customer),
            )
            merchant = _staff(t.merchant)
            if fate == "CANCELLED":
                services.tradein_cancel(actor=actor, reference=t.reference)
                continue
            if fate == "TO_SEND":
                continue
            services.tradein_ship(actor=actor, reference=t.reference, tracking_number=f"DEMO{t.pk:06d}")
            if fate == "SENT":
                continue
            clock.advance(dt.timedelta(days=2))
            services.tradein_receive(actor=merchant, reference=t.reference)
            if fate == "COUNTER_PROPOSAL":
                services.tradein_counter_offer(
                    actor=merchant,
                    reference=t.reference,
                    price_minor=t.quote_minor * 3 // 4,
                    reasons=["scratched_screen"],
                    files=[("screen.png", PNG)],
                    comment="Deep scratches on the screen.",
                )
            elif fate == "SUSPENDED":
                services.tradein_suspend(actor=merchant, reference=t.reference, reasons=["icloud_locked"])
            elif fate == "PAID":
                services.tradein_validate(actor=merchant, reference=t.reference)
    return len(fates)


def _corner_trade_in(*, people, network, phone, now) -> int:
    """An old phone traded in at the first partner corner offering trade-in that has a clerk, its credit used
    against a refurbished phone from that corner's shelf."""
    corner = next(
        (l for l in network.partner_locations if l.service_trade_in and l.pk in people.clerks),
        None,
    )
    customer = next((c for c in people.customers if c.market == "FR"), None)
    if corner is None or customer is None:
        return 0
    clerk = Actor(user_id=people.clerks[corner.pk], role=Role.CLERK, location_id=corner.pk)
    with clock.frozen(now - dt.timedelta(days=1)):
        try:
            done = counter_tradein_take(
                actor=clerk, variant_id=phone.pk, answers=WORN, identity=_identity(customer), email=customer.email
            )
        except DomainError:
            return 0
        units = [
            s
            for s in LocationStock.objects.filter(location=corner, available__gt=0).select_related("listing")
            if s.listing.quantity >= 0
        ]
        for stock in units:
            try:
                counter_sale(
                    actor=clerk,
                    sale_id=uuid.uuid4(),
                    lines=[CounterLine(stock.listing_id, 1)],
                    tender="trade_in",
                    trade_in_code=done.credit.code,
                    cash_given_minor=200000,
                    email=customer.email,
                )
                break
            except DomainError:
                continue  # a unit the credit exceeds: the next one
    # the sale's facts now, as the worker makes them, so that the rollups count it (demo/pickups.py does the same)
    for event in OutboxEvent.objects.filter(topic="order.paid", done_at__isnull=True).order_by("pk"):
        deliver(event)
    return 1
