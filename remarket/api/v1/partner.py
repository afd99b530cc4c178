"""Click & collect and partners: a customer's pickups (state and code), the clerk's parcels (list, receive, hand
over by code), and the partner manager's monthly report and statement."""

import datetime as dt
import uuid

from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from remarket.core import clock
from remarket.core.replica import replica_reads
from remarket.orders.models import Pickup
from remarket.orders.partner_reports import month_parse, partner_market, partner_report, partner_statement_for
from remarket.orders.pickups import (
    STATUSES,
    pickup_code,
    pickup_collect,
    pickup_label,
    pickup_receive,
    pickup_status,
    pickups_at_location,
    pickups_of_order,
)

from .auth import TokenAuth, guest
from .checkout import _order
from .schemas import Error, Plain

router = Router(tags=["pickups and partners"], auth=TokenAuth())


class LocationOut(Schema):
    id: int
    code: str
    name: str
    town: str
    postcode: str


class PickupOut(Schema):
    id: int
    suborder_id: int
    status: str  # awaiting, in_transit, ready, collected, returned
    label: str
    location: LocationOut
    received_at: dt.datetime | None
    expires_at: dt.datetime | None
    collected_at: dt.datetime | None
    returned_at: dt.datetime | None


class CustomerPickupOut(PickupOut):
    code: str | None  # while the parcel can still be collected


class CollectIn(Plain):
    code: str


def _location(p: Pickup) -> LocationOut:
    l = p.location
    return LocationOut(id=l.pk, code=l.code, name=l.name, town=l.town, postcode=l.postcode)


def _pickup(p: Pickup, **extra) -> dict:
    return dict(
        id=p.pk,
        suborder_id=p.suborder_id,
        status=pickup_status(p),
        label=pickup_label(p),
        location=_location(p),
        received_at=p.received_at,
        expires_at=p.expires_at,
        collected_at=p.collected_at,
        returned_at=p.returned_at,
        **extra,
    )


@router.get(
    "/orders/{order_id}/pickups",
    response={200: list[CustomerPickupOut], 401: Error, 404: Error},
    auth=[TokenAuth(), guest],
)
def order_pickups(request, order_id: uuid.UUID):
    """The pickups of an order collected at a store, with the code to show at the counter (opened like the order:
    the customer's token, or a guest's order by its id during the guest link's days)."""
    order = _order(order_id, request.actor)
    return [
        CustomerPickupOut(
            **_pickup(p, code=pickup_code(p) if pickup_status(p) in ("awaiting", "in_transit", "ready") else None)
        )
        for p in pickups_of_order(order=order)
    ]


@router.get("/pos/pickups", response={200: list[PickupOut], 403: Error})
def location_pickups(request, status: str = ""):
    """The parcels of the clerk's location, newest first (at most 200); `status` narrows to one state."""
    wanted = status if status in STATUSES else ""
    return [PickupOut(**_pickup(p)) for p in pickups_at_location(actor=request.actor, status=wanted)]


@router.post("/pos/pickups/{pickup_id}/receive", response={200: PickupOut, 403: Error, 404: Error, 409: Error})
def receive(request, pickup_id: int):
    """The parcel arrived at the clerk's location: ready for pickup, the customer is mailed the code. A parcel of
    another location is not found; one received already is 409 PICKUP_ALREADY_RECEIVED."""
    return Status(200, PickupOut(**_pickup(pickup_receive(actor=request.actor, pickup_id=pickup_id))))


@router.post("/pos/pickups/collect", response={200: PickupOut, 400: Error, 403: Error, 409: Error, 410: Error})
def collect(request, payload: CollectIn):
    """Hand a parcel over against its code: PICKUP_CODE_INVALID (400, also another location's code),
    PICKUP_CODE_USED (409), PICKUP_NOT_READY (409), PICKUP_CODE_EXPIRED (410)."""
    return Status(200, PickupOut(**_pickup(pickup_collect(actor=request.actor, code=payload.code))))


class LocationMonthOut(Schema):
    location: LocationOut
    orders: int
    units: int
    gmv_minor: int
    refunded_minor: int
    commission_minor: int
    pickups: dict[str, int]
    stock_units: int


class PartnerReportOut(Schema):
    month: str
    currency: str
    locations: list[LocationMonthOut]


class PartnerStatementLineOut(Schema):
    at: dt.datetime
    kind: str
    amount_minor: int
    order_id: int | None
    suborder_id: int | None
    memo: str


class PartnerStatementOut(Schema):
    partner_id: int
    currency: str
    period: str
    start: dt.datetime
    end: dt.datetime
    opening_minor: int
    commission_minor: int
    reversed_minor: int
    closing_minor: int
    lines: list[PartnerStatementLineOut]


@router.get("/partner/report", response={200: PartnerReportOut, 400: Error, 403: Error})
@decorate_view(replica_reads)
def report(request, month: str | None = None):
    """Each location of the token's partner for a month (YYYY-MM, default the current one, in its market's zone):
    orders, units, sales, refunds, its commission, parcels by state, counter stock."""
    market = partner_market(request.actor.partner_id) if request.actor.partner_id else None
    the_month = month_parse(month, market.zone if market else dt.UTC, clock.now())
    rows = partner_report(actor=request.actor, month=the_month)
    return PartnerReportOut(
        month=f"{the_month:%Y-%m}",
        currency=market.currency if market else "",
        locations=[
            LocationMonthOut(
                location=LocationOut(
                    id=r.location.pk,
                    code=r.location.code,
                    name=r.location.name,
                    town=r.location.town,
                    postcode=r.location.postcode,
                ),
                orders=r.orders,
                units=r.units,
                gmv_minor=r.gmv_minor,
                refunded_minor=r.refunded_minor,
                commission_minor=r.commission_minor,
                pickups=dict(r.pickups),
                stock_units=r.stock_units,
            )
            for r in rows
        ],
    )


@router.get("/partner/statements/{period}", response={200: PartnerStatementOut, 400: Error, 403: Error})
def statement(request, period: str):
    """The token's partner's statement for a month (YYYY-MM): owed at its start, every commission, reversal and
    payout, owed at its end; positive amounts are owed to the partner."""
    s = partner_statement_for(actor=request.actor, month=month_parse(period, dt.UTC, clock.now()))
    return PartnerStatementOut(
        partner_id=s.partner_id,
        currency=s.currency,
        period=f"{s.period:%Y-%m}",
        start=s.start,
        end=s.end,
        opening_minor=s.opening_minor,
        commission_minor=s.commission_minor,
        reversed_minor=s.reversed_minor,
        closing_minor=s.closing_minor,
        lines=[PartnerStatementLineOut(**vars(l)) for l in s.lines],
    )
