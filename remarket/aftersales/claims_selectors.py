"""Reads of warranty claims: the seller's queue, the operator's escalation queue, a customer's claim, the lines a
customer may claim on, and what claims and returns say about a seller's quality."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import NotFound
from remarket.orders.access import order_access_check
from remarket.orders.models import OrderLine, SubOrder
from remarket.orders.states import LineState

from .claims import ACTIVE_STATES, CLOSED_STATES, warranty_until
from .models import ClaimAttachment, ClaimMessage, ClaimState, ReturnLine, ReturnState, WarrantyClaim


def _with_messages(qs: QuerySet[WarrantyClaim]) -> QuerySet[WarrantyClaim]:
    messages = ClaimMessage.objects.order_by("created_at", "pk").prefetch_related(
        Prefetch("attachments", queryset=ClaimAttachment.objects.defer("content").order_by("pk"))
    )
    return qs.prefetch_related(Prefetch("messages", queryset=messages), "transfers")


def _related(qs: QuerySet[WarrantyClaim]) -> QuerySet[WarrantyClaim]:
    return qs.select_related("suborder__order__market", "order_line__listing", "merchant")


def claims_for_merchant(*, actor: Actor, state: str | None = None, active: bool = False) -> QuerySet[WarrantyClaim]:
    """The seller's claims, nearest deadline first (the back office's queue); closed ones last."""
    require(actor, "order.view_merchant")
    qs = (
        WarrantyClaim.objects.filter(merchant_id=actor.merchant_id)
        if actor.merchant_id
        else WarrantyClaim.objects.none()
    )
    if state is not None:
        qs = qs.filter(state=state)
    if active:
        qs = qs.filter(state__in=ACTIVE_STATES)
    return _related(qs).order_by("deadline_at", "-modified_at", "pk")


def claims_for_seller_api(
    *,
    actor: Actor,
    last_id: int | None = None,
    closed: bool | None = None,
    orderline_id: int | None = None,
    modified_after: dt.datetime | None = None,
    message_after: dt.datetime | None = None,
) -> QuerySet[WarrantyClaim]:
    """The seller's claims as `GET /ws/sav` filters them (`last_id`, state open or closed, `orderline`, modified
    or with a message after an instant), by id."""
    qs = claims_for_merchant(actor=actor)
    if last_id is not None:
        qs = qs.filter(pk__gt=last_id)
    if closed is not None:
        qs = qs.filter(state__in=CLOSED_STATES) if closed else qs.filter(state__in=ACTIVE_STATES)
    if orderline_id is not None:
        qs = qs.filter(order_line_id=orderline_id)
    if modified_after is not None:
        qs = qs.filter(modified_at__gt=modified_after)
    if message_after is not None:
        qs = qs.filter(last_message_at__gt=message_after)
    return qs.select_related("suborder__order__customer").order_by("pk")


def claim_for_seller_api(*, actor: Actor, claim_id: int) -> WarrantyClaim:
    """One claim of the seller with what `GET /ws/sav/{id}` shows (messages, the order line's product)."""
    claim = (
        _with_messages(claims_for_merchant(actor=actor))
        .select_related(
            "suborder__order__customer", "suborder__shipment", "order_line__listing__variant__model__category"
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    return claim


def claim_for_merchant(*, actor: Actor, claim_id: int) -> WarrantyClaim:
    claim = _with_messages(claims_for_merchant(actor=actor)).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    return claim


def claims_escalated(*, actor: Actor) -> QuerySet[WarrantyClaim]:
    """The operator's escalation queue: escalated claims, the decision due first."""
    require(actor, "claim.decide")
    return _related(WarrantyClaim.objects.filter(state=ClaimState.ESCALATED)).order_by("deadline_at", "pk")


def claims_all(*, actor: Actor) -> QuerySet[WarrantyClaim]:
    require(actor, "claim.decide")
    return _related(WarrantyClaim.objects.all()).order_by("-modified_at", "pk")


def claim_for_operator(*, actor: Actor, claim_id: int) -> WarrantyClaim:
    require(actor, "claim.decide")
    claim = _with_messages(_related(WarrantyClaim.objects.filter(pk=claim_id))).first()
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no claim %(id)s.") % {"id": claim_id})
    return claim


def claim_for_customer(*, actor: Actor, public_id, link_key: str = "") -> WarrantyClaim:
    """A claim the customer may follow (the order's access rules), or 404."""
    claim = _with_messages(_related(WarrantyClaim.objects.filter(public_id=public_id))).first()
    if claim is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no such claim."))
    try:
        order_access_check(order=claim.suborder.order, actor=actor, link_key=link_key)
    except NotFound:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", _("There is no such claim.")) from None
    return claim


def claim_attachment_for_customer(*, actor: Actor, public_id, attachment_id: int, link_key: str = ""):
    claim = claim_for_customer(actor=actor, public_id=public_id, link_key=link_key)
    found = ClaimAttachment.objects.filter(claim=claim, pk=attachment_id).first()
    if found is None:
        raise NotFound("AFTERSALES_ATTACHMENT_NOT_FOUND", _("There is no such attachment."))
    return found


def claim_attachment_for_merchant(*, actor: Actor, claim_id: int, attachment_id: int) -> ClaimAttachment:
    require(actor, "order.view_merchant")
    found = ClaimAttachment.objects.filter(
        pk=attachment_id, claim_id=claim_id, claim__merchant_id=actor.merchant_id or -1
    ).first()
    if found is None:
        raise NotFound("AFTERSALES_ATTACHMENT_NOT_FOUND", _("There is no such attachment."))
    return found


def claim_attachment_for_operator(*, actor: Actor, claim_id: int, attachment_id: int) -> ClaimAttachment:
    require(actor, "claim.decide")
    found = ClaimAttachment.objects.filter(pk=attachment_id, claim_id=claim_id).first()
    if found is None:
        raise NotFound("AFTERSALES_ATTACHMENT_NOT_FOUND", _("There is no such attachment."))
    return found


def claims_of_order(order) -> QuerySet[WarrantyClaim]:
    return WarrantyClaim.objects.filter(suborder__order=order).select_related("order_line").order_by("pk")


def claimable_lines(suborder: SubOrder) -> list[tuple[OrderLine, dt.date]]:
    """The shipped lines of a sub-order still under warranty and without a claim under way, with the warranty's
    last day (the order page's "help")."""
    today = suborder.order.market.local_date(clock.now())
    busy = set(
        WarrantyClaim.objects.filter(suborder=suborder, state__in=ACTIVE_STATES).values_list("order_line_id", flat=True)
    )
    found = []
    for line in suborder.lines.select_related("listing"):
        if line.state != LineState.SHIPPED or line.pk in busy:
            continue
        line.suborder = suborder
        until = warranty_until(line)
        if until is not None and today <= until:
            found.append((line, until))
    return found


# --- quality --------------------------------------------------------------------------------------------------


def merchant_aftersales_rates(
    *, merchant_id: int, since: dt.datetime, now: dt.datetime
) -> tuple[int, int, float | None]:
    """What after-sales says of a seller over lines sold since `since`: (lines with a return or a warranty claim,
    lines shipped, the mean hours from a claim's opening to the seller's first answer — the claims still
    unanswered count until now — or None without claims)."""
    shipped_states = (LineState.SHIPPED, LineState.REFUNDED_AFTER_SHIPPING)
    shipped = OrderLine.objects.filter(
        suborder__merchant_id=merchant_id, suborder__created_at__gte=since, state__in=shipped_states
    ).count()
    returned = set(
        ReturnLine.objects.filter(request__merchant_id=merchant_id, order_line__suborder__created_at__gte=since)
        .exclude(request__state=ReturnState.CANCELLED)
        .values_list("order_line_id", flat=True)
    )
    claims = list(
        WarrantyClaim.objects.filter(merchant_id=merchant_id, created_at__gte=since).values_list(
            "order_line_id", "created_at", "answered_at"
        )
    )
    claimed = {line_id for line_id, _, _ in claims}
    hours = [((answered or now) - created).total_seconds() / 3600 for _, created, answered in claims]
    response = round(sum(hours) / len(hours), 2) if hours else None
    return len(returned | claimed), shipped, response


def claims_of_suborder(suborder) -> QuerySet[WarrantyClaim]:
    return WarrantyClaim.objects.filter(suborder=suborder).select_related("order_line").order_by("pk")
