"""Locations: the public store locator and a location's card; its store stock and movements, and the stock moves
(receive, transfer, return to the merchant, adjust) for the clerk of that location and operator staff.

A partner manager reads the stock and movements of its partner's locations (offers/store_stock.py
`stock_readable`); moves are the clerk's and the operator's."""

import datetime as dt

from ninja import Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent
from remarket.markets.locator import MAX_LIMIT, locations_near
from remarket.markets.models import Location
from remarket.markets.selectors import location_get
from remarket.offers.store_stock import (
    MAX_UNITS,
    stock_movements_for,
    store_stock_adjust,
    store_stock_for,
    store_stock_receive,
    store_stock_return_to_merchant,
    store_stock_transfer,
)

from .auth import TokenAuth
from .schemas import Error, Plain, offset_query

router = Router(tags=["locations"])


class LocationOut(Plain):
    code: str
    name: str
    kind: str  # store or partner
    partner: str | None
    street: str
    postcode: str
    town: str
    country: str
    latitude: float | None
    longitude: float | None
    hours: dict[str, list[list[str]]]
    closed_dates: list[str]
    services: list[str]
    active: bool


class NearOut(Plain):
    location: LocationOut
    distance_km: float | None  # always given here; None only where a place is listed by name
    hours_today: list[list[str]]


def _location_out(location: Location) -> LocationOut:
    channel = location.channel
    return LocationOut(
        code=location.code,
        name=location.name,
        kind=channel.kind,
        partner=channel.partner.name if channel.partner else None,  # no query without a partner id
        street=location.street,
        postcode=location.postcode,
        town=location.town,
        country=location.country,
        latitude=float(location.latitude) if location.latitude is not None else None,
        longitude=float(location.longitude) if location.longitude is not None else None,
        hours=location.hours,
        closed_dates=location.closed_dates,
        services=location.services,
        active=location.is_active,
    )


def _point(near: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in near.split(","))
    except ValueError:
        raise DomainError("LOCATOR_POINT_INVALID", "near is latitude,longitude in degrees: 48.8566,2.3522.") from None
    return lat, lon


@router.get("/locations", response={200: list[NearOut], 400: Error, 404: Error}, auth=None)
def locator(
    request,
    near: str | None = Query(None, description="latitude,longitude", max_length=60),
    postcode: str | None = Query(None, max_length=12),
    town: str | None = Query(None, max_length=100),
    service: str | None = Query(None, description=", ".join(Location.Service.values), max_length=20),
    limit: int = Query(10, ge=1, le=MAX_LIMIT),
):
    """The active locations nearest a position, a postcode or a town (nearest first), with their distance in
    kilometres and today's opening hours; `service` keeps those offering it (pickup, returns...)."""
    found = locations_near(
        point=_point(near) if near else None, postcode=postcode, town=town, service=service, limit=limit
    )
    return [
        NearOut(location=_location_out(n.location), distance_km=n.distance_km, hours_today=n.hours_today) for n in found
    ]


@router.get("/locations/{code}", response={200: LocationOut, 404: Error}, auth=None)
def location(request, code: str):
    """An active location's address, position, opening hours and services."""
    return _location_out(location_get(code=code, active_only=True))


class StockOut(Schema):
    listing_id: int
    sku: str
    merchant: str  # whose units they are (the operator's first-party merchant, or a merchant's on consignment)
    title: str
    available: int


class MovementOut(Schema):
    id: int
    listing_id: int
    kind: str
    delta: int
    reason: str
    at: dt.datetime
    actor_id: int | None
    counterpart: str | None  # the other location of a transfer
    order_id: int | None


@router.get("/locations/{code}/stock", response={200: list[StockOut], 403: Error, 404: Error}, auth=TokenAuth())
def stock(request, code: str):
    """The units on hand at the location, per listing (clerk of the location, its partner's manager, operator)."""
    rows = store_stock_for(actor=request.actor, location_id=location_get(code=code).pk)
    return [
        StockOut(
            listing_id=s.listing_id,
            sku=s.listing.sku,
            merchant=s.listing.merchant.name,
            title=str(s.listing.variant.model.name),
            available=s.available,
        )
        for s in rows
    ]


def _movement_out(m) -> dict:
    return MovementOut(
        id=m.pk,
        listing_id=m.listing_id,
        kind=m.kind,
        delta=m.delta,
        reason=m.reason,
        at=m.at,
        actor_id=m.actor_id,
        counterpart=m.counterpart.code if m.counterpart_id else None,
        order_id=m.order_id,
    ).model_dump(mode="json")


@router.get("/locations/{code}/movements", response={200: list[MovementOut], 403: Error, 404: Error}, auth=TokenAuth())
def movements(
    request,
    code: str,
    listing_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = offset_query(),
):
    """The location's stock movements, newest first."""
    found = stock_movements_for(actor=request.actor, location_id=location_get(code=code).pk, listing_id=listing_id)
    return [_movement_out(m) for m in found[offset : offset + limit]]


class ReceiveIn(Plain):
    listing_id: int
    quantity: int = Field(ge=1, le=MAX_UNITS)
    reason: str = Field("", max_length=200)


class TransferIn(ReceiveIn):
    to: str = Field(max_length=40, description="the receiving location's code")


class AdjustIn(Plain):
    listing_id: int
    delta: int = Field(ge=-MAX_UNITS, le=MAX_UNITS, description="units found (+) or missing (-); not 0")
    reason: str = Field(min_length=1, max_length=200)


MOVE_ERRORS = {200: list[MovementOut], 400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


def _move(request, code: str, action: str, body: dict, key: str | None, write):
    location_id = location_get(code=code).pk

    def run():
        moved = write(location_id)
        return 200, [_movement_out(m) for m in (moved if isinstance(moved, tuple) else (moved,))]

    outcome = idempotent(
        scope=request.actor.scope, route=f"locations.{code}.stock.{action}", key=key, body=body, run=run
    )
    return Status(outcome.status_code, outcome.body)


@router.post("/locations/{code}/stock/receive", response=MOVE_ERRORS, auth=TokenAuth())
def receive(
    request, code: str, payload: ReceiveIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """Units of a listing arrive at the location."""
    return _move(
        request, code, "receive", payload.model_dump(), idempotency_key,
        lambda location_id: store_stock_receive(actor=request.actor, location_id=location_id, **payload.model_dump()),
    )  # fmt: skip


@router.post("/locations/{code}/stock/transfer", response=MOVE_ERRORS, auth=TokenAuth())
def transfer(
    request, code: str, payload: TransferIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """Units leave this location for another (`to`): its transfer_out and the other's transfer_in."""
    body = payload.model_dump()
    to = body.pop("to")
    return _move(
        request, code, "transfer", payload.model_dump(), idempotency_key,
        lambda location_id: store_stock_transfer(
            actor=request.actor, from_location_id=location_id, to_location_id=location_get(code=to).pk, **body
        ),
    )  # fmt: skip


@router.post("/locations/{code}/stock/return", response=MOVE_ERRORS, auth=TokenAuth())
def return_to_merchant(
    request, code: str, payload: ReceiveIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """Units go back to the listing's merchant."""
    return _move(
        request, code, "return", payload.model_dump(), idempotency_key,
        lambda location_id: store_stock_return_to_merchant(
            actor=request.actor, location_id=location_id, **payload.model_dump()
        ),
    )  # fmt: skip


@router.post("/locations/{code}/stock/adjust", response=MOVE_ERRORS, auth=TokenAuth())
def adjust(request, code: str, payload: AdjustIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """A count that differs from the books: `delta` units up or down, with the reason."""
    return _move(
        request, code, "adjust", payload.model_dump(), idempotency_key,
        lambda location_id: store_stock_adjust(actor=request.actor, location_id=location_id, **payload.model_dump()),
    )  # fmt: skip
