"""Returns: the customer sends units of a shipped sub-order back within the window, the merchant receives and
inspects them, and the refund follows the orders' money path (refunds.py). Each move is one function here:

    requested ──▶ label_issued ───▶ in_transit ──▶ received ──▶ inspected ──▶ refunded
        │   └───▶ dropoff_issued ─▶ dropped_off ──▲    │
        │              │   label_issued ───────────┘    └──▶ refused (with a reason)
        └──────────────┴──▶ cancelled (by the customer, before the device left)

    from                          to              who, and the function
    requested                     label_issued    opening a parcel return issues its label (`return_label_issue`)
    requested                     dropoff_issued  opening a drop-off return issues its code (`return_dropoff_issue`)
    label_issued                  in_transit      the customer hands the parcel over (`return_send`)
    dropoff_issued                dropped_off     a clerk types the code at a location taking returns
                                                  (`return_drop_off`)
    label_issued, in_transit,     received        the merchant has the device (`return_receive`); a parcel may
    dropped_off                                   arrive without anyone telling us it left
    received                      inspected       the merchant checked it is what was sold (`return_inspect`),
    inspected                     refunded        ... and the refund is decided in the same transaction
    received                      refused         the merchant refuses with a reason (`return_refuse`)
    requested, label_issued,      cancelled       the customer changes their mind (`return_cancel`)
    dropoff_issued

Any other move is AFTERSALES_TRANSITION_REFUSED (409), nothing changed. The window (`return_deadline`) is checked
when a return is opened; after that a return is never late."""

import datetime as dt
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.text import text_check
from remarket.events.outbox import emit
from remarket.markets.models import Location
from remarket.orders.access import order_access_check
from remarket.orders.models import SubOrder
from remarket.orders.states import LineState

from .models import Reason, ReturnLine, ReturnPhoto, ReturnRequest, ReturnState
from .photos import photos_check
from .refunds import aftersales_units_refund
from .selectors import return_locations
from .window import return_deadline, units_returnable

S = ReturnState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.LABEL_ISSUED, S.DROPOFF_ISSUED, S.CANCELLED}),
    S.LABEL_ISSUED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.CANCELLED}),
    S.DROPOFF_ISSUED: frozenset({S.DROPPED_OFF, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED}),
    S.DROPPED_OFF: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INSPECTED, S.REFUSED}),
    S.INSPECTED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.REFUSED: frozenset(),
    S.CANCELLED: frozenset(),
}
CLOSED_STATES = (S.REFUNDED, S.REFUSED, S.CANCELLED)
RETURN_CARRIER = "remarket returns"  # the prepaid label's carrier: the customer pays nothing
DROPOFF_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes for a code typed at a counter


def transition_check(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, frozenset()):
        raise DomainError(
            "AFTERSALES_TRANSITION_REFUSED",
            _("A return in state %(from)s cannot move to %(to)s.") % {"from": current, "to": new},
            {"from": current, "to": new},
            status=409,
        )


# --- opening ------------------------------------------------------------------------------------------------


def _code() -> str:
    return "".join(secrets.choice(DROPOFF_ALPHABET) for _ in range(8))


def _emit(request: ReturnRequest) -> None:
    emit("return.changed", {"return_id": request.pk, "state": request.state})


def _move(request: ReturnRequest, to: str, **values) -> ReturnRequest:
    """Move a locked request along the state machine, with the other fields of the same step."""
    transition_check(request.state, to)
    now = clock.now()
    request.state, request.modified_at = to, now
    for field, value in values.items():
        setattr(request, field, value)
    if to in CLOSED_STATES:
        request.closed_at = now
    request.save(update_fields=["state", "modified_at", "closed_at", *values])
    _emit(request)
    return request


def _lines_check(sub: SubOrder, units: dict[int, int], kind: str, today: dt.date) -> tuple[list, dt.date]:
    """The lines asked for, each shipped, within its window, with the units left to return; and the deadline."""
    if not units:
        raise DomainError("AFTERSALES_NO_LINES", _("Choose at least one item to return."))
    lines = {l.pk: l for l in sub.lines.all()}
    chosen, deadlines = [], []
    for line_id, quantity in sorted(units.items()):
        line = lines.get(line_id)
        if line is None:
            raise NotFound("AFTERSALES_LINE_NOT_FOUND", _("This item is not part of this order."), {"line": line_id})
        if line.state != LineState.SHIPPED:
            code = "AFTERSALES_ALREADY_REFUNDED" if line.state == LineState.REFUNDED_AFTER_SHIPPING else None
            raise DomainError(
                code or "AFTERSALES_NOT_SHIPPED",
                _("This item was refunded already.") if code else _("An item can be returned once it has shipped."),
                {"line": line_id},
                status=409,
            )
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise DomainError("AFTERSALES_QUANTITY_INVALID", _("Return at least one unit."), {"line": line_id})
        left = units_returnable(line)
        if quantity > left:
            raise DomainError(
                "AFTERSALES_QUANTITY_EXCEEDS" if left else "AFTERSALES_ALREADY_RETURNED",
                _("Only %(n)s unit(s) of this item can still be returned.") % {"n": left},
                {"line": line_id, "returnable": left},
                status=409,
            )
        line_deadline = return_deadline(line, kind=kind)
        if line_deadline is None:  # a shipped line whose sub-order has no shipment: nothing to count from
            raise DomainError(
                "AFTERSALES_NOT_SHIPPED",
                _("An item can be returned once it has shipped."),
                {"line": line_id},
                status=409,
            )
        if today > line_deadline:
            raise DomainError(
                "AFTERSALES_WINDOW_CLOSED",
                _("The return window of this item closed on %(day)s.") % {"day": line_deadline.isoformat()},
                {"line": line_id, "deadline": line_deadline.isoformat()},
                status=409,
            )
        deadlines.append(line_deadline)
        chosen.append((line, quantity))
    return chosen, min(deadlines)  # `units` is not empty: one deadline at least


@transaction.atomic
def return_open(
    *,
    actor: Actor,
    suborder_id: int,
    units: dict[int, int],
    reason: str,
    mode: str = ReturnRequest.Mode.PARCEL,
    comment: str = "",
    photos: Sequence[bytes] = (),
    link_key: str = "",
) -> ReturnRequest:
    """The customer returns units (`units`: order line id → quantity) of a shipped sub-order of theirs, for any
    reason of the list, free; or reports transit damage (reason `transit_damage`, with photos, within 3 business
    days). The label or the drop-off code is issued at once."""
    sub = (
        SubOrder.objects.select_for_update(of=("self",)).select_related("order__market").filter(pk=suborder_id).first()
    )
    if sub is None:
        raise NotFound("AFTERSALES_ORDER_NOT_FOUND", _("There is no such order."))
    order_access_check(order=sub.order, actor=actor, link_key=link_key)
    if reason not in Reason.values:
        raise DomainError("AFTERSALES_REASON_INVALID", _("Choose a reason from the list."), {"reasons": Reason.values})
    if mode not in ReturnRequest.Mode.values:
        raise DomainError("AFTERSALES_MODE_INVALID", _("Return it by parcel or at a location."))
    comment = str(comment or "").strip()
    if len(comment) > 1000:
        raise DomainError("AFTERSALES_COMMENT_TOO_LONG", _("A comment is up to 1000 characters."))
    text_check(comment, code="AFTERSALES_COMMENT_INVALID", field="comment")
    damage = reason == Reason.TRANSIT_DAMAGE
    kind = ReturnRequest.Kind.TRANSIT_DAMAGE if damage else ReturnRequest.Kind.RETURN
    photo_rows = photos_check(list(photos))
    if damage and not photo_rows:
        raise DomainError("AFTERSALES_PHOTO_REQUIRED", _("Show the damage with at least one photo."))
    now = clock.now()
    chosen, deadline = _lines_check(sub, units, kind, sub.order.market.local_date(now))
    request = ReturnRequest.objects.create(
        suborder=sub,
        merchant_id=sub.merchant_id,
        kind=kind,
        mode=mode,
        reason=reason,
        comment=comment,
        deadline_on=deadline,
        created_at=now,
        modified_at=now,
    )
    ReturnLine.objects.bulk_create([ReturnLine(request=request, order_line=l, quantity=q) for l, q in chosen])
    ReturnPhoto.objects.bulk_create([ReturnPhoto(request=request, **row) for row in photo_rows])
    _emit(request)
    if mode == ReturnRequest.Mode.DROPOFF:
        return return_dropoff_issue(request=request)
    return return_label_issue(request=request)


def return_label_issue(*, request: ReturnRequest) -> ReturnRequest:
    """A prepaid label for the parcel (requested → label_issued)."""
    return _move(request, S.LABEL_ISSUED, label_carrier=RETURN_CARRIER, label_tracking=f"RET{request.pk:08d}")


def return_dropoff_issue(*, request: ReturnRequest) -> ReturnRequest:
    """A code the customer shows at a location that takes returns (requested → dropoff_issued)."""
    if not return_locations(request.suborder.order.market).exists():
        raise DomainError("AFTERSALES_NO_DROPOFF_LOCATION", _("No location takes returns in this country yet."))
    code = _code()
    while ReturnRequest.objects.filter(dropoff_code=code).exists():
        code = _code()
    return _move(request, S.DROPOFF_ISSUED, dropoff_code=code)


# --- the customer's moves -------------------------------------------------------------------------------------


def _for_customer(*, actor: Actor, public_id, link_key: str = "") -> ReturnRequest:
    request = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no such return."))
    try:
        order_access_check(order=request.suborder.order, actor=actor, link_key=link_key)
    except DomainError as err:
        if err.status == 404:
            raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no such return.")) from None
        raise
    return request


@transaction.atomic
def return_send(*, actor: Actor, public_id, link_key: str = "") -> ReturnRequest:
    """The customer handed the parcel to the carrier (label_issued → in_transit)."""
    return _move(_for_customer(actor=actor, public_id=public_id, link_key=link_key), S.IN_TRANSIT, sent_at=clock.now())


@transaction.atomic
def return_cancel(*, actor: Actor, public_id, link_key: str = "") -> ReturnRequest:
    """The customer keeps the device after all (before it left them)."""
    return _move(_for_customer(actor=actor, public_id=public_id, link_key=link_key), S.CANCELLED)


# --- the counter ----------------------------------------------------------------------------------------------


@transaction.atomic
def return_drop_off(*, actor: Actor, code: str) -> ReturnRequest:
    """A clerk takes the device in at their location against the customer's code (dropoff_issued → dropped_off).
    The location must take returns in the order's market."""
    require(actor, "pos.sell")
    location = (
        Location.objects.select_related("channel__market").filter(pk=actor.location_id).first()
        if actor.location_id is not None
        else None
    )
    code = str(code or "").strip().upper().replace(" ", "").replace("-", "")
    request = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(dropoff_code=code)
        .first()
        if code
        else None
    )
    if request is None:
        raise NotFound("AFTERSALES_DROPOFF_CODE_UNKNOWN", _("No return has this code; check it with the customer."))
    if location is None or not return_locations(request.suborder.order.market).filter(pk=location.pk).exists():
        raise DomainError(
            "AFTERSALES_LOCATION_NO_RETURNS", _("This location does not take returns for this order."), status=403
        )
    return _move(request, S.DROPPED_OFF, dropoff_location=location, sent_at=clock.now())


# --- the merchant's moves -------------------------------------------------------------------------------------


def _for_merchant(*, actor: Actor, return_id: int) -> ReturnRequest:
    require(actor, "order.fulfil")
    request = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("suborder__order__market")
        .filter(pk=return_id, merchant_id=actor.merchant_id)
        .first()
        if actor.merchant_id
        else None
    )
    if request is None:
        raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no return %(id)s.") % {"id": return_id})
    return request


@transaction.atomic
def return_receive(*, actor: Actor, return_id: int) -> ReturnRequest:
    """The merchant has the device back."""
    request = _for_merchant(actor=actor, return_id=return_id)
    return _move(request, S.RECEIVED, received_at=clock.now())


@transaction.atomic
def return_inspect(*, actor: Actor, return_id: int) -> ReturnRequest:
    """The merchant checked the device is the one sold, as sold: the customer is refunded (received → inspected
    → refunded, in one transaction; the gateway is called after commit)."""
    request = _for_merchant(actor=actor, return_id=return_id)
    _move(request, S.INSPECTED)
    return return_refund(request=request)


def return_refund(*, request: ReturnRequest) -> ReturnRequest:
    """Give the returned lines' money back (inspected → refunded), through refunds.py."""
    transition_check(request.state, S.REFUNDED)
    units = dict(request.lines.values_list("order_line_id", "quantity"))
    refund = aftersales_units_refund(
        suborder=request.suborder, units=units, withdrawal=True, reason=f"return {str(request.public_id)[:8]}"
    )
    _move(request, S.REFUNDED, refund=refund, refund_minor=refund.amount_minor)
    emit(
        "return.refunded",
        {
            "return_id": request.pk,
            "order_line_ids": sorted(units),
            "refund_id": refund.pk,
            "refunded_at": request.modified_at.isoformat(),
        },
    )
    return request


@transaction.atomic
def return_refuse(*, actor: Actor, return_id: int, reason: str) -> ReturnRequest:
    """The device is not the one sold, or not as sold: no refund, with the reason the customer reads."""
    reason = str(reason or "").strip()
    if not reason or len(reason) > 500:
        raise DomainError("AFTERSALES_REFUSAL_REASON_REQUIRED", _("Say why, in up to 500 characters."))
    text_check(reason, code="AFTERSALES_REFUSAL_REASON_INVALID", field="reason")
    request = _for_merchant(actor=actor, return_id=return_id)
    return _move(request, S.REFUSED, refusal_reason=reason)
