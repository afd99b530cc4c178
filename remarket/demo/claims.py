"""The demo's warranty claims: a few customers' recent parcels with a claim in each of the states a person meets —
waiting for the seller, escalated to the operator when the seller let the deadline pass, under repair, repaired
and sent back, refused — made through the claims' services at the moments they happened."""

import datetime as dt

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import claims
from remarket.core import clock
from remarket.orders.models import OrderLine
from remarket.orders.states import LineState

# what happens to each claim, and how many days ago it was opened
FATES = (("open", 1), ("escalated", 9), ("repairing", 6), ("repaired", 20), ("refused", 15))
PROBLEMS = (
    ("battery", "The battery drops from 100 % to 20 % in two hours."),
    ("screen", "A green line appeared down the middle of the screen."),
    ("audio", "The speaker crackles during calls."),
    ("connectivity", "Wi-Fi keeps disconnecting."),
    ("camera", "The rear camera does not focus."),
)


def demo_claims_build(*, now: dt.datetime) -> int:
    """Claims on the customers' web parcels shipped one to ten months ago (the latest first), one per sub-order; returns how many were made."""
    lines = list(
        OrderLine.objects.filter(
            state=LineState.SHIPPED,
            suborder__order__customer__isnull=False,
            suborder__order__location__isnull=True,
            suborder__shipment__shipped_at__gte=now - dt.timedelta(days=300),
            suborder__shipment__shipped_at__lte=now - dt.timedelta(days=30),
        )
        .select_related("suborder__order")
        .order_by("-suborder__shipment__shipped_at", "pk")[: len(FATES) * 4]
    )
    seen, made = set(), 0
    for line in lines:
        if line.suborder_id in seen or made == len(FATES):
            continue
        seen.add(line.suborder_id)
        fate, days = FATES[made]
        issue, problem = PROBLEMS[made]
        customer = Actor(user_id=line.suborder.order.customer_id, role=Role.CUSTOMER)
        seller = Actor(user_id=None, role=Role.MERCHANT, merchant_id=line.suborder.merchant_id)
        opened_at = now - dt.timedelta(days=days)
        with clock.frozen(opened_at):
            claim = claims.claim_open(actor=customer, order_line_id=line.pk, issue=issue, problem=problem)
        answer_at = opened_at + dt.timedelta(hours=20)
        with clock.frozen(answer_at):
            if fate in ("repairing", "repaired"):
                claims.claim_answer(actor=seller, claim_id=claim.pk, resolution="repair")
            if fate == "refused":
                claims.claim_answer(
                    actor=seller, claim_id=claim.pk, resolution="refuse", reason="Liquid damage: not covered."
                )
        if fate == "repaired":
            with clock.frozen(answer_at + dt.timedelta(days=5)):
                claims.claim_transfer(
                    actor=seller,
                    claim_id=claim.pk,
                    carrier="Colissimo",
                    tracking_number=f"REP{claim.pk:06d}",
                    action="REPAIR",
                )
        made += 1
    with clock.frozen(now):
        claims.claims_escalate_due()  # the worker's job: the claim nobody answered goes to the operator
    return made
