"""Planned orders to rows, one bulk insert per table and chunk, as checkout and fulfilment would have left them.

The rows are those the services write one order at a time (`checkout_start`, `checkout_settle`,
`order_paid`, `suborder_accept`, `suborder_ship`): a payment intent (and the sandbox gateway's charge) and a
stock hold per order; lines priced and taxed by `suborder_priced` as checkout prices them; for each paid
sub-order the ledger's sale transaction exactly as `ledger_record_sale` posts it (`sale_entries`), and for
each paid line the sales fact `analytics.services.sale_facts_build` makes.
States are always derived from the lines with `order_state_from_lines`. No outbox events are emitted: they
would mail every demo customer and build the facts a second time.

Rows refer to their parents by id (`order_id=...`), each table written once its parents have their keys:
assigning related objects costs more per row and ties rows into reference cycles the garbage collector must
then chase."""

import datetime as dt
from dataclasses import dataclass

from remarket.analytics.models import SaleFact
from remarket.analytics.services import sale_facts_build
from remarket.checkout.models import StockHold
from remarket.ledger.calc import sale_entries
from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.ledger.services import line_money, shipping_money
from remarket.markets.models import Location
from remarket.markets.tax import ship_to_of
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing
from remarket.orders.models import Order, OrderHistory, OrderLine, Shipment, SubOrder
from remarket.orders.services import PricedLine, suborder_priced
from remarket.orders.states import LineState, order_state_from_lines
from remarket.payments.models import PaymentIntent, SandboxCharge

from .history import AWAITING, PAID, SHIPPED, TO_SHIP, UNPAID, PlannedOrder, PlannedSub

LINE_STATE = {
    AWAITING: LineState.AWAITING_PAYMENT,
    UNPAID: LineState.NOT_PAID,
    PAID: LineState.PAID,
    TO_SHIP: LineState.ACCEPTED,
    SHIPPED: LineState.SHIPPED,
}
CARD_LAST4 = {"captured": "4242", "failed": "0002", "requires_action": "3220"}  # the sandbox's test cards
FAILURE = "card_declined"
HOLD = dt.timedelta(minutes=15)
BATCH = 1000


@dataclass(slots=True)
class _Written:
    plan: PlannedOrder
    order: Order
    priced: list[tuple[SubOrder, list[OrderLine]]]  # by `suborder_priced`, as checkout prices them
    subs: list[tuple[PlannedSub, SubOrder]] = None


class HistoryWriter:
    def __init__(self, *, merchants: dict[int, Merchant]):
        self.merchants = merchants
        self.rate_cache: dict = {}  # (currency, month) → EUR rate, for `sale_facts_build`
        self._titles: dict[int, str] = {}
        self.places = {l.pk: l for l in Location.objects.all()}

    def write(self, chunk: list[PlannedOrder]) -> None:
        if not chunk:
            return
        written = []
        for plan in chunk:
            priced = self._priced(plan)
            written.append(_Written(plan, self._order(plan, priced), priced))
        Order.objects.bulk_create([w.order for w in written], batch_size=BATCH)
        for w in written:
            w.subs = [(planned, self._sub(w, planned, sub)) for planned, (sub, _) in zip(w.plan.subs, w.priced)]
        SubOrder.objects.bulk_create([sub for w in written for _, sub in w.subs], batch_size=BATCH)
        lines, paid, shells = [], [], {}
        for w in written:
            order_lines = [
                line
                for (planned, sub), (_, priced) in zip(w.subs, w.priced)
                for line in self._lines(w, planned, sub, priced, shells)
            ]
            lines += order_lines
            if w.plan.outcome == PAID:
                paid.append((w.order, order_lines, w.plan.settled_at))
        OrderLine.objects.bulk_create(lines, batch_size=BATCH)
        intents = [self._intent(w) for w in written]
        PaymentIntent.objects.bulk_create(intents, batch_size=BATCH)
        SandboxCharge.objects.bulk_create(
            [
                SandboxCharge(
                    ref=i.gateway_ref,
                    intent_id=i.pk,
                    amount_minor=i.amount_minor,
                    currency=i.currency,
                    status=i.status,
                    card_last4=CARD_LAST4[i.status],
                    created_at=i.created_at,
                )
                for i in intents
                if i.gateway_ref
            ],
            batch_size=BATCH,
        )
        StockHold.objects.bulk_create([self._hold(w) for w in written], batch_size=BATCH)
        Shipment.objects.bulk_create(
            [
                Shipment(
                    suborder_id=sub.pk, carrier=p.carrier, tracking_number=p.tracking_number, shipped_at=p.shipped_at
                )
                for w in written
                for p, sub in w.subs
                if p.shipped_at
            ],
            batch_size=BATCH,
        )
        OrderHistory.objects.bulk_create([h for w in written for h in self._history(w)], batch_size=BATCH)
        sales = [
            (
                sub,
                lines,
                LedgerTransaction(
                    kind="sale",
                    order_id=w.order.pk,
                    suborder_id=sub.pk,
                    merchant_id=sub.merchant_id,
                    at=w.plan.settled_at,
                ),
            )
            for w in written
            if w.plan.outcome == PAID
            for sub, lines in w.priced
        ]
        LedgerTransaction.objects.bulk_create([txn for _, _, txn in sales], batch_size=BATCH)
        LedgerEntry.objects.bulk_create(
            [e for sub, lines, txn in sales for e in self._entries(sub, lines, txn)], batch_size=BATCH
        )
        facts = [
            fact
            for order, order_lines, sold_at in paid
            for fact in sale_facts_build(order=order, lines=order_lines, sold_at=sold_at, rate_cache=self.rate_cache)
        ]
        SaleFact.objects.bulk_create(facts, batch_size=BATCH)

    # -- rows --------------------------------------------------------------------------------------------------
    def _priced(self, plan: PlannedOrder) -> list[tuple[SubOrder, list[OrderLine]]]:
        # the one rule (markets/tax.py): the delivery address when there is one, else the counter's place
        ship_to = ship_to_of(
            market_code=plan.market.code,
            address=plan.address,
            location=self.places[plan.location_id] if plan.location_id else None,
        )
        on = plan.market.local_date(plan.created_at)
        return [
            suborder_priced(
                market=plan.market,
                merchant_id=p.merchant_id,
                ship=None,
                ship_to=ship_to,
                on=on,
                currency=plan.market.currency,
                now=plan.created_at,
                lines=[self._priced_line(l) for l in p.lines],
            )
            for p in plan.subs
        ]

    def _priced_line(self, planned_line) -> PricedLine:
        offer, terms = planned_line.offer, planned_line.offer.terms
        return PricedLine(
            listing_id=offer.listing_id,
            merchant_id=offer.merchant_id,
            sku=offer.sku,
            title=self._title(offer),
            grade=offer.grade,
            quantity=planned_line.quantity,
            unit_price_minor=planned_line.unit_price_minor,
            location_id=offer.location_id,
            merchant_country=terms.merchant_country,
            vat_scheme=terms.vat_scheme,
            purchase_price_minor=terms.purchase_minor,
            purchase_currency=terms.purchase_currency,
            commission_bp=terms.commission_bp,
        )

    def _order(self, plan: PlannedOrder, priced) -> Order:
        states = [LINE_STATE[p.fate] for p in plan.subs for _ in p.lines]
        changed = [t for p in plan.subs for t in (p.accepted_at, p.shipped_at) if t]
        return Order(
            public_id=plan.public_id,
            market=plan.market,
            channel=plan.channel,
            location_id=plan.location_id,
            customer_id=plan.customer_id,
            clerk_id=plan.clerk_id,
            email=plan.email,
            state=order_state_from_lines(states),
            currency=plan.market.currency,
            total_minor=sum(sub.total_minor for sub, _ in priced),
            tax_minor=sum(sub.tax_minor for sub, _ in priced),
            shipping_address=plan.address,
            created_at=plan.created_at,
            modified_at=max([plan.settled_at or plan.created_at, *changed]),
        )

    @staticmethod
    def _sub(w: _Written, planned: PlannedSub, sub: SubOrder) -> SubOrder:
        changed = [t for t in (w.plan.settled_at, planned.accepted_at, planned.shipped_at) if t]
        sub.order_id = w.order.pk
        sub.state = order_state_from_lines([LINE_STATE[planned.fate]] * len(planned.lines))
        sub.modified_at = max([w.plan.created_at, *changed])
        return sub

    @staticmethod
    def _lines(
        w: _Written, planned: PlannedSub, sub: SubOrder, priced: list[OrderLine], shells: dict[int, Listing]
    ) -> list[OrderLine]:
        state, lines = LINE_STATE[planned.fate], []
        for planned_line, line in zip(planned.lines, priced):
            offer = planned_line.offer
            line.suborder_id, line.state = sub.pk, state
            if w.plan.outcome == PAID:  # what `sale_facts_build` reads, attached so that it needs no query
                shell = shells.get(offer.listing_id)
                if shell is None:
                    shell = shells[offer.listing_id] = Listing(id=offer.listing_id, variant=offer.variant.variant)
                line.suborder, line.listing = sub, shell
            lines.append(line)
        return lines

    @staticmethod
    def _intent(w: _Written) -> PaymentIntent:
        plan = w.plan
        return PaymentIntent(
            order_id=w.order.pk,
            amount_minor=w.order.total_minor,
            currency=w.order.currency,
            status=plan.intent_status,
            gateway_ref=plan.gateway_ref,
            failure_code=FAILURE if plan.outcome == UNPAID else "",
            created_at=plan.created_at,
            updated_at=plan.settled_at or plan.created_at,
        )

    @staticmethod
    def _hold(w: _Written) -> StockHold:
        outcome = {PAID: "sold", UNPAID: "released"}.get(w.plan.outcome, "")
        return StockHold(
            order_id=w.order.pk, expires_at=w.plan.created_at + HOLD, released_at=w.plan.settled_at, outcome=outcome
        )

    def _history(self, w: _Written) -> list[OrderHistory]:
        plan, order_id = w.plan, w.order.pk
        rows = [OrderHistory(order_id=order_id, at=plan.created_at, what="created, awaiting payment")]
        if plan.outcome == PAID:
            rows.append(OrderHistory(order_id=order_id, at=plan.settled_at, what="paid"))
        elif plan.outcome == UNPAID:
            rows.append(OrderHistory(order_id=order_id, at=plan.settled_at, what=f"not paid: {FAILURE}"))
        for planned, sub in w.subs:
            merchant = self.merchants[planned.merchant_id]
            if planned.accepted_at:
                rows.append(
                    OrderHistory(
                        order_id=order_id, suborder_id=sub.pk, at=planned.accepted_at, what=f"accepted by {merchant}"
                    )
                )
            if planned.shipped_at:
                what = f"shipped by {merchant} with {planned.carrier} {planned.tracking_number}"
                rows.append(OrderHistory(order_id=order_id, suborder_id=sub.pk, at=planned.shipped_at, what=what))
        return rows

    @staticmethod
    def _entries(sub: SubOrder, lines: list[OrderLine], txn: LedgerTransaction) -> list[LedgerEntry]:
        """The entries `ledger_record_sale` posts for a paid sub-order (`sale_entries`); they sum to zero."""
        return [
            LedgerEntry(
                transaction_id=txn.pk,
                account=e.account,
                line=e.line,
                merchant_id=e.merchant_id,
                amount_minor=e.amount_minor,
                currency=e.currency,
                at=txn.at,
            )
            for e in sale_entries(
                merchant_id=sub.merchant_id,
                currency=lines[0].currency,
                lines=[line_money(l) for l in lines],
                shipping=shipping_money(sub),
            )
        ]

    def _title(self, offer) -> str:
        variant = offer.variant.variant
        if variant.pk not in self._titles:
            self._titles[variant.pk] = str(variant)
        return self._titles[variant.pk]
