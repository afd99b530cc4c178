"""Warranty claims (the seller contract's care folders): a customer's claim on one shipped order line within its
warranty, answered by the seller, escalated to the operator when the seller's deadline passes or the customer
disputes, and always ending refunded, repaired, replaced or refused. Each move is one function here:

    open ──▶ repairing ──▶ repaired ─┐
      │  └─▶ replacing ──▶ replaced ─┤   a message to a closed claim (repaired, replaced, refunded, refused)
      │         │    │               ├── reopens it: back to open, the seller's deadline counted again
      ├─────────┴────┴──▶ refunded ──┤
      ├──▶ refused ──────────────────┘
      └──▶ escalated ◀── (open, repairing, replacing past their deadline; repairing, replacing, refused disputed)
              └──▶ refunded, repairing, replacing, refused (the operator decides)

    from                               to          who, and the function
    open                               repairing,  the seller answers (`claim_answer`); a refund goes through
                                       replacing,  refunds.py at once, a refusal needs a reason
                                       refunded,
                                       refused
    repairing, replacing               refunded    the seller cannot repair or replace after all (`claim_answer`)
    repairing (open)                   repaired    the seller sent the repaired device back (`claim_transfer`)
    replacing (open)                   replaced    ... or a replacement
    open, repairing, replacing         refused     ... or sent it back unchanged (`claim_transfer`, NOTHING)
    open, repairing, replacing         escalated   the deadline passed (`claims_escalate_due`, a periodic job)
    repairing, replacing, refused      escalated   the customer disputes (`claim_dispute`)
    escalated                          refunded,   the operator decides (`claim_decide`)
                                       repairing,
                                       replacing,
                                       refused
    repaired, replaced, refunded,      open        a message from the customer or the seller (`claim_message`)
    refused

Every state that is not closed has a deadline (a database constraint holds it): the seller's answer
(ANSWER_BUSINESS_DAYS), a repair or a replacement (FIX_BUSINESS_DAYS), the operator's decision
(DECIDE_BUSINESS_DAYS), in the market's business days. Any other move is AFTERSALES_CLAIM_TRANSITION_REFUSED
(409), nothing changed."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.money import to_minor
from remarket.core.text import text_check
from remarket.events.outbox import emit
from remarket.orders.access import order_access_check
from remarket.orders.models import OrderLine, SubOrder
from remarket.orders.states import LineState

from . import calc
from .models import (
    ClaimAttachment,
    ClaimIssue,
    ClaimMessage,
    ClaimState,
    ItemTransfer,
    Resolution,
    WarrantyClaim,
)
from .photos import photos_check
from .refunds import aftersales_refund
from .window import delivered_on

C = ClaimState
TRANSITIONS: dict[str, frozenset[str]] = {
    C.OPEN: frozenset({C.REPAIRING, C.REPLACING, C.REFUNDED, C.REFUSED, C.REPAIRED, C.REPLACED, C.ESCALATED}),
    C.REPAIRING: frozenset({C.REPAIRED, C.REFUNDED, C.REFUSED, C.ESCALATED}),
    C.REPLACING: frozenset({C.REPLACED, C.REFUNDED, C.REFUSED, C.ESCALATED}),
    C.ESCALATED: frozenset({C.REFUNDED, C.REPAIRING, C.REPLACING, C.REFUSED}),
    C.REFUNDED: frozenset({C.OPEN}),
    C.REPAIRED: frozenset({C.OPEN}),
    C.REPLACED: frozenset({C.OPEN}),
    C.REFUSED: frozenset({C.OPEN, C.ESCALATED}),
}
CLOSED_STATES = frozenset({C.REFUNDED, C.REPAIRED, C.REPLACED, C.REFUSED})
ACTIVE_STATES = frozenset(set(C.values) - CLOSED_STATES)
ANSWER_BUSINESS_DAYS = 2
FIX_BUSINESS_DAYS = 10
DECIDE_BUSINESS_DAYS = 3
MESSAGE_MAX = 2000
PROBLEM_TYPES = (
    "ACCOUNT_LOCKED",
    "CODE_LOCKED",
    "DAMAGED_PACKAGE",
    "ITEM_NOT_RECEIVED",
    "MISSING_PART",
    "OOW_ITEM",
    "PROBLEM_NOT_IDENTIFIED",
    "WRONG_ITEM",
    "OTHER",
)
PROBLEM_TYPES_WITH_PROOF = ("DAMAGED_PACKAGE", "ITEM_NOT_RECEIVED", "OOW_ITEM")
TRANSFER_ACTIONS = {"REPAIR": C.REPAIRED, "REPLACE": C.REPLACED, "NOTHING": C.REFUSED}


def _suborder_lock(suborder_id: int | None) -> None:
    """Lock the claim's sub-order first. Every refund path takes the sub-order before its lines (orders'
    `orderlines_refund`, a return's inspection), so each move here takes it before the claim and the line: two
    refunds of one line, from any side, wait for each other instead of locking in opposite orders."""
    if suborder_id is not None:
        list(SubOrder.objects.select_for_update(of=("self",)).filter(pk=suborder_id).only("pk"))


def _suborder_of(**where) -> int | None:
    return WarrantyClaim.objects.filter(**where).values_list("suborder_id", flat=True).first()


def transition_check(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, frozenset()):
        raise DomainError(
            "AFTERSALES_CLAIM_TRANSITION_REFUSED",
            _("A claim that is %(from)s cannot become %(to)s.") % {"from": C(current).label, "to": C(new).label},
            {"from": current, "to": new},
            status=409,
        )


def _deadline(claim: WarrantyClaim, business_days: int) -> dt.datetime:
    market = claim.suborder.order.market
    local = clock.now().astimezone(market.zone)
    return calc.deadline_after(at=local, business_days=business_days, country=market.code).astimezone(dt.UTC)


DEADLINE_DAYS: dict[str, int] = {
    C.OPEN: ANSWER_BUSINESS_DAYS,
    C.REPAIRING: FIX_BUSINESS_DAYS,
    C.REPLACING: FIX_BUSINESS_DAYS,
    C.ESCALATED: DECIDE_BUSINESS_DAYS,
}


def _move(claim: WarrantyClaim, to: str, *, step: str, **values) -> WarrantyClaim:
    """Move a locked claim along the state machine, with its new deadline and the other fields of the step."""
    transition_check(claim.state, to)
    now = clock.now()
    claim.state, claim.modified_at = to, now
    claim.deadline_at = _deadline(claim, DEADLINE_DAYS[to]) if to in DEADLINE_DAYS else None
    claim.closed_at = now if to in CLOSED_STATES else None
    if to == C.ESCALATED:
        claim.escalated_at = now
    for field, value in values.items():
        setattr(claim, field, value)
    claim.save(update_fields=["state", "modified_at", "deadline_at", "closed_at", "escalated_at", *values])
    emit("claim.changed", {"claim_id": claim.pk, "state": to, "step": step})
    return claim


def _text(value, *, field: str, limit: int, code: str, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise DomainError(code, _("Write a few words."), {"field": field})
    if len(value) > limit:
        raise DomainError(code, _("Up to %(n)s characters.") % {"n": limit}, {"field": field, "max": limit})
    return text_check(value, code=code, field=field, multiline=True)


def _message(
    claim: WarrantyClaim,
    *,
    author: str,
    sender_id: int | None,
    body: str,
    photos: Sequence[bytes] = (),
    problem_type: str = "",
    informative: bool = False,
) -> ClaimMessage:
    rows = photos_check(list(photos))
    now = clock.now()
    message = ClaimMessage.objects.create(
        claim=claim,
        author=author,
        sender_id=sender_id,
        body=body,
        problem_type=problem_type,
        informative=informative,
        created_at=now,
    )
    ClaimAttachment.objects.bulk_create(
        [ClaimAttachment(message=message, claim=claim, created_at=now, **row) for row in rows]
    )
    claim.last_message_at = now
    fields = ["last_message_at"]
    if author == ClaimMessage.Author.MERCHANT and claim.answered_at is None:
        claim.answered_at = now
        fields.append("answered_at")
    claim.save(update_fields=fields)
    return message


# --- the customer -------------------------------------------------------------------------------------------


def warranty_until(line: OrderLine) -> dt.date | None:
    """The last day of the line's warranty (its listing's months from delivery), None before it shipped."""
    delivered = delivered_on(line.suborder)
    if delivered is None:
        return None
    return calc.warranty_until_on(delivered_on=delivered, months=line.listing.warranty_months)


def _line_for_customer(*, actor: Actor, order_line_id: int, link_key: str) -> OrderLine:
    _suborder_lock(OrderLine.objects.filter(pk=order_line_id).values_list("suborder_id", flat=True).first())
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market", "listing")
        .filter(pk=order_line_id)
        .first()
    )
    if line is None:
        raise NotFound("AFTERSALES_LINE_NOT_FOUND", _("This item is not part of your orders."))
    try:
        order_access_check(order=line.suborder.order, actor=actor, link_key=link_key)
    except DomainError as err:
        if err.status == 404:
            raise NotFound("AFTERSALES_LINE_NOT_FOUND", _("This item is not part of your orders.")) from None
        raise
    return line


@transaction.atomic
def claim_open(
    *,
    actor: Actor,
    order_line_id: int,
    issue: str,
    problem: str,
    wanted: str = "",
    photos: Sequence[bytes] = (),
    link_key: str = "",
) -> WarrantyClaim:
    """The customer asks the seller to honour the warranty of a shipped line: the problem in words (and photos),
    what they would like (repair, replace, refund, or leave it to the seller). The seller must answer within
    ANSWER_BUSINESS_DAYS business days."""
    line = _line_for_customer(actor=actor, order_line_id=order_line_id, link_key=link_key)
    if issue not in ClaimIssue.values:
        raise DomainError("AFTERSALES_CLAIM_ISSUE_INVALID", _("Choose what is wrong from the list."))
    if wanted and wanted not in (Resolution.REPAIR, Resolution.REPLACE, Resolution.REFUND):
        raise DomainError("AFTERSALES_CLAIM_WISH_INVALID", _("Ask for a repair, a replacement or a refund."))
    problem = _text(problem, field="problem", limit=MESSAGE_MAX, code="AFTERSALES_CLAIM_PROBLEM_INVALID")
    photos_check(list(photos))
    if line.state == LineState.REFUNDED_AFTER_SHIPPING:
        raise DomainError("AFTERSALES_ALREADY_REFUNDED", _("This item was refunded already."), status=409)
    if line.state != LineState.SHIPPED:
        raise DomainError("AFTERSALES_NOT_SHIPPED", _("A claim can be opened once the item has arrived."), status=409)
    market = line.suborder.order.market
    until = warranty_until(line)
    today = market.local_date(clock.now())
    if until is None or today > until:
        raise DomainError(
            "AFTERSALES_WARRANTY_EXPIRED",
            _("The warranty of this item ended on %(day)s.") % {"day": until.isoformat() if until else "-"},
            {"warranty_until": until.isoformat() if until else None},
            status=409,
        )
    if WarrantyClaim.objects.filter(order_line=line, state__in=ACTIVE_STATES).exists():
        raise DomainError(
            "AFTERSALES_CLAIM_ALREADY_OPEN", _("A claim about this item is already open: write to it."), status=409
        )
    now = clock.now()
    claim = WarrantyClaim(
        suborder=line.suborder,
        order_line=line,
        merchant_id=line.suborder.merchant_id,
        issue=issue,
        problem=problem,
        wanted=wanted,
        warranty_until=until,
        created_at=now,
        modified_at=now,
    )
    claim.deadline_at = _deadline(claim, ANSWER_BUSINESS_DAYS)
    claim.save()
    _message(claim, author=ClaimMessage.Author.CUSTOMER, sender_id=actor.user_id, body=problem, photos=photos)
    emit("claim.changed", {"claim_id": claim.pk, "state": claim.state, "step": "opened"})
    return claim


def _for_customer(*, actor: Actor, public_id, link_key: str = "") -> WarrantyClaim:
    _suborder_lock(_suborder_of(public_id=public_id))
    claim = (
        WarrantyClaim.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(public_id=public_id)
        .first()
    )
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no such claim."))
    try:
        order_access_check(order=claim.suborder.order, actor=actor, link_key=link_key)
    except DomainError as err:
        if err.status == 404:
            raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no such claim.")) from None
        raise
    return claim


@transaction.atomic
def claim_dispute(*, actor: Actor, public_id, reason: str, link_key: str = "") -> WarrantyClaim:
    """The customer does not accept the seller's answer: the operator decides."""
    reason = _text(reason, field="reason", limit=MESSAGE_MAX, code="AFTERSALES_CLAIM_MESSAGE_INVALID")
    claim = _for_customer(actor=actor, public_id=public_id, link_key=link_key)
    if claim.state not in (C.REPAIRING, C.REPLACING, C.REFUSED):
        raise DomainError(
            "AFTERSALES_CLAIM_NOT_DISPUTABLE",
            _("A claim can be disputed once the seller has answered, until it is closed."),
            {"state": claim.state},
            status=409,
        )
    _message(claim, author=ClaimMessage.Author.CUSTOMER, sender_id=actor.user_id, body=reason)
    return _move(claim, C.ESCALATED, step="disputed", escalation_reason="dispute")


# --- messages, from either side -------------------------------------------------------------------------------


def _reopen_if_closed(claim: WarrantyClaim, author: str) -> None:
    if claim.state in CLOSED_STATES:
        _move(claim, C.OPEN, step=f"reopened_by_{author}", escalation_reason="", refusal_reason="", decided_by="")


@transaction.atomic
def claim_message_customer(
    *, actor: Actor, public_id, body: str, photos: Sequence[bytes] = (), link_key: str = ""
) -> ClaimMessage:
    """The customer writes to the seller; a closed claim opens again (the seller answers anew)."""
    body = _text(body, field="message", limit=MESSAGE_MAX, code="AFTERSALES_CLAIM_MESSAGE_INVALID")
    photos_check(list(photos))
    claim = _for_customer(actor=actor, public_id=public_id, link_key=link_key)
    _reopen_if_closed(claim, "customer")
    message = _message(claim, author=ClaimMessage.Author.CUSTOMER, sender_id=actor.user_id, body=body, photos=photos)
    emit("claim.message", {"claim_id": claim.pk, "message_id": message.pk})
    return message


def _for_merchant(*, actor: Actor, claim_id: int) -> WarrantyClaim:
    require(actor, "order.fulfil")
    if actor.merchant_id:
        _suborder_lock(_suborder_of(pk=claim_id, merchant_id=actor.merchant_id))
    claim = (
        WarrantyClaim.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market", "order_line")
        .filter(pk=claim_id, merchant_id=actor.merchant_id)
        .first()
        if actor.merchant_id
        else None
    )
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    return claim


@transaction.atomic
def claim_message_merchant(
    *, actor: Actor, claim_id: int, body: str, photos: Sequence[bytes] = (), problem_type: str = ""
) -> ClaimMessage:
    """The seller writes to the customer, or declares a problem (`problem_type`, the contract's list; some need
    a photo as proof). A message to a closed claim opens it again, as the seller contract says."""
    if problem_type and problem_type not in PROBLEM_TYPES:
        raise DomainError(
            "AFTERSALES_PROBLEM_TYPE_INVALID", _("Choose a problem type from the list."), {"types": PROBLEM_TYPES}
        )
    body = _text(
        body, field="message", limit=MESSAGE_MAX, code="AFTERSALES_CLAIM_MESSAGE_INVALID", required=not problem_type
    )
    photos_check(list(photos))
    if problem_type in PROBLEM_TYPES_WITH_PROOF and not photos:
        raise DomainError(
            "AFTERSALES_PROBLEM_PROOF_REQUIRED",
            _("This problem needs at least one photo as proof."),
            {"problem_type": problem_type},
            status=422,
        )
    claim = _for_merchant(actor=actor, claim_id=claim_id)
    _reopen_if_closed(claim, "merchant")
    message = _message(
        claim,
        author=ClaimMessage.Author.MERCHANT,
        sender_id=actor.user_id,
        body=body or problem_type,
        photos=photos,
        problem_type=problem_type,
    )
    emit("claim.message", {"claim_id": claim.pk, "message_id": message.pk})
    return message


# --- the seller's answer --------------------------------------------------------------------------------------


def _refund(claim: WarrantyClaim, *, decided_by: str, step: str) -> WarrantyClaim:
    """The line's money back through the returns' refund path (gateway after commit, ledger reversal, credit
    note). A line refunded already is AFTERSALES_ALREADY_REFUNDED: one line, one refund."""
    line = OrderLine.objects.select_for_update(of=("self",)).get(pk=claim.order_line_id)
    if line.state != LineState.SHIPPED:
        raise DomainError("AFTERSALES_ALREADY_REFUNDED", _("This item was refunded already."), status=409)
    transition_check(claim.state, C.REFUNDED)
    refund = aftersales_refund(suborder=claim.suborder, line_ids=[line.pk])
    return _move(claim, C.REFUNDED, step=step, refund=refund, refund_minor=refund.amount_minor, decided_by=decided_by)


def _refusal(reason) -> str:
    reason = str(reason or "").strip()
    if not reason or len(reason) > 500:
        raise DomainError("AFTERSALES_REFUSAL_REASON_REQUIRED", _("Say why, in up to 500 characters."))
    return text_check(reason, code="AFTERSALES_REFUSAL_REASON_INVALID", field="reason", multiline=True)


def _resolve(claim: WarrantyClaim, resolution: str, reason: str, *, decided_by: str) -> WarrantyClaim:
    step = f"{decided_by}_{resolution}"
    if resolution == Resolution.REFUND:
        return _refund(claim, decided_by=decided_by, step=step)
    if resolution == Resolution.REFUSE:
        return _move(claim, C.REFUSED, step=step, refusal_reason=_refusal(reason), decided_by=decided_by)
    fixes: dict[str, str] = {Resolution.REPAIR: C.REPAIRING, Resolution.REPLACE: C.REPLACING}
    to = fixes.get(resolution)
    if to is None:
        raise DomainError(
            "AFTERSALES_RESOLUTION_INVALID",
            _("Answer repair, replace, refund or refuse."),
            {"values": Resolution.values},
        )
    return _move(claim, to, step=step, decided_by=decided_by)


@transaction.atomic
def claim_answer(*, actor: Actor, claim_id: int, resolution: str, reason: str = "") -> WarrantyClaim:
    """The seller's answer to an open claim: repair, replace, refund, or refuse with a reason; a claim being
    repaired or replaced can still be refunded (neither was possible)."""
    if resolution == Resolution.REFUSE:
        reason = _refusal(reason)
    claim = _for_merchant(actor=actor, claim_id=claim_id)
    if claim.state == C.ESCALATED:
        raise DomainError(
            "AFTERSALES_CLAIM_ESCALATED", _("remarket's customer care decides this claim now."), status=409
        )
    answered = _resolve(claim, resolution, reason, decided_by="merchant")
    if answered.answered_at is None:
        answered.answered_at = answered.modified_at
        answered.save(update_fields=["answered_at"])
    return answered


@transaction.atomic
def claim_transfer(*, actor: Actor, claim_id: int, carrier: str, tracking_number: str, action: str) -> ItemTransfer:
    """The seller sent the device back: repaired (REPAIR), a replacement (REPLACE), or unchanged (NOTHING, which
    refuses the claim: no defect the warranty covers)."""
    carrier = str(carrier or "").strip()
    tracking_number = str(tracking_number or "").strip()
    if not carrier or not tracking_number or len(carrier) > 200 or len(tracking_number) > 200:
        raise DomainError(
            "AFTERSALES_TRANSFER_INVALID", _("Give the carrier and the tracking number (up to 200 characters).")
        )
    text_check(carrier, code="AFTERSALES_TRANSFER_INVALID", field="carrier")
    text_check(tracking_number, code="AFTERSALES_TRANSFER_INVALID", field="tracking_number")
    action = str(action or "").upper()
    if action not in TRANSFER_ACTIONS:
        raise DomainError("AFTERSALES_TRANSFER_ACTION_INVALID", _("The action is REPAIR, REPLACE or NOTHING."))
    claim = _for_merchant(actor=actor, claim_id=claim_id)
    if ItemTransfer.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
        raise DomainError(
            "AFTERSALES_TRANSFER_DUPLICATE", _("A transfer with this tracking number exists already."), status=409
        )
    to = TRANSFER_ACTIONS[action]
    values: dict[str, object] = {"decided_by": "merchant"}
    if to == C.REFUSED:
        values["refusal_reason"] = _("The seller sent the device back unchanged: no defect covered by the warranty.")
    if claim.answered_at is None:
        values["answered_at"] = clock.now()
    _move(claim, to, step=f"sent_back_{action.lower()}", **values)
    return ItemTransfer.objects.create(
        claim=claim, carrier=carrier, tracking_number=tracking_number, action=action, created_at=clock.now()
    )


# --- the operator ---------------------------------------------------------------------------------------------


@transaction.atomic
def claim_decide(*, actor: Actor, claim_id: int, resolution: str, reason: str = "") -> WarrantyClaim:
    """The operator decides an escalated claim: a refund (on the seller's account, as the seller's would be), a
    repair or a replacement the seller must carry out, or a refusal with a reason."""
    require(actor, "claim.decide")
    _suborder_lock(_suborder_of(pk=claim_id))
    claim = (
        WarrantyClaim.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    if claim.state != C.ESCALATED:
        raise DomainError(
            "AFTERSALES_CLAIM_NOT_ESCALATED",
            _("The seller holds this claim; customer care decides escalated claims only."),
            {"state": claim.state},
            status=409,
        )
    return _resolve(claim, resolution, reason, decided_by="operator")


@transaction.atomic
def claim_message_operator(*, actor: Actor, claim_id: int, body: str) -> ClaimMessage:
    require(actor, "claim.decide")
    body = _text(body, field="message", limit=MESSAGE_MAX, code="AFTERSALES_CLAIM_MESSAGE_INVALID")
    _suborder_lock(_suborder_of(pk=claim_id))
    claim = WarrantyClaim.objects.select_for_update(of=("self",)).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    message = _message(claim, author=ClaimMessage.Author.OPERATOR, sender_id=actor.user_id, body=body)
    emit("claim.message", {"claim_id": claim.pk, "message_id": message.pk})
    return message


def claims_escalate_due() -> int:
    """Every claim whose holder let its deadline pass goes to the operator (the periodic job; one transaction
    per claim, its sub-order and then the claim locked, the claim read again under the lock)."""
    now = clock.now()
    due = list(
        WarrantyClaim.objects.filter(state__in=(C.OPEN, C.REPAIRING, C.REPLACING), deadline_at__lte=now)
        .order_by("deadline_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    moved = 0
    for pk in due:
        with transaction.atomic():
            _suborder_lock(_suborder_of(pk=pk))
            claim = (
                WarrantyClaim.objects.select_for_update(of=("self",))
                .select_related("suborder__order__market")
                .filter(pk=pk, state__in=(C.OPEN, C.REPAIRING, C.REPLACING), deadline_at__lte=now)
                .first()
            )
            if claim is None:
                continue
            _move(claim, C.ESCALATED, step="deadline_passed", escalation_reason="deadline")
            moved += 1
    return moved


# --- /ws/sav/refund: a refund of an order line by the seller ---------------------------------------------------

REFUND_TYPES = {4: LineState.PAID, 5: LineState.ACCEPTED, 6: LineState.SHIPPED}


@transaction.atomic
def orderline_refund_by_seller(*, actor: Actor, orderline_id: int, refund_type: int, amount: str | None = None):
    """The seller refunds one of its order lines in full (the seller contract's refund types: 4 a paid line,
    5 an accepted one, 6 a shipped one). A claim on the line ends refunded with it. A partial amount is
    refused: the refund path gives back whole lines (ledger reversal, credit note). Returns (line, refund)."""
    require(actor, "order.fulfil")
    if actor.merchant_id:
        _suborder_lock(
            OrderLine.objects.filter(pk=orderline_id, suborder__merchant_id=actor.merchant_id)
            .values_list("suborder_id", flat=True)
            .first()
        )
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("suborder")
        .filter(pk=orderline_id, suborder__merchant_id=actor.merchant_id)
        .first()
        if actor.merchant_id
        else None
    )
    if line is None:
        raise NotFound(
            "AFTERSALES_LINE_NOT_FOUND", _("There is no orderline %(id)s among yours.") % {"id": orderline_id}
        )
    if refund_type not in REFUND_TYPES:
        raise DomainError("AFTERSALES_REFUND_TYPE_INVALID", _("The refund type is 4, 5 or 6."))
    if line.state in (LineState.CANCELLED, LineState.REFUNDED_BEFORE_SHIPPING, LineState.REFUNDED_AFTER_SHIPPING):
        raise DomainError("AFTERSALES_ALREADY_REFUNDED", _("This item was refunded already."), status=409)
    if REFUND_TYPES[refund_type] != line.state:
        raise DomainError(
            "AFTERSALES_REFUND_TYPE_MISMATCH",
            _("Refund type %(type)s is for a line in state %(expected)s; this one is in state %(state)s.")
            % {"type": refund_type, "expected": REFUND_TYPES[refund_type], "state": line.state},
        )
    amount_minor = None if amount is None else to_minor(amount, line.currency)
    if amount_minor is not None and amount_minor != line.total_minor:
        raise DomainError(
            "AFTERSALES_PARTIAL_REFUND_UNSUPPORTED",
            _("A line is refunded in full (%(amount)s minor units); a partial refund is not possible.")
            % {"amount": line.total_minor},
            {"total_minor": line.total_minor},
        )
    claim = (
        WarrantyClaim.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(order_line=line, state__in=ACTIVE_STATES)
        .first()
    )
    if claim is not None:
        _refund(claim, decided_by="merchant", step="merchant_refund")
        return line, claim.refund
    if line.state == LineState.PAID:
        from remarket.orders.services import orderlines_cancel

        refund = orderlines_cancel(actor=actor, suborder_id=line.suborder_id, line_ids=[line.pk])
    else:
        refund = aftersales_refund(suborder=line.suborder, line_ids=[line.pk])
    return line, refund
