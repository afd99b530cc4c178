"""Reads of returns: where a device can be dropped off, a merchant's queue, a customer's returns."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core.errors import NotFound
from remarket.markets.locator import Near, locations_offering, locations_with_service
from remarket.markets.models import Location
from remarket.orders.access import order_access_check

from .models import ReturnLine, ReturnRequest


def return_locations(market) -> QuerySet[Location]:
    """Locations that take returns of the market's orders: its active own stores and partner corners that offer
    the returns service (markets/locator.py)."""
    return locations_with_service(market=market, service=Location.Service.RETURNS)


def return_locations_near(*, market, near: str = "", limit: int = 10) -> list[Near]:
    """Where a customer can drop a return off: those locations nearest first to `near` (their postcode, town or
    "lat,lon"), with the distance and today's opening hours; by name when `near` names no known place."""
    return locations_offering(market=market, service=Location.Service.RETURNS, near=near, limit=limit)


def returns_for_merchant(*, actor: Actor, state: str | None = None) -> QuerySet[ReturnRequest]:
    """The merchant's returns, oldest deadline first (the back office's queue)."""
    require(actor, "order.view_merchant")
    qs = (
        ReturnRequest.objects.filter(merchant_id=actor.merchant_id)
        if actor.merchant_id
        else ReturnRequest.objects.none()
    )
    qs = qs.select_related("suborder__order__market").prefetch_related("lines__order_line")
    return (qs if state is None else qs.filter(state=state)).order_by("deadline_on", "id")


def return_for_merchant(*, actor: Actor, return_id: int) -> ReturnRequest:
    request = returns_for_merchant(actor=actor).filter(pk=return_id).first()
    if request is None:
        raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no return %(id)s.") % {"id": return_id})
    return request


def return_for_customer(*, actor: Actor, public_id, link_key: str = "") -> ReturnRequest:
    """A return the customer may follow (the order's access rules), or 404."""
    request = (
        ReturnRequest.objects.select_related("suborder__order__market", "suborder__merchant", "dropoff_location")
        .prefetch_related("lines__order_line")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no such return."))
    try:
        order_access_check(order=request.suborder.order, actor=actor, link_key=link_key)
    except NotFound:
        raise NotFound("AFTERSALES_RETURN_NOT_FOUND", _("There is no such return.")) from None
    return request


def returns_of_order(order) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(suborder__order=order).prefetch_related("lines__order_line").order_by("id")


def return_lines_of(request: ReturnRequest) -> list[ReturnLine]:
    return list(request.lines.select_related("order_line").order_by("order_line_id"))


@dataclass(frozen=True)
class Between:
    """Bounds on a moment, each optional: at or after `start`; at or before `end`, or strictly before
    `before` (a whole day given as a date)."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    before: dt.datetime | None = None

    def q(self, column: str) -> Q:
        where = Q()
        for lookup, value in (("gte", self.start), ("lte", self.end), ("lt", self.before)):
            if value is not None:
                where &= Q(**{f"{column}__{lookup}": value})
        return where


def return_lines_for_merchant(
    *,
    actor: Actor,
    pk: int | None = None,
    suborder_id: int | None = None,
    created: Between = Between(),
    sent: Between = Between(),
    suborder_state: int | None = None,
    none: bool = False,
) -> QuerySet[ReturnLine]:
    """The returned lines of the merchant's returns, newest first (the seller API lists returns per line): one
    line (`pk`), those of a sub-order, created or handed over between bounds, of sub-orders in a state; `none`:
    a filter nothing matches."""
    require(actor, "order.view_merchant")
    if not actor.merchant_id or none:
        return ReturnLine.objects.none()
    where = created.q("request__created_at") & sent.q("request__sent_at")
    if pk is not None:
        where &= Q(pk=pk)
    if suborder_id is not None:
        where &= Q(request__suborder_id=suborder_id)
    if suborder_state is not None:
        where &= Q(request__suborder__state=suborder_state)
    return (
        ReturnLine.objects.filter(where, request__merchant_id=actor.merchant_id)
        .select_related("request__suborder__order", "request__dropoff_location")
        .order_by("-request__created_at", "-pk")
    )


def returns_of_suborder(suborder) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(suborder=suborder).order_by("id")
