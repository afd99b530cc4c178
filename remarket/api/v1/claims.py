"""Warranty claims over REST: a customer opens one about a shipped item under warranty, follows it, writes and
disputes; a merchant lists its claims, answers, writes and sends devices back; the operator lists the escalated
ones and decides. The rules are aftersales/claims.py's."""

import base64
import binascii
import datetime as dt
import uuid

from ninja import Header, Router, Schema
from ninja.responses import Status

from remarket.aftersales import claims
from remarket.aftersales.claims_selectors import (
    claim_for_customer,
    claim_for_merchant,
    claim_for_operator,
    claims_escalated,
    claims_for_merchant,
)
from remarket.aftersales.models import ClaimState, WarrantyClaim
from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent

from .auth import TokenAuth
from .schemas import Error, offset_query

router = Router(tags=["claims"], auth=TokenAuth())
PAGE = 50


class ClaimIn(Schema):
    order_line_id: int
    issue: str  # battery, screen, camera, audio, connectivity, buttons, other
    problem: str
    wanted: str = ""  # repair, replace, refund, or empty: whatever the seller finds best
    photos: list[str] = []  # base64 PNG, JPEG or WebP, 5 MB each, at most 5


class MessageIn(Schema):
    body: str = ""
    photos: list[str] = []
    problem_type: str = ""  # merchants only: the seller contract's problem types


class ReasonIn(Schema):
    reason: str


class AnswerIn(Schema):
    resolution: str  # repair, replace, refund, refuse
    reason: str = ""  # why, for a refusal


class TransferIn(Schema):
    carrier: str
    tracking_number: str
    action: str  # REPAIR, REPLACE or NOTHING


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    author: str
    body: str
    problem_type: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class ClaimOut(Schema):
    id: int
    public_id: uuid.UUID
    order_id: int
    order_line_id: int
    title: str
    issue: str
    problem: str
    wanted: str
    state: str
    deadline_at: dt.datetime | None  # who holds the claim must act by then; None once it ended
    warranty_until: dt.date
    escalation_reason: str
    refusal_reason: str
    decided_by: str
    refund_minor: int
    currency: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    messages: list[MessageOut]


class ClaimsOut(Schema):
    count: int
    results: list[ClaimOut]


def _out(claim: WarrantyClaim, *, messages: bool = True) -> dict:
    return ClaimOut(
        id=claim.pk,
        public_id=claim.public_id,
        order_id=claim.suborder_id,
        order_line_id=claim.order_line_id,
        title=claim.order_line.title,
        issue=claim.issue,
        problem=claim.problem,
        wanted=claim.wanted,
        state=claim.state,
        deadline_at=claim.deadline_at,
        warranty_until=claim.warranty_until,
        escalation_reason=claim.escalation_reason,
        refusal_reason=claim.refusal_reason,
        decided_by=claim.decided_by,
        refund_minor=claim.refund_minor,
        currency=claim.order_line.currency,
        created_at=claim.created_at,
        closed_at=claim.closed_at,
        messages=[
            MessageOut(
                id=m.pk,
                author=m.author,
                body=m.body,
                problem_type=m.problem_type,
                created_at=m.created_at,
                attachments=[
                    AttachmentOut(id=a.pk, content_type=a.content_type, size=a.size) for a in m.attachments.all()
                ],
            )
            for m in (claim.messages.all() if messages else ())
        ],
    ).model_dump(mode="json")


def _photos(encoded: list[str]) -> list[bytes]:
    try:
        return [base64.b64decode(p, validate=True) for p in encoded]
    except (binascii.Error, ValueError):
        raise DomainError("AFTERSALES_PHOTO_NOT_IMAGE", "A photo is a base64 PNG, JPEG or WebP image.") from None


def _write(request, route: str, body, run):
    key = request.headers.get("Idempotency-Key")
    outcome = idempotent(scope=request.actor.scope, route=route, key=key, body=body, run=run)
    return Status(outcome.status_code, outcome.body)


def _state(state: str | None) -> str | None:
    if state is not None and state not in ClaimState.values:
        raise DomainError("AFTERSALES_STATE_INVALID", "Unknown claim state.", {"states": ClaimState.values}, status=422)
    return state


# --- the customer -------------------------------------------------------------------------------------------

WRITE = {400: Error, 401: Error, 404: Error, 409: Error, 422: Error}


@router.post("/claims", response={201: ClaimOut, **WRITE})
def claim_open(request, payload: ClaimIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    def run():
        opened = claims.claim_open(
            actor=request.actor,
            order_line_id=payload.order_line_id,
            issue=payload.issue,
            problem=payload.problem,
            wanted=payload.wanted,
            photos=_photos(payload.photos),
        )
        return 201, _out(claim_for_customer(actor=request.actor, public_id=opened.public_id))

    return _write(request, "claims.open", payload.model_dump(mode="json"), run)


@router.get("/claims/{public_id}", response={200: ClaimOut, 401: Error, 404: Error})
def claim_get(request, public_id: uuid.UUID):
    return _out(claim_for_customer(actor=request.actor, public_id=public_id))


@router.post("/claims/{public_id}/messages", response={201: ClaimOut, **WRITE})
def claim_message(request, public_id: uuid.UUID, payload: MessageIn):
    """A message to the seller; a closed claim opens again."""

    def run():
        claims.claim_message_customer(
            actor=request.actor, public_id=public_id, body=payload.body, photos=_photos(payload.photos)
        )
        return 201, _out(claim_for_customer(actor=request.actor, public_id=public_id))

    return _write(request, f"claims.{public_id}.messages", payload.model_dump(mode="json"), run)


@router.post("/claims/{public_id}/dispute", response={200: ClaimOut, **WRITE})
def claim_dispute(request, public_id: uuid.UUID, payload: ReasonIn):
    """The customer does not accept the seller's answer: the operator decides."""

    def run():
        claims.claim_dispute(actor=request.actor, public_id=public_id, reason=payload.reason)
        return 200, _out(claim_for_customer(actor=request.actor, public_id=public_id))

    return _write(request, f"claims.{public_id}.dispute", payload.model_dump(), run)


# --- the merchant -------------------------------------------------------------------------------------------

MERCHANT = {400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.get("/merchant/claims", response={200: ClaimsOut, 403: Error, 422: Error})
def merchant_claims(request, state: str | None = None, offset: int = offset_query()):
    """The merchant's claims, nearest deadline first."""
    qs = claims_for_merchant(actor=request.actor, state=_state(state))
    return {"count": qs.count(), "results": [_out(c, messages=False) for c in qs[offset : offset + PAGE]]}


@router.get("/merchant/claims/{claim_id}", response={200: ClaimOut, 403: Error, 404: Error})
def merchant_claim(request, claim_id: int):
    return _out(claim_for_merchant(actor=request.actor, claim_id=claim_id))


@router.post("/merchant/claims/{claim_id}/answer", response={200: ClaimOut, **MERCHANT})
def merchant_answer(request, claim_id: int, payload: AnswerIn):
    """Repair, replace, refund (the line's money back at once), or refuse with a reason."""

    def run():
        claims.claim_answer(
            actor=request.actor, claim_id=claim_id, resolution=payload.resolution, reason=payload.reason
        )
        return 200, _out(claim_for_merchant(actor=request.actor, claim_id=claim_id))

    return _write(request, f"merchant.claims.{claim_id}.answer", payload.model_dump(), run)


@router.post("/merchant/claims/{claim_id}/messages", response={201: ClaimOut, **MERCHANT})
def merchant_message(request, claim_id: int, payload: MessageIn):
    def run():
        claims.claim_message_merchant(
            actor=request.actor,
            claim_id=claim_id,
            body=payload.body,
            photos=_photos(payload.photos),
            problem_type=payload.problem_type,
        )
        return 201, _out(claim_for_merchant(actor=request.actor, claim_id=claim_id))

    return _write(request, f"merchant.claims.{claim_id}.messages", payload.model_dump(mode="json"), run)


@router.post("/merchant/claims/{claim_id}/transfer", response={200: ClaimOut, **MERCHANT})
def merchant_transfer(request, claim_id: int, payload: TransferIn):
    """The device is on its way back: repaired, replaced, or unchanged (NOTHING refuses the claim)."""

    def run():
        claims.claim_transfer(
            actor=request.actor,
            claim_id=claim_id,
            carrier=payload.carrier,
            tracking_number=payload.tracking_number,
            action=payload.action,
        )
        return 200, _out(claim_for_merchant(actor=request.actor, claim_id=claim_id))

    return _write(request, f"merchant.claims.{claim_id}.transfer", payload.model_dump(), run)


# --- the operator -------------------------------------------------------------------------------------------


@router.get("/ops/claims", response={200: ClaimsOut, 403: Error})
def ops_claims(request, offset: int = offset_query()):
    """The escalation queue: escalated claims, the decision due first."""
    qs = claims_escalated(actor=request.actor)
    return {"count": qs.count(), "results": [_out(c, messages=False) for c in qs[offset : offset + PAGE]]}


@router.get("/ops/claims/{claim_id}", response={200: ClaimOut, 403: Error, 404: Error})
def ops_claim(request, claim_id: int):
    return _out(claim_for_operator(actor=request.actor, claim_id=claim_id))


@router.post("/ops/claims/{claim_id}/decide", response={200: ClaimOut, **MERCHANT})
def ops_decide(request, claim_id: int, payload: AnswerIn):
    def run():
        claims.claim_decide(
            actor=request.actor, claim_id=claim_id, resolution=payload.resolution, reason=payload.reason
        )
        return 200, _out(claim_for_operator(actor=request.actor, claim_id=claim_id))

    return _write(request, f"ops.claims.{claim_id}.decide", payload.model_dump(), run)
