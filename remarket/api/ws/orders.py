"""`/ws/orders` and `/ws/orderlines`: a merchant's sub-orders as the contract's `Order`, and their fulfilment.

A `/ws/` order is one merchant's `SubOrder` (`order_id` is its id). States only move through the order services
(`suborder_accept`, `suborder_ship`, `orderlines_cancel`, `orderlines_refund`, `orderline_serials_set`); this
module reads, checks the request against the contract and calls them. What the contract returns and remarket does
not model is listed in this package's README.md ("Orders")."""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from remarket.catalog.grades import line_condition
from remarket.core.errors import DomainError, NotFound
from remarket.core.idempotency import idempotent
from remarket.ledger.models import LedgerTransaction
from remarket.markets.tax import Scheme
from remarket.merchants.quality import LATE_AFTER_DAYS
from remarket.orders.models import OrderLine, SubOrder
from remarket.orders.selectors import suborders_for_merchant
from remarket.orders.services import (
    imei_check,
    orderline_serials_set,
    orderlines_cancel,
    orderlines_refund,
    suborder_accept,
    suborder_ship,
    suborder_vat_scheme_set,
)
from remarket.orders.states import LineState, OrderState, line_transition_check

from .bodies import json_parse
from .endpoint import Call, json_response
from .locale import LOCALES, locale_of
from .pagination import page_body, page_of
from .serializers import amount

# Not listed unless asked for by `state`: "neither in state=0 (New Order) nor state=8 (Order not paid)".
HIDDEN_BY_DEFAULT = (OrderState.NEW, OrderState.UNPAID)
SETTABLE = (
    LineState.ACCEPTED,
    LineState.SHIPPED,
    LineState.CANCELLED,
    LineState.REFUNDED_BEFORE_SHIPPING,
    LineState.REFUNDED_AFTER_SHIPPING,
)
PAYMENT_METHOD = "CARD"  # the only way to pay here
# The contract's lengths (our columns hold them).
CARRIER_MAX, TRACKING_URL_MAX, SERIAL_MAX = 200, 300, 50
_OFFSET_UNESCAPED = re.compile(r"^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")
_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE = re.compile(r"^-?[0-9]+$")


# ---- reading the request --------------------------------------------------------------------------------------


def timestamp(value: dt.datetime | None) -> str | None:
    """RFC 3339 in UTC ("2022-04-29T09:35:24.123456Z"): precise enough to be sent back as a filter."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def instant(raw: str, name: str) -> tuple[dt.datetime, bool]:
    """An RFC 3339 date-time from a query string, and whether it was a bare date (`2014-06-24`, midnight UTC).
    A naive time is UTC; a `+02:00` offset whose `+` arrived unescaped (a space) is read as meant."""
    text = raw.strip()
    unescaped = _OFFSET_UNESCAPED.match(text)
    if unescaped:
        text = f"{unescaped[1]}+{unescaped[2]}"
    try:  # a bare date first: Python reads "2014-06-24" as a date-time too
        day = parse_date(text) if _BARE_DATE.match(text) else None
        value = parse_datetime(text) if day is None else None
    except ValueError:
        value = day = None
    if value is None and day is None:
        raise DomainError(
            "WS_FILTER_INVALID",
            f"{name}={raw!r} is not an RFC 3339 date-time such as 2014-06-24T12:55:57Z.",
            {"field": name},
        )
    if value is None:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), True
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)), False


def whole_id(raw) -> int | None:
    """A path id as an integer; None when it is not one (callers answer 400 or 404 as their operation says)."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def request_fields(request) -> dict:
    """The body of a write: a JSON object, or form fields (url-encoded or multipart), as real clients send both.
    Django parses forms of POST only, so PATCH forms are read here too."""
    content_type = request.content_type
    if content_type == "application/x-www-form-urlencoded":
        return QueryDict(request.body, encoding=request.encoding).dict()
    if content_type == "multipart/form-data":
        if request.method == "POST":
            return request.POST.dict()
        return request.parse_file_upload(request.META, request)[0].dict()
    raw = request.body
    if not raw.strip():
        return {}
    body = json_parse(raw, message="The body is neither JSON nor form-encoded.")
    if not isinstance(body, dict):
        raise DomainError("WS_BODY_INVALID", "The body is a JSON object of the fields to change.")
    return body


def _text(body: dict, name: str, limit: int | None = None) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        raise DomainError("WS_FIELD_INVALID", f"{name} is text.", {"field": name})
    text = str(value).strip()
    if limit is not None and len(text) > limit:
        raise DomainError("WS_FIELD_INVALID", f"{name} is at most {limit} characters here.", {"field": name})
    return text


def _whole(value, name: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not _WHOLE.match(str(value).strip()):
        raise DomainError(code, f"{name} is a whole number, not {value!r}.", {"field": name})
    return int(str(value).strip())


# ---- the contract's Order ------------------------------------------------------------------------------------


def phone_e164(raw: str, country: str) -> str:
    """E.164 (`+33612345678`) when the number can be read in the address's country; as stored otherwise."""
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_public(address: dict, *, email: str, country: str) -> dict:
    """The contract's `Address` under both of its names: the schema's camelCase properties (`firstName`,
    `postalCode`, `phoneNumber`) and the operation's Table 8 snake_case fields (`first_name`, `postal_code`,
    `phone`, `email`) that integrations read."""
    a = {
        k: str(address.get(k) or "").strip()
        for k in (
            "first_name",
            "last_name",
            "company",
            "street",
            "street2",
            "postal_code",
            "city",
            "country",
            "state",
            "phone",
        )
    }
    country = (a["country"] or country).upper()
    phone = phone_e164(a["phone"], country)
    return {
        "company": a["company"],
        "street": a["street"],
        "street2": a["street2"],
        "city": a["city"],
        "state": a["state"],
        "country": country,
        "firstName": a["first_name"],
        "lastName": a["last_name"],
        "postalCode": a["postal_code"],
        "phoneNumber": phone,
        "first_name": a["first_name"],
        "last_name": a["last_name"],
        "postal_code": a["postal_code"],
        "phone": phone,
        "email": email,
    }


def orderline_public(line: OrderLine, sub: SubOrder, *, shipping_minor: int) -> dict:
    """`OrderLine`: `price` is the unit price (Table 9), `condition` the grade's order-line code."""
    currency = line.currency
    body = {
        "id": line.pk,
        "date_creation": timestamp(sub.created_at),
        "state": line.state,
        "price": amount(line.unit_price_minor, currency),
        "shipping_price": amount(shipping_minor, currency),
        "currency": currency,
        "return_message": "",
        "listing": line.sku,
        "listing_id": line.listing_id,
        "orderline_fee": amount(line.commission_minor, currency),
        "sales_taxes": amount(line.tax_minor if line.tax_scheme == Scheme.SALES_TAX else 0, currency),
        "product": line.title,
        "quantity": line.quantity,
        "brand": line.listing.variant.model.brand,
        "product_id": line.listing.variant_id,
        "backcare": False,
        "backcare_price": 0,
        "imei": line.imei,
        "serial_number": line.serial_number,
        "condition": line_condition(line.grade),
    }
    if sub.shipping_delay_days is not None:
        body["shipping_delay"] = sub.shipping_delay_days * 24  # business days, in hours as listings show them
    return body


def order_public(sub: SubOrder) -> dict:
    """`Order` for a sub-order read through `orders_query` (lines, listing, shipment and payment date loaded)."""
    order = sub.order
    currency = order.currency
    shipment = getattr(sub, "shipment", None)
    lines = list(sub.lines.all())
    address = address_public(order.shipping_address or {}, email=order.email, country=order.market.code)
    carrier = shipment.carrier if shipment is not None else sub.shipping_carrier
    sales_tax = sub.tax_minor if sub.shipping_tax_scheme == Scheme.SALES_TAX else 0
    body = {
        "order_id": sub.pk,
        "merchant_id": sub.merchant_id,
        "state": sub.state,
        "date_creation": timestamp(sub.created_at),
        "date_modification": timestamp(sub.modified_at),
        "shipping_address": address,
        "billing_address": dict(address),  # no separate billing address is taken at checkout
        "tracking_number": shipment.tracking_number if shipment is not None else "",
        "tracking_url": shipment.tracking_url if shipment is not None else "",
        "shipper": carrier,
        "shipper_display": carrier,
        "is_backship": False,
        "price": amount(sub.total_minor - sub.shipping_minor - sales_tax, currency),
        "shipping_price": amount(sub.shipping_minor, currency),
        "sales_taxes": amount(sales_tax, currency),
        "currency": currency,
        "country_code": locale_of(order.market),
        "paypal_reference": None,
        "installment_payment": False,
        "payment_method": PAYMENT_METHOD,
        # the parcel's shipping is carried by the first line, so that the lines add up to the order
        "orderlines": [
            orderline_public(line, sub, shipping_minor=sub.shipping_minor if i == 0 else 0)
            for i, line in enumerate(lines)
        ],
    }
    if sub.paid_at is not None:
        body["date_payment"] = timestamp(sub.paid_at)
    if shipment is not None:
        body["date_shipping"] = timestamp(shipment.shipped_at)
    if sub.state in (OrderState.PAID, OrderState.TO_SHIP):
        # the day after which a shipment counts as late in the merchant's quality rates
        body["expected_dispatch_date"] = timestamp(sub.created_at + dt.timedelta(days=LATE_AFTER_DAYS))
    return body


def orders_query(call: Call) -> QuerySet[SubOrder]:
    """The caller's sub-orders with all `order_public` reads: one query per page, plus one for the lines."""
    paid_at = LedgerTransaction.objects.filter(kind="sale", suborder=OuterRef("pk")).values("at")[:1]
    lines = OrderLine.objects.select_related("listing__variant__model").order_by("pk")
    return (
        suborders_for_merchant(actor=call.actor)
        .select_related("shipment")
        .annotate(paid_at=Subquery(paid_at))
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


def _order_of(call: Call, order_id: int) -> SubOrder:
    sub = orders_query(call).filter(pk=order_id).first()
    if sub is None:
        raise NotFound("ORDER_NOT_FOUND", f"There is no order {order_id} among yours.")
    return sub


def _path_order_id(raw) -> int:
    order_id = whole_id(raw)
    if order_id is None:
        raise DomainError("WS_ORDER_ID_INVALID", f"An order id is a whole number, not {raw!r}.", {"field": "order_id"})
    return order_id


# ---- GET /ws/orders, GET /ws/orders/{order_id} ----------------------------------------------------------------


def _state_filter(request) -> int | None:
    raw = request.GET.get("state", "").strip()
    if not raw:
        return None
    if not _WHOLE.match(raw) or int(raw) not in OrderState.ALL:
        raise DomainError(
            "WS_FILTER_INVALID", f"state={raw!r} is not an order state (0, 10, 1, 3, 8, 9).", {"field": "state"}
        )
    return int(raw)


def _list_filters(request) -> tuple[dict, dict]:
    """(filter, exclude) lookups of the list's query parameters."""
    lookups: dict = {}
    state = _state_filter(request)
    if state is not None:
        lookups["state"] = state
    for name, column in (("date_creation", "created_at"), ("date_modification", "modified_at")):
        raw = request.GET.get(name, "")
        if raw.strip():
            lookups[f"{column}__gte"] = instant(raw, name)[0]
    country = request.GET.get("country_code", "").strip().lower()
    if country:
        if country not in LOCALES:
            raise DomainError(
                "WS_FILTER_INVALID",
                f"country_code={country!r} is not one of the contract's codes (fr-fr, en-us...).",
                {"field": "country_code"},
            )
        lookups["order__market__code"] = LOCALES[country]
    return lookups, ({} if state is not None else {"state__in": HIDDEN_BY_DEFAULT})


def orders_list(request, call: Call):
    """Filters: `state` (else every state but 0 and 8), `date_creation` / `date_modification` (created / modified
    at or after), `country_code` (the order's market); newest first. Four queries whatever the page size: token,
    count, page, lines."""
    lookups, hidden = _list_filters(request)
    page = page_of(request)
    count = suborders_for_merchant(actor=call.actor).filter(**lookups).exclude(**hidden).count()
    rows = list(page.slice(orders_query(call).filter(**lookups).exclude(**hidden))) if count else []
    return page_body(request, page, count, [order_public(sub) for sub in rows])


def order_get(request, call: Call, order_id: str):
    return order_public(_order_of(call, _path_order_id(order_id)))


# ---- POST /ws/orders/{order_id} -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """An `UpdateOrder` body, normalized: JSON and form bodies saying the same thing are the same update."""

    new_state: int
    sku: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    shipper: str = ""
    imei: str = ""
    serial_number: str = ""
    vat_type: str = ""  # standard or margin, from the contract's REGULAR / MARGINAL


VAT_TYPES = {"REGULAR": "standard", "MARGINAL": "margin"}


def update_of(body: dict, order_id: int) -> Update:
    if body.get("new_state") in (None, ""):
        raise DomainError(
            "ORDER_STATE_REQUIRED",
            "Send new_state: 2 accepts, 3 ships, 4 cancels, 5 or 6 refunds.",
            {"field": "new_state"},
        )
    new_state = _whole(body["new_state"], "new_state", "ORDER_STATE_INVALID")
    if new_state not in LineState.ALL:
        raise DomainError("ORDER_STATE_INVALID", f"{new_state} is not an orderline state.", {"field": "new_state"})
    if body.get("order_id") not in (None, ""):
        if _whole(body["order_id"], "order_id", "WS_FIELD_INVALID") != order_id:
            raise DomainError(
                "ORDER_ID_MISMATCH", "The order_id of the body is not the one of the URL.", {"field": "order_id"}
            )
    tracking_url = _text(body, "tracking_url", TRACKING_URL_MAX)
    if tracking_url:
        try:
            URLValidator(schemes=["http", "https"])(tracking_url)
        except ValidationError:
            raise DomainError(
                "ORDER_TRACKING_URL_INVALID", "tracking_url is an http(s) URL.", {"field": "tracking_url"}
            ) from None
    shipper = _text(body, "shipper", CARRIER_MAX)
    serial_number = _text(body, "serial_number", SERIAL_MAX)
    vat_type = _text(body, "vat_type").upper()
    if vat_type and vat_type not in VAT_TYPES:
        raise DomainError("ORDER_VAT_TYPE_INVALID", "vat_type is REGULAR or MARGINAL.", {"field": "vat_type"})
    return Update(
        new_state=new_state,
        sku=_text(body, "sku"),
        tracking_number=_text(body, "tracking_number", 200),
        tracking_url=tracking_url,
        shipper=shipper,
        imei=_text(body, "imei"),
        serial_number=serial_number,
        vat_type=VAT_TYPES.get(vat_type, ""),
    )


@contextmanager
def refusals_as(status: int) -> Iterator[None]:
    """The services answer a refused move with 409, which these operations do not document: same code, `status`."""
    try:
        yield
    except DomainError as err:
        if err.status != 409:
            raise
        raise DomainError(err.code, err.message, err.details, status=status) from err


def serials_new(line: OrderLine, *, imei: str, serial_number: str) -> dict:
    """The identifiers a request would add to a line. Sending one already recorded again changes nothing, so a
    retried request succeeds; a different one is left to the service, which refuses it."""
    wanted = {}
    if imei and imei_check(imei) != line.imei:
        wanted["imei"] = imei
    if serial_number and serial_number != line.serial_number:
        wanted["serial_number"] = serial_number
    return wanted


def _refuse_each(lines: list[OrderLine], to: int) -> None:
    for line in lines:
        line_transition_check(line.state, to)


def _accept(call: Call, sub: SubOrder, lines: list[OrderLine], chosen: list[OrderLine] | None) -> None:
    waiting = [l for l in lines if l.state == LineState.PAID]
    chosen = waiting if chosen is None else chosen
    _refuse_each(chosen or lines[:1], LineState.ACCEPTED)
    others = sorted({l.sku for l in waiting if l not in chosen})
    if others:
        raise DomainError(
            "ORDER_ACCEPT_PARTIAL_UNSUPPORTED",
            f"Lines of this order under other SKUs ({', '.join(others)}) still wait: accept them all "
            "at once (new_state 2 without sku), or first cancel those you cannot honour (new_state 4 "
            "with their sku).",
            {"field": "sku", "waiting_skus": others},
        )
    suborder_accept(actor=call.actor, suborder_id=sub.pk)


def _ship(call: Call, sub: SubOrder, lines: list[OrderLine], update: Update) -> None:
    """Every line ships in one parcel: lines still waiting for acceptance must be accepted or cancelled first."""
    _refuse_each([l for l in lines if l.state == LineState.PAID], LineState.SHIPPED)
    serials = None
    if update.imei or update.serial_number:
        if len(lines) != 1 or lines[0].quantity != 1:
            raise DomainError(
                "ORDER_SERIAL_AMBIGUOUS",
                "imei and serial_number go with new_state 3 only for an "
                "order of one unit; record them per line with PATCH /ws/orderlines/{id}.",
                {"field": "imei" if update.imei else "serial_number"},
            )
        wanted = serials_new(lines[0], imei=update.imei, serial_number=update.serial_number)
        serials = {lines[0].pk: wanted} if wanted else None
    suborder_ship(
        actor=call.actor,
        suborder_id=sub.pk,
        tracking_number=update.tracking_number,
        carrier=update.shipper or sub.shipping_carrier,
        tracking_url=update.tracking_url,
        serials=serials,
    )


def _give_back(call: Call, sub: SubOrder, lines: list[OrderLine], chosen: list[OrderLine] | None, to: int) -> None:
    """4 cancels paid lines, 5 refunds accepted ones, 6 shipped ones: the named lines, or all those it applies to."""
    source = {
        LineState.CANCELLED: LineState.PAID,
        LineState.REFUNDED_BEFORE_SHIPPING: LineState.ACCEPTED,
        LineState.REFUNDED_AFTER_SHIPPING: LineState.SHIPPED,
    }[to]
    chosen = chosen if chosen is not None else [l for l in lines if l.state == source]
    _refuse_each(chosen or lines[:1], to)
    service = orderlines_cancel if to == LineState.CANCELLED else orderlines_refund
    service(actor=call.actor, suborder_id=sub.pk, line_ids=[l.pk for l in chosen])


def _apply(call: Call, order_id: int, update: Update) -> tuple[int, dict]:
    sub = _order_of(call, order_id)
    lines = list(sub.lines.all())
    chosen = None
    if update.sku:
        chosen = [l for l in lines if l.sku.lower() == update.sku.lower()]
        if not chosen:
            raise NotFound(
                "ORDER_LINE_NOT_FOUND", f"No line of order {order_id} is listing {update.sku!r}.", {"field": "sku"}
            )
    if update.new_state not in SETTABLE:
        raise DomainError(
            "ORDER_STATE_NOT_SETTABLE",
            f"Orderlines are not set to {update.new_state} by the merchant: "
            "2 accepts, 3 ships, 4 cancels, 5 and 6 refund.",
            {"field": "new_state"},
        )
    with refusals_as(400), transaction.atomic():  # a refused state change leaves the VAT scheme as it was
        if update.vat_type:
            suborder_vat_scheme_set(actor=call.actor, suborder_id=sub.pk, scheme=update.vat_type)
        if update.new_state == LineState.ACCEPTED:
            _accept(call, sub, lines, chosen)
        elif update.new_state == LineState.SHIPPED:
            _ship(call, sub, lines, update)  # the whole order ships: a sku names no subset here
        else:
            _give_back(call, sub, lines, chosen, update.new_state)
    return 200, order_public(_order_of(call, order_id))


def order_update(request, call: Call, order_id: str):
    """`new_state` 2 accepts (all waiting lines, or those of `sku`), 3 ships the order (`tracking_number`
    required; `shipper` defaults to the carrier the customer chose; `imei`/`serial_number` for a one-unit order),
    4 cancels, 5 / 6 refund before / after shipping. With an `Idempotency-Key` a replay returns the first answer."""
    pk = _path_order_id(order_id)
    update = update_of(request_fields(request), pk)
    outcome = idempotent(
        scope=call.actor.scope,
        route=f"ws.orders.{pk}",
        key=request.headers.get("Idempotency-Key"),
        body=asdict(update),
        run=lambda: _apply(call, pk, update),
    )
    response = json_response(outcome.body, outcome.status_code)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# ---- PATCH /ws/orderlines/{orderline_id} ------------------------------------------------------------------------


def orderline_update(request, call: Call, orderline_id: str):
    """Record a line's `imei` and/or `serial_number`, once each: the same value again is accepted and changes
    nothing, another one is refused (422 ORDER_SERIAL_ALREADY_SET)."""
    line_id = whole_id(orderline_id)
    if line_id is None:
        raise DomainError(
            "WS_ORDERLINE_ID_INVALID",
            f"An orderline id is a whole number, not {orderline_id!r}.",
            {"field": "orderline_id"},
        )
    body = request_fields(request)
    imei = _text(body, "imei")
    serial_number = _text(body, "serial_number", SERIAL_MAX)
    if not imei and not serial_number:
        raise DomainError("ORDER_SERIAL_MISSING", "Send imei, serial_number or both.", {"field": "imei"})
    mine = suborders_for_merchant(actor=call.actor).values("pk")
    line = OrderLine.objects.filter(pk=line_id, suborder__in=mine).first()
    if line is None:
        raise NotFound("ORDER_LINE_NOT_FOUND", f"There is no orderline {line_id} among yours.")
    wanted = serials_new(line, imei=imei, serial_number=serial_number)
    if wanted:
        orderline_serials_set(actor=call.actor, suborder_id=line.suborder_id, serials={line.pk: wanted})
        line.refresh_from_db(fields=["imei", "serial_number"])
    return {"imei": line.imei, "serial_number": line.serial_number}
