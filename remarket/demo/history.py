"""A year of orders, planned in memory one day at a time so that a history of millions streams in chunks.

Volume follows the reference marketplace: France about 30 %, the US 20 %, the other countries the rest;
sales grow about 30 % over the year, with September's new phones, Black Friday and Christmas on top. Each
order's fate follows from its age: a payment settles within minutes, a merchant accepts within hours and
ships within two days, so recent orders are still paid or to ship. Besides, every merchant gets one order
in each state a merchant handles (awaiting payment, unpaid, paid, to ship, shipped) near the present.
Awaiting payment lasts minutes by design (a stock hold lapses after 15): once the worker runs, the
reconciler settles those orders as unpaid, as it would any abandoned checkout."""

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from remarket.core.money import exponent
from remarket.markets.models import Channel, Market

from .listings import Offer, OfferBook, Pool
from .network import Network
from .people import Customer, People
from .people_data import CARRIERS, FIRST_NAMES, LAST_NAMES, PHONES, STORE_CARRIER, STREETS, TOWNS

AWAITING, UNPAID, PAID, TO_SHIP, SHIPPED = "awaiting", "unpaid", "paid", "to_ship", "shipped"
FATES = (AWAITING, UNPAID, PAID, TO_SHIP, SHIPPED)
SLOWNESS = (1.0, 1.0, 1.0, 1.0, 1.3, 1.5, 1.7)  # a shipping-delay factor, by merchant id
MARKET_SHARE = {"FR": 0.30, "US": 0.20, "DE": 0.15, "ES": 0.13, "IT": 0.12, "GB": 0.10}
COUNTER_SHARE = {"FR": 0.08, "US": 0.06}  # orders taken at partner counters in France, at the store in the US
SEASON = {1: 1.05, 2: 0.85, 3: 0.9, 4: 0.9, 5: 0.9, 6: 0.95, 7: 0.9, 8: 0.95, 9: 1.1, 10: 1.0, 11: 1.25, 12: 1.45}
GROWTH = 0.30
HOUR_WEIGHT = (
    0.2,
    0.1,
    0.05,
    0.05,
    0.05,
    0.1,
    0.3,
    0.6,
    0.9,
    1.0,
    1.1,
    1.2,
    1.3,
    1.2,
    1.1,
    1.1,
    1.1,
    1.2,
    1.4,
    1.6,
    1.7,
    1.5,
    1.0,
    0.5,
)
UNPAID_RATE = 0.035
NUMBER_AFTER_STREET = ("DE", "ES", "IT")
DAYS = 365


@dataclass(slots=True)
class PlannedLine:
    offer: Offer
    quantity: int
    unit_price_minor: int


@dataclass(slots=True)
class PlannedSub:
    merchant_id: int
    lines: list[PlannedLine]
    fate: str
    accepted_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    carrier: str = ""
    tracking_number: str = ""


@dataclass(slots=True)
class PlannedOrder:
    market: Market
    channel: Channel
    created_at: dt.datetime
    outcome: str  # awaiting, unpaid or paid: what the payment did
    public_id: uuid.UUID
    email: str
    address: dict
    location_id: int | None = None
    customer_id: int | None = None
    clerk_id: int | None = None
    settled_at: dt.datetime | None = None  # when the payment was captured or failed
    intent_status: str = "created"
    gateway_ref: str = ""
    subs: list[PlannedSub] = field(default_factory=list)


def day_counts(total: int, start: dt.datetime, days: int = DAYS) -> list[int]:
    """`total` orders spread over `days` windows of 24 hours from `start`, growing and seasonal; sums exactly."""
    weights = []
    for i in range(days):
        day = (start + dt.timedelta(days=i, hours=12)).date()
        w = (1 + GROWTH * i / days) * SEASON[day.month] * (1.1 if day.weekday() >= 5 else 1.0)
        black_friday = _black_friday(day.year)
        if day == black_friday:
            w *= 2.5
        elif day == black_friday + dt.timedelta(days=3):
            w *= 1.8
        weights.append(w)
    scale, counts, cumulative, placed = total / sum(weights), [], 0.0, 0
    for w in weights:
        cumulative += w
        upto = round(cumulative * scale)
        counts.append(upto - placed)
        placed = upto
    counts[-1] += total - placed
    return counts


def _black_friday(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday + dt.timedelta(days=1)


class Planner:
    def __init__(self, *, network: Network, people: People, book: OfferBook, rng: random.Random, now: dt.datetime):
        self.network, self.people, self.book, self.rng, self.now = network, people, book, rng, now
        self.customers: dict[str, Customer] = {c.market: c for c in people.customers}
        self.partner = Pool()  # partner points of sale: the bigger the town, the busier
        for rank, location in enumerate(network.partner_locations):
            self.partner.add(location.pk, 1 / (rank + 10) ** 0.8)
        self.zones = {code: ZoneInfo(m.time_zone) for code, m in network.markets.items()}

    # -- the stream ---------------------------------------------------------------------------------------------
    def orders(self, total: int) -> Iterator[PlannedOrder]:
        """`total` orders, oldest first: one per merchant and state near the present, the rest spread over the year."""
        forced = sorted(
            (
                self._forced(seller.merchant.pk, seller.markets, fate)
                for seller in self.people.sellers
                for fate in FATES
            ),
            key=lambda o: o.created_at,
        )
        start = self.now - dt.timedelta(days=DAYS)
        codes = [code for code in MARKET_SHARE if self.book.web.get(code)]  # markets with offers to sell
        shares = [MARKET_SHARE[code] for code in codes]
        for i, count in enumerate(day_counts(max(0, total - len(forced)), start)):
            window_start = start + dt.timedelta(days=i)
            window_end = window_start + dt.timedelta(days=1)
            day = [
                self._random(self._moment(code, window_start), code)
                for code in self.rng.choices(codes, weights=shares, k=count)
            ]
            day += [o for o in forced if window_start <= o.created_at < window_end]
            yield from sorted(day, key=lambda o: o.created_at)

    def _moment(self, code: str, window_start: dt.datetime) -> dt.datetime:
        """A time in the 24 hours from `window_start`, busier in the market's afternoon and evening."""
        offset = window_start.astimezone(self.zones[code]).utcoffset() or dt.timedelta()
        while True:
            at = window_start + dt.timedelta(seconds=self.rng.uniform(0, 86_400))
            if at < self.now and self.rng.random() * 1.7 < HOUR_WEIGHT[(at + offset).hour]:
                return at

    # -- one order ---------------------------------------------------------------------------------------------
    def _random(self, created_at: dt.datetime, code: str) -> PlannedOrder:
        rng, network = self.rng, self.network
        counter_pool, location_id = None, None
        channel = network.web[code]
        if rng.random() < COUNTER_SHARE.get(code, 0):
            if code == "FR" and self.partner:
                channel, location_id = network.partner_channel, self.partner.draw(rng)
            elif code == "US":
                channel, location_id = network.store_channel, network.store.pk
            if (
                location_id is not None
                and self.book.counter.get(location_id)
                and (channel.kind == Channel.Kind.STORE or rng.random() < 0.5)
            ):
                counter_pool = self.book.counter[location_id]
        pool = counter_pool or self.book.web[code]
        if channel.kind == Channel.Kind.STORE and counter_pool is None:
            channel, location_id = network.web[code], None  # nothing on the store's shelves: a web order
        count = rng.choices((1, 2, 3), weights=(86, 11, 3))[0]
        offers = {o.listing_id: o for o in (pool.draw(rng) for _ in range(count))}.values()
        order = self._order(channel, code, created_at, location_id, web=counter_pool is None)
        age_factor = 1 + 0.10 * (self.now - created_at).days / DAYS  # prices were higher earlier in the year
        lines = [
            PlannedLine(o, 1 if rng.random() < 0.93 else 2, self._historic(o.price_minor, age_factor, code))
            for o in offers
        ]
        age = self.now - created_at
        if age < dt.timedelta(minutes=12) and rng.random() < 0.6:
            self._settle(order, AWAITING)
        elif rng.random() < UNPAID_RATE:
            self._settle(order, UNPAID)
        else:
            self._settle(order, PAID)
        by_merchant: dict[int, list[PlannedLine]] = defaultdict(list)
        for line in lines:
            by_merchant[line.offer.merchant_id].append(line)
        for merchant_id in sorted(by_merchant):
            order.subs.append(self._sub(order, merchant_id, by_merchant[merchant_id], counter=counter_pool is not None))
        return order

    def _forced(self, merchant_id: int, markets: tuple[str, ...], fate: str) -> PlannedOrder:
        rng, now = self.rng, self.now
        codes = [c for c in markets if self.book.merchant.get((merchant_id, c))]
        code = rng.choice(codes)
        ago = {
            AWAITING: dt.timedelta(minutes=rng.uniform(1, 5)),
            UNPAID: dt.timedelta(hours=rng.uniform(1, 48)),
            PAID: dt.timedelta(minutes=rng.uniform(10, 180)),
            TO_SHIP: dt.timedelta(hours=rng.uniform(12, 40)),
            SHIPPED: dt.timedelta(days=rng.uniform(3, 8)),
        }[fate]
        order = self._order(self.network.web[code], code, now - ago, None, web=True)
        offer = self.book.merchant[(merchant_id, code)].draw(rng)
        line = PlannedLine(offer, 1, offer.price_minor)
        self._settle(order, fate if fate in (AWAITING, UNPAID) else PAID)
        if fate == AWAITING:
            # a 3-D Secure step pending: the reconciler leaves it until its hold lapses, 15 minutes after checkout
            order.intent_status, order.gateway_ref = "requires_action", order.gateway_ref or self._charge_ref()
        sub = PlannedSub(merchant_id, [line], fate)
        if fate in (TO_SHIP, SHIPPED):
            sub.accepted_at = order.settled_at + dt.timedelta(hours=rng.uniform(1, 8))
        if fate == SHIPPED:
            sub.shipped_at = sub.accepted_at + dt.timedelta(hours=rng.uniform(4, 36))
            sub.carrier, sub.tracking_number = self._tracking(code)
        order.subs.append(sub)
        return order

    def _order(
        self, channel: Channel, code: str, created_at: dt.datetime, location_id: int | None, *, web: bool
    ) -> PlannedOrder:
        rng = self.rng
        customer = self.customers.get(code) if channel.kind == Channel.Kind.WEB and rng.random() < 0.03 else None
        if customer:
            first, last, email = customer.first_name, customer.last_name, customer.email
        else:
            first, last = rng.choice(FIRST_NAMES[code]), rng.choice(LAST_NAMES[code])
            email = f"{slugify(first)}.{slugify(last)}{rng.randint(1, 9999)}@example.com"
        return PlannedOrder(
            market=self.network.markets[code],
            channel=channel,
            created_at=created_at,
            outcome=AWAITING,
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            email=email,
            address=self._address(code, first, last) if web else {},
            location_id=location_id,
            customer_id=customer.user_id if customer else None,
            clerk_id=self.people.clerks.get(location_id) if location_id else None,
        )

    def _settle(self, order: PlannedOrder, outcome: str) -> None:
        rng = self.rng
        order.outcome = outcome
        settled_at = min(self.now, order.created_at + dt.timedelta(seconds=rng.uniform(20, 180)))
        if outcome == AWAITING:
            order.intent_status = "requires_action" if rng.random() < 0.3 else "created"
        else:
            order.settled_at = settled_at
            order.intent_status = "captured" if outcome == PAID else "failed"
        if order.intent_status != "created":
            order.gateway_ref = self._charge_ref()

    def _charge_ref(self) -> str:
        return f"ch_{self.rng.getrandbits(96):024x}"

    def _sub(self, order: PlannedOrder, merchant_id: int, lines: list[PlannedLine], *, counter: bool) -> PlannedSub:
        if order.outcome != PAID:
            return PlannedSub(merchant_id, lines, order.outcome)
        if counter:  # handed over at the counter once paid
            return PlannedSub(
                merchant_id,
                lines,
                SHIPPED,
                order.settled_at,
                order.settled_at,
                STORE_CARRIER,
                f"POS-{order.public_id.hex[:12].upper()}",
            )
        accepted_at = order.settled_at + dt.timedelta(hours=self.rng.uniform(0.5, 20))
        # some refurbishers are slower to ship, so quality scores and the best offers differ between them
        slowness = SLOWNESS[merchant_id % len(SLOWNESS)]
        shipped_at = accepted_at + dt.timedelta(hours=self.rng.uniform(2, 48) * slowness)
        if shipped_at <= self.now:
            carrier, tracking = self._tracking(order.market.code)
            return PlannedSub(merchant_id, lines, SHIPPED, accepted_at, shipped_at, carrier, tracking)
        if accepted_at <= self.now:
            return PlannedSub(merchant_id, lines, TO_SHIP, accepted_at)
        return PlannedSub(merchant_id, lines, PAID)

    # -- details -----------------------------------------------------------------------------------------------
    def _historic(self, price_minor: int, factor: float, code: str) -> int:
        currency = self.network.markets[code].currency
        unit = 10 ** exponent(currency)
        minor = max(1, round(price_minor * factor / unit)) * unit
        return minor - 1 if currency == "USD" else minor

    def _tracking(self, code: str) -> tuple[str, str]:
        rng = self.rng
        carrier = rng.choice(CARRIERS[code])
        digits = "".join(rng.choices("0123456789", k=12))
        prefix = {"UPS": "1Z", "Colissimo": "6A", "Royal Mail": "RM"}.get(carrier, "")
        return carrier, f"{prefix}{digits}"

    def _address(self, code: str, first: str, last: str) -> dict:
        rng = self.rng
        town, postcode, state = rng.choice(TOWNS[code])
        prefix, digits = PHONES[code]
        number, street = rng.randint(1, 180), rng.choice(STREETS[code])
        return {
            "first_name": first,
            "last_name": last,
            "street": f"{street} {number}" if code in NUMBER_AFTER_STREET else f"{number} {street}",
            "street2": "",
            "company": "",
            "postal_code": postcode,
            "city": town,
            "country": code,
            "phone": prefix + "".join(rng.choices("0123456789", k=digits)),
            "state": state,
        }
