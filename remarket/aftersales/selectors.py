"""Reads of returns: where a device can be dropped off, a merchant's queue, a customer's returns."""

from django.db.models import QuerySet
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


def return_lines_for_merchant(*, actor: Actor) -> QuerySet[ReturnLine]:
    """Every returned line of the merchant's returns, newest first (the seller API lists returns per line)."""
    require(actor, "order.view_merchant")
    qs = (
        ReturnLine.objects.filter(request__merchant_id=actor.merchant_id)
        if actor.merchant_id
        else ReturnLine.objects.none()
    )
    return qs.select_related("request__suborder__order", "request__dropoff_location").order_by(
        "-request__created_at", "-pk"
    )


def returns_of_suborder(suborder) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(suborder=suborder).order_by("id")
