"""`/ws/shipping/v1/deliveries`: the contract's Backship `Delivery`, one per parcel a merchant shipped.

A delivery is a `Shipment` (its id is the delivery id and `shipmentId`); `order` is the sub-order, the `/ws/`
order id. remarket prints no labels, books no pickups and has no carrier ids, yet the contract requires every
field non-null: the defaults are listed in this package's README.md ("Orders")."""

import datetime as dt

from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.logs import request_id
from remarket.orders.models import Shipment
from remarket.orders.selectors import shipments_for_merchant
from remarket.orders.states import LineState, OrderState

from .endpoint import Call, json_response
from .orders import instant, timestamp, whole_id
from .pagination import page_body, page_of

SHIPPED_LINES = (LineState.SHIPPED, LineState.REFUNDED_AFTER_SHIPPING)
ORDER_STATES = (OrderState.NEW, OrderState.PAID, OrderState.TO_SHIP, OrderState.UNPAID, OrderState.SHIPPED)
STANDARD_DELAY_DAYS = 3  # checkout's "Standard" option, for a parcel whose delay was not recorded
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def business_days_after(start: dt.datetime, days: int) -> dt.datetime:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= day.weekday() < 5
    return day


def delivery_public(shipment: Shipment) -> dict:
    sub = shipment.suborder
    shipped = timestamp(shipment.shipped_at)
    handed_over = sub.order.location_id is not None  # a counter sale: given to the customer in store
    delivered = (
        shipment.shipped_at
        if handed_over
        else business_days_after(
            shipment.shipped_at, sub.shipping_delay_days if sub.shipping_delay_days is not None else STANDARD_DELAY_DAYS
        )
    )
    return {
        "order": sub.pk,
        "shipmentId": shipment.pk,
        "carrierId": 0,  # carriers are named, not numbered
        "orderlines": [line.pk for line in sub.lines.all() if line.state in SHIPPED_LINES],
        "referenceNumber": str(sub.pk),
        "trackingNumber": shipment.tracking_number,
        "trackingUrl": shipment.tracking_url,
        "carrierName": shipment.carrier,
        "hubScanned": False,
        "invoicedCurrency": sub.order.currency,
        "invoicedPrice": 0,  # no label is bought through us
        "datePickup": shipped,
        "dateCreation": shipped,
        "dateDelivery": timestamp(delivered),  # expected: the shipping delay the customer chose, in business days
        "labelUrl": "",
        "type": "DELIVERY",
        "pickupInfo": {
            "confirmationNumber": shipment.tracking_number,
            "datePickupActual": shipped,
            "datePickupRangeStart": shipped,
            "datePickupRangeEnd": shipped,
            "datePickupRequested": clock.local_date(shipment.shipped_at, dt.UTC).isoformat(),  # the contract: UTC
            "isCanceled": False,
            "pickupId": shipment.pk,
        },
    }


def _bound(request, name: str, *, end: bool) -> tuple[str, dt.datetime]:
    """(`shipments_for_merchant` argument, instant) of a date filter: "before and at" a bare day includes all of
    it."""
    value, bare_date = instant(request.GET[name], name)
    if bare_date and end:
        return "shipped_before", value + dt.timedelta(days=1)
    return ("shipped_until" if end else "shipped_from"), value


def _filters(request) -> dict:
    """`order_id`, `start_date`/`end_date` (created), `pickup_start_date`/`pickup_end_date` (picked up — the same
    instant here: a parcel is recorded when the carrier takes it), `order_state`, `hub_scanned`: the
    `shipments_for_merchant` filters."""
    filters: dict = {"shipped_from": (), "shipped_until": (), "shipped_before": ()}
    raw = request.GET.get("order_id", "").strip()
    if raw:
        order_id = whole_id(raw)
        if order_id is None:
            raise DomainError("WS_FILTER_INVALID", "An integer is needed.", {"field": "order_id"})
        filters["suborder_id"] = order_id
    for name, end in (
        ("start_date", False),
        ("end_date", True),
        ("pickup_start_date", False),
        ("pickup_end_date", True),
    ):
        if request.GET.get(name, "").strip():
            argument, value = _bound(request, name, end=end)
            filters[argument] += (value,)
    raw = request.GET.get("order_state", "").strip()
    if raw:
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in ORDER_STATES:
            raise DomainError("WS_FILTER_INVALID", "One of 0, 1, 3, 8, 9 is needed.", {"field": "order_state"})
        filters["suborder_state"] = int(raw)
    raw = request.GET.get("hub_scanned", "").strip().lower()
    if raw:
        if raw not in BOOLEANS:
            raise DomainError("WS_FILTER_INVALID", "true or false is needed.", {"field": "hub_scanned"})
        filters["none"] = BOOLEANS[raw]  # no label is ever scanned at a hub here
    return filters


def validation_error(err: DomainError):
    field = str(err.details.get("field", "query"))
    return json_response(
        {
            "error": {"code": err.code, "message": str(err.message)},
            "data": {"fields": {field: [str(err.message)]}},
            "requestId": request_id.get(),
        },
        422,
    )


def deliveries_list(request, call: Call):
    try:
        where = _filters(request)
        page = page_of(request)
    except DomainError as err:  # the operation documents one error: 422 with the fields at fault
        return validation_error(err)
    shipments = shipments_for_merchant(actor=call.actor, **where)
    count = shipments.count()
    rows = list(page.slice(shipments)) if count else []
    return page_body(request, page, count, [delivery_public(s) for s in rows])


def delivery_get(request, call: Call, delivery_id: str):
    pk = whole_id(delivery_id)
    shipment = shipments_for_merchant(actor=call.actor, shipment_id=pk).first() if pk is not None else None
    if shipment is None:
        raise NotFound("DELIVERY_NOT_FOUND", f"There is no delivery {delivery_id} among yours.")
    return delivery_public(shipment)
