"""Planned orders to rows, one bulk insert per table and chunk, as checkout and fulfilment would have left them.

The rows are those the services write one order at a time (`checkout_start`, `checkout_settle`,
`order_paid`, `suborder_accept`, `suborder_ship`): a payment intent (and the sandbox gateway's charge) and a
stock hold per order; for each paid sub-order the ledger's sale transaction exactly as `ledger_record_sale`
splits it (`sale_split`), and for each paid line the sales fact `analytics.services.sale_facts_build` makes.
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
from remarket.ledger.calc import sale_split
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing
from remarket.orders.models import Order, OrderHistory, OrderLine, Shipment, SubOrder
from remarket.orders.states import LineState, order_state_from_lines
from remarket.payments.models import PaymentIntent, SandboxCharge

from .history import AWAITING, PAID, SHIPPED, TO_SHIP, UNPAID, PlannedOrder, PlannedSub

LINE_STATE = {AWAITING: LineState.AWAITING_PAYMENT, UNPAID: LineState.NOT_PAID, PAID: LineState.PAID,
              TO_SHIP: LineState.ACCEPTED, SHIPPED: LineState.SHIPPED}
CARD_LAST4 = {"captured": "4242", "failed": "0002", "requires_action": "3220"}  # the sandbox's test cards
FAILURE = "card_declined"
HOLD = dt.timedelta(minutes=15)
BATCH = 1000


@dataclass(slots=True)
class _Written:
    plan: PlannedOrder
    order: Order
    subs: list[tuple[PlannedSub, SubOrder]]


class HistoryWriter:
    def __init__(self, *, merchants: dict[int, Merchant]):
        self.merchants = merchants
        self.rate_cache: dict = {}  # (currency, month) → EUR rate, for `sale_facts_build`
        self._titles: dict[int, str] = {}

    def write(self, chunk: list[PlannedOrder]) -> None:
        if not chunk:
            return
        written = [_Written(plan, self._order(plan), []) for plan in chunk]
        Order.objects.bulk_create([w.order for w in written], batch_size=BATCH)
        for w in written:
            w.subs = [(planned, self._sub(w, planned)) for planned in w.plan.subs]
        SubOrder.objects.bulk_create([sub for w in written for _, sub in w.subs], batch_size=BATCH)
        lines, paid, shells = [], [], {}
        for w in written:
            order_lines = [line for planned, sub in w.subs for line in self._lines(w, planned, sub, shells)]
            lines += order_lines
            if w.plan.outcome == PAID:
                paid.append((w.order, order_lines, w.plan.settled_at))
        OrderLine.objects.bulk_create(lines, batch_size=BATCH)
        intents = [self._intent(w) for w in written]
        PaymentIntent.objects.bulk_create(intents, batch_size=BATCH)
        SandboxCharge.objects.bulk_create(
            [SandboxCharge(ref=i.gateway_ref, intent_id=i.pk, amount_minor=i.amount_minor, currency=i.currency,
                           status=i.status, card_last4=CARD_LAST4[i.status], created_at=i.created_at)
             for i in intents if i.gateway_ref], batch_size=BATCH)
        StockHold.objects.bulk_create([self._hold(w) for w in written], batch_size=BATCH)
        Shipment.objects.bulk_create(
            [Shipment(suborder_id=sub.pk, carrier=p.carrier, tracking_number=p.tracking_number, shipped_at=p.shipped_at)
             for w in written for p, sub in w.subs if p.shipped_at], batch_size=BATCH)
        OrderHistory.objects.bulk_create([h for w in written for h in self._history(w)], batch_size=BATCH)
        sales = [(w.order, sub, LedgerTransaction(kind="sale", order_id=w.order.pk, suborder_id=sub.pk,
                                                  at=w.plan.settled_at))
                 for w in written if w.plan.outcome == PAID for _, sub in w.subs]
        LedgerTransaction.objects.bulk_create([txn for _, _, txn in sales], batch_size=BATCH)
        LedgerEntry.objects.bulk_create([e for order, sub, txn in sales for e in self._entries(order, sub, txn)],
                                        batch_size=BATCH)
        facts = [fact for order, order_lines, sold_at in paid
                 for fact in sale_facts_build(order=order, lines=order_lines, sold_at=sold_at,
                                              rate_cache=self.rate_cache)]
        SaleFact.objects.bulk_create(facts, batch_size=BATCH)

    # -- rows --------------------------------------------------------------------------------------------------
    def _order(self, plan: PlannedOrder) -> Order:
        states = [LINE_STATE[p.fate] for p in plan.subs for _ in p.lines]
        changed = [t for p in plan.subs for t in (p.accepted_at, p.shipped_at) if t]
        return Order(public_id=plan.public_id, market=plan.market, channel=plan.channel, location_id=plan.location_id,
                     customer_id=plan.customer_id, clerk_id=plan.clerk_id, email=plan.email,
                     state=order_state_from_lines(states), currency=plan.market.currency,
                     total_minor=sum(l.unit_price_minor * l.quantity for p in plan.subs for l in p.lines),
                     shipping_address=plan.address, created_at=plan.created_at,
                     modified_at=max([plan.settled_at or plan.created_at, *changed]))

    @staticmethod
    def _sub(w: _Written, planned: PlannedSub) -> SubOrder:
        changed = [t for t in (w.plan.settled_at, planned.accepted_at, planned.shipped_at) if t]
        return SubOrder(order_id=w.order.pk, merchant_id=planned.merchant_id,
                        state=order_state_from_lines([LINE_STATE[planned.fate]] * len(planned.lines)),
                        total_minor=sum(l.unit_price_minor * l.quantity for l in planned.lines),
                        created_at=w.plan.created_at, modified_at=max([w.plan.created_at, *changed]))

    def _lines(self, w: _Written, planned: PlannedSub, sub: SubOrder, shells: dict[int, Listing]) -> list[OrderLine]:
        state, lines = LINE_STATE[planned.fate], []
        for planned_line in planned.lines:
            offer = planned_line.offer
            line = OrderLine(suborder_id=sub.pk, listing_id=offer.listing_id, location_id=offer.location_id,
                             sku=offer.sku, title=self._title(offer), grade=offer.grade,
                             quantity=planned_line.quantity, unit_price_minor=planned_line.unit_price_minor,
                             total_minor=planned_line.unit_price_minor * planned_line.quantity,
                             currency=w.order.currency, state=state)
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
        return PaymentIntent(order_id=w.order.pk, amount_minor=w.order.total_minor, currency=w.order.currency,
                             status=plan.intent_status, gateway_ref=plan.gateway_ref,
                             failure_code=FAILURE if plan.outcome == UNPAID else "", created_at=plan.created_at,
                             updated_at=plan.settled_at or plan.created_at)

    @staticmethod
    def _hold(w: _Written) -> StockHold:
        outcome = {PAID: "sold", UNPAID: "released"}.get(w.plan.outcome, "")
        return StockHold(order_id=w.order.pk, expires_at=w.plan.created_at + HOLD, released_at=w.plan.settled_at,
                         outcome=outcome)

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
                rows.append(OrderHistory(order_id=order_id, suborder_id=sub.pk, at=planned.accepted_at,
                                         what=f"accepted by {merchant}"))
            if planned.shipped_at:
                what = f"shipped by {merchant} with {planned.carrier} {planned.tracking_number}"
                rows.append(OrderHistory(order_id=order_id, suborder_id=sub.pk, at=planned.shipped_at, what=what))
        return rows

    def _entries(self, order: Order, sub: SubOrder, txn: LedgerTransaction) -> list[LedgerEntry]:
        """The three entries `ledger_record_sale` posts for a paid sub-order; they sum to zero."""
        split = sale_split(gross_minor=sub.total_minor, commission_bp=self.merchants[sub.merchant_id].commission_bp)
        return [
            LedgerEntry(transaction_id=txn.pk, account=Account.GATEWAY_CLEARING, amount_minor=split.gross_minor,
                        currency=order.currency),
            LedgerEntry(transaction_id=txn.pk, account=Account.COMMISSION, amount_minor=-split.commission_minor,
                        currency=order.currency),
            LedgerEntry(transaction_id=txn.pk, account=Account.MERCHANT_PAYABLE, merchant_id=sub.merchant_id,
                        amount_minor=-split.merchant_minor, currency=order.currency),
        ]

    def _title(self, offer) -> str:
        variant = offer.variant.variant
        if variant.pk not in self._titles:
            self._titles[variant.pk] = str(variant)
        return self._titles[variant.pk]
