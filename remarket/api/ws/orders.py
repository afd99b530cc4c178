"""`/ws/orders` and `/ws/orderlines`: a merchant's sub-orders as the contract's `Order`, and their fulfilment.

A `/ws/` order is one merchant's `SubOrder` (`order_id` is its id). States only move through the order services
(`fulfilment_check` and `suborder_fulfil` hold what may happen to an order, `orderline_serials_record` the
serials); this module reads, parses the contract's shapes, calls them and answers as the contract does. What the
contract returns and remarket does not model is listed in this package's README.md ("Orders")."""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import phonenumbers
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from remarket.catalog.grades import line_condition
from remarket.core.errors import DomainError, NotFound
from remarket.core.idempotency import idempotent
from remarket.markets.tax import Scheme
from remarket.merchants.quality import LATE_AFTER_DAYS
from remarket.orders.models import OrderLine, SubOrder
from remarket.orders.selectors import suborders_count, suborders_for_fulfilment
from remarket.orders.services import Fulfilment, fulfilment_check, orderline_serials_record, suborder_fulfil
from remarket.orders.states import OrderState

from .bodies import json_parse
from .endpoint import Call, json_response
from .locale import LOCALES, locale_of
from .pagination import page_body, page_of
from .serializers import amount

# Not listed unless asked for by `state`: "neither in state=0 (New Order) nor state=8 (Order not paid)".
HIDDEN_BY_DEFAULT = (OrderState.NEW, OrderState.UNPAID)
PAYMENT_METHOD = "CARD"  # the only way to pay here
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


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        raise DomainError("WS_FIELD_INVALID", f"{name} is text.", {"field": name})
    return str(value).strip()


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
    """`Order` for a sub-order read through `suborders_for_fulfilment` (lines, listing, shipment, payment date)."""
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


def _order_of(call: Call, order_id: int) -> SubOrder:
    sub = suborders_for_fulfilment(actor=call.actor, suborder_id=order_id).first()
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


def _list_filters(request) -> dict:
    """The `suborders_for_fulfilment` filters of the list's query parameters."""
    filters: dict = {"state": _state_filter(request), "hidden_states": HIDDEN_BY_DEFAULT}
    for name, argument in (("date_creation", "created_from"), ("date_modification", "modified_from")):
        raw = request.GET.get(name, "")
        if raw.strip():
            filters[argument] = instant(raw, name)[0]
    country = request.GET.get("country_code", "").strip().lower()
    if country:
        if country not in LOCALES:
            raise DomainError(
                "WS_FILTER_INVALID",
                f"country_code={country!r} is not one of the contract's codes (fr-fr, en-us...).",
                {"field": "country_code"},
            )
        filters["market_code"] = LOCALES[country]
    return filters


def orders_list(request, call: Call):
    """Filters: `state` (else every state but 0 and 8), `date_creation` / `date_modification` (created / modified
    at or after), `country_code` (the order's market); newest first. Four queries whatever the page size: token,
    count, page, lines."""
    filters = _list_filters(request)
    page = page_of(request)
    count = suborders_count(actor=call.actor, **filters)
    rows = list(page.slice(suborders_for_fulfilment(actor=call.actor, **filters))) if count else []
    return page_body(request, page, count, [order_public(sub) for sub in rows])


def order_get(request, call: Call, order_id: str):
    return order_public(_order_of(call, _path_order_id(order_id)))


# ---- POST /ws/orders/{order_id} -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """An `UpdateOrder` body, normalized: JSON and form bodies saying the same thing are the same update (and the
    same idempotency fingerprint)."""

    new_state: int
    sku: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    shipper: str = ""
    imei: str = ""
    serial_number: str = ""
    vat_type: str = ""  # REGULAR or MARGINAL, any case (offers/vat.py `vat_scheme_parse` reads it)


_CONTRACT_NAMES = {"carrier": "shipper"}  # the order service's field names as the contract spells them


def update_of(body: dict, order_id: int) -> Update:
    if body.get("new_state") in (None, ""):
        raise DomainError(
            "ORDER_STATE_REQUIRED",
            "Send new_state: 2 accepts, 3 ships, 4 cancels, 5 or 6 refunds.",
            {"field": "new_state"},
        )
    new_state = _whole(body["new_state"], "new_state", "ORDER_STATE_INVALID")
    if body.get("order_id") not in (None, ""):
        if _whole(body["order_id"], "order_id", "WS_FIELD_INVALID") != order_id:
            raise DomainError(
                "ORDER_ID_MISMATCH", "The order_id of the body is not the one of the URL.", {"field": "order_id"}
            )
    texts = {
        name: _text(body, name)
        for name in ("tracking_url", "shipper", "serial_number", "vat_type", "tracking_number", "sku", "imei")
    }
    with contract_errors():
        change = fulfilment_check(
            new_state=new_state,
            sku=texts["sku"],
            tracking_number=texts["tracking_number"],
            tracking_url=texts["tracking_url"],
            carrier=texts["shipper"],
            imei=texts["imei"],
            serial_number=texts["serial_number"],
            vat_type=texts["vat_type"],
            names=_CONTRACT_NAMES,
        )
    return Update(
        new_state=change.new_state,
        sku=change.sku,
        tracking_number=change.tracking_number,
        tracking_url=change.tracking_url,
        shipper=change.carrier,
        imei=change.imei,
        serial_number=change.serial_number,
        vat_type=change.vat_scheme,
    )


# the contract's wording of refusals whose domain message names no /ws/ field or operation
_CONTRACT_MESSAGES = {
    "ORDER_ACCEPT_PARTIAL_UNSUPPORTED": lambda err: (
        f"Lines of this order under other SKUs ({', '.join(err.details['waiting_skus'])}) still wait: accept them "
        "all at once (new_state 2 without sku), or first cancel those you cannot honour (new_state 4 with their sku)."
    ),
    "ORDER_SERIAL_AMBIGUOUS": lambda err: (
        "imei and serial_number go with new_state 3 only for an order of one unit; record them per line with "
        "PATCH /ws/orderlines/{id}."
    ),
}


@contextmanager
def contract_errors(*, refused_status: int | None = None) -> Iterator[None]:
    """The order services' refusals as these operations answer them: a field past its length is the contract's
    WS_FIELD_INVALID, some messages use the contract's words, and with `refused_status` a refused move (409 from
    the services, which these operations do not document) keeps its code under that status."""
    try:
        yield
    except DomainError as err:
        code, message, details, status = err.code, err.message, err.details, err.status
        if code == "ORDER_FIELD_TOO_LONG":
            code, details = "WS_FIELD_INVALID", {"field": details["field"]}
        if code in _CONTRACT_MESSAGES:
            message = _CONTRACT_MESSAGES[code](err)
        if refused_status is not None and status == 409:
            status = refused_status
        if (code, message, details, status) == (err.code, err.message, err.details, err.status):
            raise
        raise type(err)(code, message, details, status=status) from err


def _apply(call: Call, order_id: int, update: Update) -> tuple[int, dict]:
    change = Fulfilment(
        new_state=update.new_state,
        sku=update.sku,
        tracking_number=update.tracking_number,
        tracking_url=update.tracking_url,
        carrier=update.shipper,
        imei=update.imei,
        serial_number=update.serial_number,
        vat_scheme=update.vat_type,
    )
    try:
        with contract_errors(refused_status=400):
            suborder_fulfil(actor=call.actor, suborder_id=order_id, change=change)
    except NotFound as err:
        if err.code != "ORDER_NOT_FOUND":
            raise
        raise NotFound("ORDER_NOT_FOUND", f"There is no order {order_id} among yours.") from None
    return 200, order_public(_order_of(call, order_id))


def order_update(request, call: Call, order_id: str):
    """`new_state` 2 accepts (all waiting lines, or those of `sku`), 3 ships the order (`tracking_number`
    required; `shipper` defaults to the carrier the customer chose; `imei`/`serial_number` for a one-unit order),
    4 cancels, 5 / 6 refund before / after shipping (the rules: orders/services.py `suborder_fulfil`). With an
    `Idempotency-Key` a replay returns the first answer."""
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
    imei, serial_number = _text(body, "imei"), _text(body, "serial_number")
    with contract_errors():
        line = orderline_serials_record(actor=call.actor, orderline_id=line_id, imei=imei, serial_number=serial_number)
    return {"imei": line.imei, "serial_number": line.serial_number}
