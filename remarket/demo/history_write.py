"""Planned orders to rows, one bulk insert per table and chunk, as checkout and fulfilment would have left them.

The rows are those the services write one order at a time (`checkout_start`, `checkout_settle`,
`order_paid`, `suborder_accept`, `suborder_ship`): a payment intent and a stock hold per order; for each
paid sub-order the ledger's sale transaction exactly as `ledger_record_sale` splits it (`sale_split`), and
for each paid line the sales fact `analytics.services.sale_facts_build` makes. States are always derived
from the lines with `order_state_from_lines`. No outbox events are emitted: they would mail every demo
customer and build the facts a second time."""
import datetime as dt
from collections import Counter

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

from .history import AWAITING, PAID, SHIPPED, TO_SHIP, UNPAID, PlannedOrder

LINE_STATE = {AWAITING: LineState.AWAITING_PAYMENT, UNPAID: LineState.NOT_PAID, PAID: LineState.PAID,
              TO_SHIP: LineState.ACCEPTED, SHIPPED: LineState.SHIPPED}
CARD_LAST4 = {"captured": "4242", "failed": "0002", "requires_action": "3220"}  # the sandbox's test cards
HOLD = dt.timedelta(minutes=15)
BATCH = 1000


class HistoryWriter:
    def __init__(self, *, merchants: dict[int, Merchant]):
        self.merchants = merchants
        self.rate_cache: dict = {}
        self.counts: Counter = Counter()
        self._titles: dict[int, str] = {}

    def write(self, chunk: list[PlannedOrder]) -> None:
        rows = _Rows()
        shells: dict[int, Listing] = {}
        for plan in chunk:
            self._order(plan, rows, shells)
        Order.objects.bulk_create(rows.orders, batch_size=BATCH)
        SubOrder.objects.bulk_create(rows.subs, batch_size=BATCH)
        OrderLine.objects.bulk_create(rows.lines, batch_size=BATCH)
        PaymentIntent.objects.bulk_create(rows.intents, batch_size=BATCH)
        SandboxCharge.objects.bulk_create(
            [SandboxCharge(ref=i.gateway_ref, intent_id=i.pk, amount_minor=i.amount_minor, currency=i.currency,
                           status=i.status, card_last4=CARD_LAST4[i.status], created_at=i.created_at)
             for i in rows.intents if i.gateway_ref], batch_size=BATCH)
        StockHold.objects.bulk_create(rows.holds, batch_size=BATCH)
        Shipment.objects.bulk_create(rows.shipments, batch_size=BATCH)
        OrderHistory.objects.bulk_create(rows.history, batch_size=BATCH)
        LedgerTransaction.objects.bulk_create([t for t, _ in rows.sales], batch_size=BATCH)
        LedgerEntry.objects.bulk_create([e for _, entries in rows.sales for e in entries], batch_size=BATCH)
        facts = [fact for order, lines, sold_at in rows.paid
                 for fact in sale_facts_build(order=order, lines=lines, sold_at=sold_at, rate_cache=self.rate_cache)]
        SaleFact.objects.bulk_create(facts, batch_size=BATCH)
        self.counts.update(orders=len(rows.orders), suborders=len(rows.subs), lines=len(rows.lines),
                           shipments=len(rows.shipments), ledger_transactions=len(rows.sales), sale_facts=len(facts))

    def _title(self, offer) -> str:
        variant = offer.variant.variant
        if variant.pk not in self._titles:
            self._titles[variant.pk] = str(variant)
        return self._titles[variant.pk]

    def _order(self, plan: PlannedOrder, rows: "_Rows", shells: dict[int, Listing]) -> None:
        currency = plan.market.currency
        order = Order(public_id=plan.public_id, market=plan.market, channel=plan.channel, location_id=plan.location_id,
                      customer_id=plan.customer_id, clerk_id=plan.clerk_id, email=plan.email, currency=currency,
                      shipping_address=plan.address, created_at=plan.created_at)
        rows.history.append(OrderHistory(order=order, at=plan.created_at, what="created, awaiting payment"))
        states, subs, order_lines, changed = [], [], [], [plan.settled_at or plan.created_at]
        for planned in plan.subs:
            merchant = self.merchants[planned.merchant_id]
            state = LINE_STATE[planned.fate]
            sub_changed = max(t for t in (plan.settled_at, planned.accepted_at, planned.shipped_at, plan.created_at) if t)
            sub = SubOrder(order=order, merchant=merchant, state=order_state_from_lines([state] * len(planned.lines)),
                           total_minor=sum(l.unit_price_minor * l.quantity for l in planned.lines),
                           created_at=plan.created_at, modified_at=sub_changed)
            changed.append(sub_changed)
            subs.append(sub)
            for planned_line in planned.lines:
                offer = planned_line.offer
                shell = shells.get(offer.listing_id)
                if shell is None:
                    shell = shells[offer.listing_id] = Listing(id=offer.listing_id, merchant_id=offer.merchant_id,
                                                               variant=offer.variant.variant, grade=offer.grade,
                                                               sku=offer.sku)
                line = OrderLine(suborder=sub, listing=shell, location_id=offer.location_id, sku=offer.sku,
                                 title=self._title(offer), grade=offer.grade, quantity=planned_line.quantity,
                                 unit_price_minor=planned_line.unit_price_minor, currency=currency, state=state,
                                 total_minor=planned_line.unit_price_minor * planned_line.quantity)
                rows.lines.append(line)
                order_lines.append(line)
                states.append(state)
            if planned.accepted_at:
                rows.history.append(OrderHistory(order=order, suborder=sub, at=planned.accepted_at,
                                                 what=f"accepted by {merchant}"))
            if planned.shipped_at:
                rows.shipments.append(Shipment(suborder=sub, carrier=planned.carrier, shipped_at=planned.shipped_at,
                                               tracking_number=planned.tracking_number))
                rows.history.append(OrderHistory(
                    order=order, suborder=sub, at=planned.shipped_at,
                    what=f"shipped by {merchant} with {planned.carrier} {planned.tracking_number}"))
            if plan.outcome == PAID:
                rows.sales.append(_sale(order, sub, merchant, currency, plan.settled_at))
        order.state = order_state_from_lines(states)
        order.total_minor = sum(s.total_minor for s in subs)
        order.modified_at = max(changed)
        rows.orders.append(order)
        rows.subs.extend(subs)
        failure = "card_declined" if plan.outcome == UNPAID else ""
        rows.intents.append(PaymentIntent(order=order, amount_minor=order.total_minor, currency=currency,
                                          status=plan.intent_status, gateway_ref=plan.gateway_ref,
                                          failure_code=failure, created_at=plan.created_at,
                                          updated_at=plan.settled_at or plan.created_at))
        outcome = {PAID: "sold", UNPAID: "released"}.get(plan.outcome, "")
        rows.holds.append(StockHold(order=order, expires_at=plan.created_at + HOLD, released_at=plan.settled_at,
                                    outcome=outcome))
        if plan.outcome == PAID:
            rows.history.append(OrderHistory(order=order, at=plan.settled_at, what="paid"))
            rows.paid.append((order, order_lines, plan.settled_at))
        elif plan.outcome == UNPAID:
            rows.history.append(OrderHistory(order=order, at=plan.settled_at, what=f"not paid: {failure}"))


def _sale(order: Order, sub: SubOrder, merchant: Merchant, currency: str,
          at: dt.datetime) -> tuple[LedgerTransaction, list[LedgerEntry]]:
    """The sale transaction `ledger_record_sale` writes for a paid sub-order."""
    split = sale_split(gross_minor=sub.total_minor, commission_bp=merchant.commission_bp)
    txn = LedgerTransaction(kind="sale", order=order, suborder=sub, at=at)
    return txn, [
        LedgerEntry(transaction=txn, account=Account.GATEWAY_CLEARING, amount_minor=split.gross_minor,
                    currency=currency),
        LedgerEntry(transaction=txn, account=Account.COMMISSION, amount_minor=-split.commission_minor,
                    currency=currency),
        LedgerEntry(transaction=txn, account=Account.MERCHANT_PAYABLE, merchant=merchant,
                    amount_minor=-split.merchant_minor, currency=currency),
    ]


class _Rows:
    def __init__(self):
        self.orders: list[Order] = []
        self.subs: list[SubOrder] = []
        self.lines: list[OrderLine] = []
        self.intents: list[PaymentIntent] = []
        self.holds: list[StockHold] = []
        self.shipments: list[Shipment] = []
        self.history: list[OrderHistory] = []
        self.sales: list[tuple[LedgerTransaction, list[LedgerEntry]]] = []
        self.paid: list[tuple[Order, list[OrderLine], dt.datetime]] = []
