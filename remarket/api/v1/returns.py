"""Returns over REST: a customer opens, follows, sends and cancels a return of one of its orders; a merchant lists
its returns and receives, inspects (which refunds) or refuses them. The rules are aftersales/services.py's."""

import base64
import binascii
import datetime as dt
import uuid

from ninja import Header, Router, Schema
from ninja.responses import Status

from remarket.aftersales import services
from remarket.aftersales.models import ReturnRequest, ReturnState
from remarket.aftersales.selectors import return_for_customer, return_for_merchant, returns_for_merchant
from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent

from .auth import TokenAuth
from .schemas import Error, offset_query

router = Router(tags=["returns"], auth=TokenAuth())
PAGE = 50


class ReturnLineIn(Schema):
    line_id: int
    quantity: int


class ReturnIn(Schema):
    order_id: int  # the sub-order (one merchant's part of the order), as /ws/ and /merchant/orders name it
    lines: list[ReturnLineIn]
    reason: str  # changed_mind, not_as_described, does_not_work, wrong_item, better_price, transit_damage
    mode: str = "parcel"  # parcel (a free label) or dropoff (a code for a location that takes returns)
    comment: str = ""
    photos: list[str] = []  # base64 PNG, JPEG or WebP, 5 MB each (transit damage)


class RefuseIn(Schema):
    reason: str


class ReturnLineOut(Schema):
    line_id: int
    title: str
    quantity: int


class ReturnOut(Schema):
    id: int
    public_id: uuid.UUID
    order_id: int
    kind: str
    mode: str
    reason: str
    state: str
    deadline_on: dt.date  # the last day it could be opened (the market's time zone)
    label_carrier: str
    label_tracking: str
    dropoff_code: str | None
    refusal_reason: str
    refund_minor: int
    currency: str
    created_at: dt.datetime
    lines: list[ReturnLineOut]


class ReturnsOut(Schema):
    count: int
    results: list[ReturnOut]


def _out(request_: ReturnRequest) -> dict:
    return ReturnOut(
        id=request_.pk,
        public_id=request_.public_id,
        order_id=request_.suborder_id,
        kind=request_.kind,
        mode=request_.mode,
        reason=request_.reason,
        state=request_.state,
        deadline_on=request_.deadline_on,
        label_carrier=request_.label_carrier,
        label_tracking=request_.label_tracking,
        dropoff_code=request_.dropoff_code,
        refusal_reason=request_.refusal_reason,
        refund_minor=request_.refund_minor,
        currency=request_.suborder.order.currency,
        created_at=request_.created_at,
        lines=[
            ReturnLineOut(line_id=rl.order_line_id, title=rl.order_line.title, quantity=rl.quantity)
            for rl in request_.lines.all()
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


# --- the customer -------------------------------------------------------------------------------------------


@router.post("/returns", response={201: ReturnOut, 400: Error, 404: Error, 409: Error, 422: Error})
def return_open(request, payload: ReturnIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    def run():
        opened = services.return_open(
            actor=request.actor,
            suborder_id=payload.order_id,
            units={l.line_id: l.quantity for l in payload.lines},
            reason=payload.reason,
            mode=payload.mode,
            comment=payload.comment,
            photos=_photos(payload.photos),
        )
        return 201, _out(return_for_customer(actor=request.actor, public_id=opened.public_id))

    return _write(request, "returns.open", payload.model_dump(mode="json"), run)


@router.get("/returns/{public_id}", response={200: ReturnOut, 404: Error})
def return_get(request, public_id: uuid.UUID):
    return _out(return_for_customer(actor=request.actor, public_id=public_id))


@router.post("/returns/{public_id}/{action}", response={200: ReturnOut, 404: Error, 409: Error})
def return_customer_move(request, public_id: uuid.UUID, action: str):
    moves = {"cancel": services.return_cancel, "send": services.return_send}
    if action not in moves:
        raise DomainError("AFTERSALES_ACTION_UNKNOWN", "An action is cancel or send.", status=404)

    def run():
        moves[action](actor=request.actor, public_id=public_id)
        return 200, _out(return_for_customer(actor=request.actor, public_id=public_id))

    return _write(request, f"returns.{public_id}.{action}", {}, run)


# --- the merchant -------------------------------------------------------------------------------------------


@router.get("/merchant/returns", response={200: ReturnsOut, 403: Error, 422: Error})
def merchant_returns(request, state: str | None = None, offset: int = offset_query()):
    if state is not None and state not in ReturnState.values:
        raise DomainError(
            "AFTERSALES_STATE_INVALID", "Unknown return state.", {"states": ReturnState.values}, status=422
        )
    qs = returns_for_merchant(actor=request.actor, state=state)
    return {"count": qs.count(), "results": [_out(r) for r in qs[offset : offset + PAGE]]}


@router.post("/merchant/returns/{return_id}/receive", response={200: ReturnOut, 403: Error, 404: Error, 409: Error})
def merchant_receive(request, return_id: int):
    def run():
        services.return_receive(actor=request.actor, return_id=return_id)
        return 200, _out(return_for_merchant(actor=request.actor, return_id=return_id))

    return _write(request, f"merchant.returns.{return_id}.receive", {}, run)


@router.post("/merchant/returns/{return_id}/inspect", response={200: ReturnOut, 403: Error, 404: Error, 409: Error})
def merchant_inspect(request, return_id: int):
    """The device is as sold: the customer is refunded."""

    def run():
        services.return_inspect(actor=request.actor, return_id=return_id)
        return 200, _out(return_for_merchant(actor=request.actor, return_id=return_id))

    return _write(request, f"merchant.returns.{return_id}.inspect", {}, run)


@router.post(
    "/merchant/returns/{return_id}/refuse", response={200: ReturnOut, 400: Error, 403: Error, 404: Error, 409: Error}
)
def merchant_refuse(request, return_id: int, payload: RefuseIn):
    def run():
        services.return_refuse(actor=request.actor, return_id=return_id, reason=payload.reason)
        return 200, _out(return_for_merchant(actor=request.actor, return_id=return_id))

    return _write(request, f"merchant.returns.{return_id}.refuse", payload.model_dump(), run)
