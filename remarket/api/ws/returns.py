"""`/ws/shipping/v1/returns`: the contract's Backship `Return`, one per returned order line.

A return (aftersales `ReturnRequest`) carries one or more lines of one sub-order; the contract's `Return` names one
`orderlineId`, so each returned line is one entry and its id (the path's `{id}`) is the returned line's.
`orderId` is the sub-order (the `/ws/` order id), `shipmentId` the return request. The label is issued by
remarket and free to the customer: `invoicedPrice` is 0 and there is no label document (`label` empty), as for
deliveries (README.md, "Orders"). `datePickup` is when the parcel was handed over or dropped off (the creation
until then), `dateDelivery` when the merchant received it (the pickup until then): the contract makes both
non-null."""

import datetime as dt

from remarket.aftersales.models import ReturnLine
from remarket.aftersales.selectors import Between, return_lines_for_merchant
from remarket.core.errors import DomainError, NotFound

from .deliveries import BOOLEANS, ORDER_STATES, validation_error
from .endpoint import Call
from .orders import instant, timestamp, whole_id
from .pagination import page_body, page_of


def return_public(returned: ReturnLine) -> dict:
    request = returned.request
    sub = request.suborder
    created = timestamp(request.created_at)
    picked_up = timestamp(request.sent_at) or created
    carrier = request.label_carrier or (request.dropoff_location.name if request.dropoff_location else "drop-off")
    return {
        "orderId": sub.pk,
        "orderlineId": returned.order_line_id,
        "shipmentId": request.pk,
        "dateCreation": created,
        "referenceNumber": f"{sub.pk}-{request.pk}-{returned.pk}",
        "trackingNumber": request.label_tracking or request.dropoff_code or "",
        "trackingUrl": "",
        "carrierId": 0,  # carriers are named, not numbered
        "carrierName": carrier,
        "hubScanned": False,
        "datePickup": picked_up,
        "dateDelivery": timestamp(request.received_at) or picked_up,
        "label": "",
        "invoicedPrice": 0,  # free for the customer, no label bought through us
        "invoicedCurrency": sub.order.currency,
        "type": "RETURN",
    }


def _between(request, start_name: str, end_name: str) -> Between:
    start = instant(request.GET[start_name], start_name)[0] if request.GET.get(start_name, "").strip() else None
    end = before = None
    if request.GET.get(end_name, "").strip():
        value, bare_date = instant(request.GET[end_name], end_name)
        if bare_date:  # "before and at" a day includes all of it
            before = value + dt.timedelta(days=1)
        else:
            end = value
    return Between(start, end, before)


def _filters(request) -> dict:
    """`order_id`, `start_date`/`end_date` (created), `pickup_start_date`/`pickup_end_date` (handed over),
    `order_state` (the sub-order's), `hub_scanned` (never: no hub scans labels here), as the selector's
    arguments."""
    found: dict = {}
    raw = request.GET.get("order_id", "").strip()
    if raw:
        order_id = whole_id(raw)
        if order_id is None:
            raise DomainError("WS_FILTER_INVALID", "An integer is needed.", {"field": "order_id"})
        found["suborder_id"] = order_id
    found["created"] = _between(request, "start_date", "end_date")
    found["sent"] = _between(request, "pickup_start_date", "pickup_end_date")
    raw = request.GET.get("order_state", "").strip()
    if raw:
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in ORDER_STATES:
            raise DomainError("WS_FILTER_INVALID", "One of 0, 1, 3, 8, 9 is needed.", {"field": "order_state"})
        found["suborder_state"] = int(raw)
    raw = request.GET.get("hub_scanned", "").strip().lower()
    if raw:
        if raw not in BOOLEANS:
            raise DomainError("WS_FILTER_INVALID", "true or false is needed.", {"field": "hub_scanned"})
        found["none"] = BOOLEANS[raw]
    return found


def returns_list(request, call: Call):
    try:
        filters = _filters(request)
        page = page_of(request)
    except DomainError as err:  # the operation documents one error: 422 with the fields at fault
        return validation_error(err)
    lines = return_lines_for_merchant(actor=call.actor, **filters)
    count = lines.count()
    rows = list(page.slice(lines)) if count else []
    return page_body(request, page, count, [return_public(r) for r in rows])


def return_get(request, call: Call, return_id: str):
    pk = whole_id(return_id)
    returned = return_lines_for_merchant(actor=call.actor, pk=pk).first() if pk is not None else None
    if returned is None:
        raise NotFound("RETURN_NOT_FOUND", f"There is no return {return_id} among yours.")
    return return_public(returned)


def _routes():
    from django.urls import re_path

    from .endpoint import Operation, resource
    from .errors import Errors, Shape

    listed = Errors({422: Shape.V1})  # its 422 body (OrderIdValidationError) is built by the handler
    one = Errors({404: Shape.V1}, remap={403: 404})
    return [
        re_path(r"^shipping/v1/returns/?$", resource(GET=Operation(returns_list, listed, market=False))),
        re_path(
            r"^shipping/v1/returns/(?P<return_id>[^/]+)/?$", resource(GET=Operation(return_get, one, market=False))
        ),
    ]


urlpatterns = _routes()
