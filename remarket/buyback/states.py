"""The trade-in state machine, in the seller contract's statuses:

    NEW ──▶ TO_SEND ──▶ SENT ──▶ RECEIVED ──▶ VALIDATED ──▶ PAID ──▶ MONEY_TRANSFERED
     │  ▲      │  └────────────────▲  │  ▲         ▲
     ▼  │      │                    │  │  │         │
    PENDING    │     COUNTER_PROPOSAL ◀┘  │ SUSPENDED ┘ (accepted: VALIDATED at the counter-offer)
     │         │          │               │    │
     └─────────┴──▶ CANCELLED   RETURNED ◀┴────┘

    from               to                 who, and the function (services.py, counter.py)
    NEW, PENDING       TO_SEND            the identity check passed: the free label is issued (`tradein_identity`)
    NEW                PENDING            the identity check failed: the customer corrects it
    NEW, PENDING,      CANCELLED          the customer withdraws (`tradein_cancel`), or the 21 days to send it
    TO_SEND                               passed (`tradeins_expire`)
    TO_SEND            SENT               the customer sent the parcel or handed it in at a location offering
                                          trade-in (`tradein_ship`, `tradein_hand_in`)
    TO_SEND, SENT      RECEIVED           the merchant has the device (`tradein_receive`)
    RECEIVED           VALIDATED          the merchant validates it at the quote (`tradein_validate`)
    RECEIVED           COUNTER_PROPOSAL   the merchant offers less, with reasons and photos (`tradein_counter_offer`)
    RECEIVED           SUSPENDED          the merchant suspends it with reasons (`tradein_suspend`)
    SUSPENDED          RECEIVED           the merchant resumes the inspection (`tradein_resume`)
    COUNTER_PROPOSAL   VALIDATED          the customer accepts the counter-offer (`tradein_counter_accept`)
    COUNTER_PROPOSAL   RETURNED           the customer refuses it, or lets 7 days pass: the device comes back free
    SUSPENDED          RETURNED           the merchant sends the device back (`tradein_send_back`)
    VALIDATED          PAID               the merchant's payout to the customer is posted (`tradein_pay`)
    PAID               MONEY_TRANSFERED   the money left: a bank transfer, or the credit used at a till

Any other move is BUYBACK_TRANSITION_REFUSED (409), nothing changed."""

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError

from .models import Status

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.PENDING, S.TO_SEND, S.CANCELLED}),
    S.PENDING: frozenset({S.TO_SEND, S.CANCELLED}),
    S.TO_SEND: frozenset({S.SENT, S.RECEIVED, S.CANCELLED}),
    S.SENT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.VALIDATED, S.COUNTER_PROPOSAL, S.SUSPENDED}),
    S.COUNTER_PROPOSAL: frozenset({S.VALIDATED, S.RETURNED}),
    S.SUSPENDED: frozenset({S.RECEIVED, S.RETURNED}),
    S.VALIDATED: frozenset({S.PAID}),
    S.PAID: frozenset({S.MONEY_TRANSFERED}),
    S.MONEY_TRANSFERED: frozenset(),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
}
CLOSED = frozenset({S.MONEY_TRANSFERED, S.CANCELLED, S.RETURNED})
# the statuses the seller contract knows: the two others are not served on /ws/
CONTRACT = tuple(s for s in S.values if s not in (S.CANCELLED, S.RETURNED))
PENDING_REPLY = (S.RECEIVED,)  # the merchant's move: inspect and validate, counter-offer or suspend


def transition_check(current: str, new: str, *, only_from: tuple[str, ...] = ()) -> None:
    """Refuse a move the table does not allow, or one from a status outside `only_from` (when given)."""
    if new not in TRANSITIONS.get(current, frozenset()) or (only_from and current not in only_from):
        raise DomainError(
            "BUYBACK_TRANSITION_REFUSED",
            _("A trade-in in status %(from)s cannot move to %(to)s.") % {"from": current, "to": new},
            {"from": current, "to": new},
            status=409,
        )
