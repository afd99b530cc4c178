"""DESIGN's money invariants (2: no lost or doubled payment, 3: the ledger balances) read back from the database
and the sandbox's own books, as a list of violations per order, so that a race test can say how many of its
attempts broke them."""

from collections import Counter, defaultdict

from django.db.models import Count, Sum

from remarket.ledger.models import LedgerEntry, LedgerTransaction
from remarket.offers.models import Listing, LocationStock
from remarket.orders.models import Order, SubOrder
from remarket.payments.models import PaymentIntent, SandboxCharge

PAID = (1, 3, 9)  # paid, to ship, shipped or handed over
TOOK_MONEY = ("captured", "partially_refunded", "refunded")  # a sandbox charge whose money was taken


def order_violations(order_ids=None) -> dict[int, list[str]]:
    """Per order (all orders, or these), what is wrong with its money:
    - money kept at the gateway (captured and not fully refunded) for an order that is not paid;
    - a paid order without exactly one captured, unrefunded charge, or whose intent does not say captured;
    - a paid order without exactly one ledger sale per sub-order, an unpaid one with any."""
    orders = Order.objects.all() if order_ids is None else Order.objects.filter(pk__in=list(order_ids))
    states = dict(orders.values_list("pk", "state"))
    intents = {i.order_id: i for i in PaymentIntent.objects.filter(order_id__in=states)}
    charges = {c.intent_id: c for c in SandboxCharge.objects.filter(intent_id__in=[i.pk for i in intents.values()])}
    sales = Counter(
        dict(
            LedgerTransaction.objects.filter(kind="sale", order_id__in=states)
            .values("order_id")
            .annotate(n=Count("id"))
            .values_list("order_id", "n")
        )
    )
    suborders = dict(
        SubOrder.objects.filter(order_id__in=states)
        .values("order_id")
        .annotate(n=Count("id"))
        .values_list("order_id", "n")
    )
    problems: dict[int, list[str]] = defaultdict(list)
    for order_id, state in states.items():
        intent = intents.get(order_id)
        charge = charges.get(intent.pk) if intent else None
        took = charge is not None and charge.status in TOOK_MONEY
        kept = took and charge.refunded_minor < charge.amount_minor
        paid = state in PAID
        if kept and not paid:
            problems[order_id].append(
                f"charged {charge.amount_minor - charge.refunded_minor} ({charge.status}) "
                f"but the order is in state {state}, intent {intent.status}"
            )
        if paid and not (charge is not None and charge.status == "captured" and charge.refunded_minor == 0):
            problems[order_id].append(
                f"paid (state {state}) without its captured charge ({charge.status if charge else 'none'})"
            )
        if paid and intent.status != "captured":
            problems[order_id].append(f"paid while its intent says {intent.status}")
        expected = suborders.get(order_id, 0) if paid else 0
        if sales[order_id] != expected:
            problems[order_id].append(
                f"{sales[order_id]} ledger sales for {suborders.get(order_id, 0)} sub-orders, order in state {state}"
            )
    return dict(problems)


def ledger_sums() -> dict[str, int]:
    """Per currency, what the ledger sums to (0 when it balances); only currencies that do not balance."""
    sums = LedgerEntry.objects.values("currency").annotate(s=Sum("amount_minor")).values_list("currency", "s")
    return {currency: total for currency, total in sums if total}


def negative_stock() -> list[str]:
    return [f"listing {pk}: {q}" for pk, q in Listing.objects.filter(quantity__lt=0).values_list("pk", "quantity")] + [
        f"location stock {pk}: {a}"
        for pk, a in LocationStock.objects.filter(available__lt=0).values_list("pk", "available")
    ]


def report(name: str, attempts: int, violations: int) -> str:
    """One line per test for the closing note (pytest -s shows it)."""
    line = f"[money] {name}: attempts={attempts} violations={violations}"
    print(line)
    return line
