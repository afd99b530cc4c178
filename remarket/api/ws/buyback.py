"""`/ws/buyback/...`: the seller contract's trade-in operations over remarket's buyback domain.

A buyback order is a `TradeIn` (its `orderPublicId` the trade-in's reference), a buy-back listing a
`BuybackListing` (its `productId` the variant's UUID, as `/ws/listings` names products). The contract's statuses
are stored as they are; the two ends it has no word for (CANCELLED: not sent in time or withdrawn; RETURNED:
the device went back to the customer) are not served. Dates the contract requires but a trade-in does not have
yet (`shippingDate` before sending) are empty strings; `transferCertificateLink` is empty, remarket issuing no
transfer certificate. Orders' errors are problem+json (`ErrorResponseV3`), listings' `ProblemValidation`."""

import base64
import binascii
import uuid

from django.http import HttpResponse
from django.urls import re_path

from remarket.buyback import listings as listing_services
from remarket.buyback import services
from remarket.buyback.reasons import (
    COUNTER_OFFER_REASONS,
    SUSPEND_REASONS,
    counter_reasons_public,
    reasons_of,
    suspend_reasons_public,
)
from remarket.buyback.selectors import (
    buyback_competitors,
    buyback_listing_for_merchant,
    buyback_listings_page,
    tradein_for_merchant,
    tradein_messages,
    tradeins_pending_reply,
    tradeins_ws,
)
from remarket.buyback.states import CONTRACT
from remarket.core.errors import DomainError, NotFound
from remarket.core.money import to_major, to_minor

from .bodies import json_parse
from .endpoint import Call, Operation, json_response, resource
from .errors import Errors, Shape
from .orders import instant, timestamp, whole_id
from .pagination import page_body, page_of

V3, PROBLEM = Shape.V3, Shape.PROBLEM
ORDERS = Errors({401: V3, 403: V3}, family=V3, remap={404: 403, 409: 403, 422: 403})
ORDER = Errors({401: V3, 403: V3, 404: V3}, family=V3, remap={409: 404, 422: 404})
ORDER_WRITE = Errors({401: V3, 403: V3, 404: V3, 422: V3}, family=V3, remap={400: 422, 409: 422})
VALIDATE = Errors({401: V3, 403: V3, 422: V3}, family=V3, remap={400: 422, 404: 403, 409: 422})
COUNTER = Errors({400: V3, 401: V3, 403: V3, 404: V3, 422: V3}, family=V3, remap={409: 422})
LISTINGS = Errors({400: PROBLEM, 422: PROBLEM}, family=PROBLEM, remap={401: 400, 403: 400, 404: 422, 409: 422})
COMPETITORS = Errors({401: V3, 404: V3, 422: V3}, family=V3, remap={400: 422, 403: 404, 409: 422})
SINCE = {
    "creationDate": "created_at",
    "modificationDate": "modified_at",
    "shippingDate": "shipped_at",
    "receivedDate": "received_at",
    "suspendedDate": "suspended_at",
    "paymentDate": "paid_at",
}


def _amount(minor: int, currency: str) -> dict:
    return {"amount": str(to_major(minor, currency)), "currency": currency}


def _value(minor: int, currency: str) -> dict:
    return {"value": float(to_major(minor, currency)), "currency": currency}


def order_public(t) -> dict:
    """A trade-in as the contract's `buyback-order`."""
    variant = t.listing.variant
    body = {
        "orderPublicId": t.reference,
        "creationDate": timestamp(t.created_at),
        "modificationDate": timestamp(t.modified_at),
        "shippingDate": timestamp(t.shipped_at) or "",
        "status": t.status,
        "market": t.market.code,
        "transferCertificateLink": "",
        "listing": {
            "sku": t.listing.sku,
            "productId": variant.pk,
            "title": str(variant),
            "grade": t.grade,
        },
        "customer": {
            "firstName": t.first_name,
            "lastName": t.last_name,
            "phone": t.phone,
            "documents": [],
            **({"dateOfBirth": t.birth_date.isoformat()} if t.birth_date else {}),
        },
        "returnAddress": {
            "address1": t.address.get("street", ""),
            "city": t.address.get("town", ""),
            "zipcode": t.address.get("postcode", ""),
            "country": t.address.get("country", "") or t.market.code,
        },
        "originalPrice": _value(t.quote_minor, t.currency),
        "trackingNumber": t.tracking_number,
        "shipper": t.shipper,
        "suspendReasons": reasons_of(t.suspend_reasons, SUSPEND_REASONS),
        "counterOfferReasons": reasons_of(t.counter_reasons, COUNTER_OFFER_REASONS),
    }
    for name, value in (
        ("suspensionDate", t.suspended_at),
        ("receivalDate", t.received_at),
        ("paymentDate", t.paid_at),
        ("counterProposalDate", t.counter_at),
    ):
        if value is not None:
            body[name] = timestamp(value)
    if t.counter_minor is not None:
        body["counterOfferPrice"] = _value(t.counter_minor, t.currency)
    return body


def _order(call: Call, order_id: str):
    return tradein_for_merchant(actor=call.actor, reference=order_id, contract_only=True)


def _filters(request) -> dict:
    values: dict = {"since": {}}
    raw = request.GET.get("status", "").strip()
    if raw:
        if raw not in CONTRACT:
            raise DomainError("WS_FILTER_INVALID", f"status is one of {', '.join(CONTRACT)}.", {"field": "status"})
        values["status"] = raw
    raw = request.GET.get("productId", "").strip()
    if raw:
        variant_id = whole_id(raw)
        if variant_id is None:
            raise DomainError("WS_FILTER_INVALID", "productId is an integer.", {"field": "productId"})
        values["variant_id"] = variant_id
    for name, field in SINCE.items():
        raw = request.GET.get(name, "").strip()
        if raw:
            values["since"][field] = instant(raw, name)[0]
    return values


def orders_list(request, call: Call):
    filters = _filters(request)
    page = page_of(request)
    qs = tradeins_ws(actor=call.actor, **filters)
    count = qs.count()
    return page_body(request, page, count, [order_public(t) for t in page.slice(qs)] if count else [])


def orders_pending_reply(request, call: Call):
    page = page_of(request)
    qs = tradeins_pending_reply(actor=call.actor)
    count = qs.count()
    return page_body(request, page, count, [order_public(t) for t in page.slice(qs)] if count else [])


def suspend_reasons(request, call: Call):
    return suspend_reasons_public()


def order_get(request, call: Call, order_id: str):
    return order_public(_order(call, order_id))


def _message_public(request, message) -> dict:
    return {
        "body": message.body,
        "date": timestamp(message.created_at),
        "author": message.author,
        "attachments": [request.build_absolute_uri(f"/merchant/trade-ins/files/{f.pk}") for f in message.files.all()],
    }


def messages_list(request, call: Call, order_id: str):
    tradein = _order(call, order_id)
    page = page_of(request)
    messages = tradein_messages(tradein=tradein)
    count = messages.count()
    return page_body(request, page, count, [_message_public(request, m) for m in page.slice(messages)] if count else [])


def _json_body(request) -> dict:
    body = json_parse(request.body or b"{}", message="The body is a JSON object.")
    if not isinstance(body, dict):
        raise DomainError("WS_BODY_INVALID", "The body is a JSON object.", {"field": "body"})
    return body


def _decoded(files) -> list[tuple[str, bytes]]:
    if not isinstance(files, list):
        raise DomainError("WS_BODY_INVALID", "files is a list (empty if there is no photo).", {"field": "files"})
    out = []
    for i, f in enumerate(files):
        if not isinstance(f, dict) or not isinstance(f.get("content"), str):
            raise DomainError("WS_BODY_INVALID", "Each file has a name and a content.", {"field": f"files[{i}]"})
        try:
            out.append((str(f.get("name", "")), base64.b64decode(f["content"], validate=True)))
        except (binascii.Error, ValueError):
            raise DomainError("BUYBACK_FILE_TYPE", "A file's content is base64.", {"field": f"files[{i}]"}) from None
    return out


def message_post(request, call: Call, order_id: str):
    body = _json_body(request)
    _order(call, order_id)  # only the contract's statuses are served
    message = services.tradein_message_post(
        actor=call.actor, reference=order_id, body=body.get("message", ""), files=_decoded(body.get("files", []))
    )
    return json_response(_message_public(request, message), status=201)


def order_suspend(request, call: Call, order_id: str):
    body = _json_body(request)
    _order(call, order_id)
    services.tradein_suspend(actor=call.actor, reference=order_id, reasons=body.get("reasons") or [])
    return order_public(_order(call, order_id))


def order_validate(request, call: Call, order_id: str):
    _order(call, order_id)
    services.tradein_validate(actor=call.actor, reference=order_id)
    return order_public(_order(call, order_id))


def counter_offer_reasons(request, call: Call, order_id: str):
    _order(call, order_id)
    return counter_reasons_public()


def _multipart(request):
    if request.content_type != "multipart/form-data":
        raise DomainError("WS_BODY_INVALID", "The counter-offer is multipart/form-data.", {"field": "body"})
    if request.method == "POST":
        return request.POST, request.FILES
    return request.parse_file_upload(request.META, request)


def counter_offer(request, call: Call, order_id: str):
    tradein = _order(call, order_id)
    fields, files = _multipart(request)
    raw_price = fields.get("price", "")
    if not raw_price:
        raise DomainError("WS_FIELD_REQUIRED", "price is required.", {"field": "price"})
    price_minor = to_minor(raw_price, tradein.currency)
    reasons = [r for value in fields.getlist("reasons") for r in value.split(",") if r.strip()]
    uploads = [(f.name, f.read()) for f in files.getlist("files")]
    services.tradein_counter_offer(
        actor=call.actor,
        reference=order_id,
        price_minor=price_minor,
        reasons=reasons,
        files=uploads,
        comment=fields.get("comment", ""),
    )
    return HttpResponse(status=204)


# --- listings ----------------------------------------------------------------------------------------------


def listing_public(listing) -> dict:
    prices = {p.market.code: p for p in listing.prices.all()}
    return {
        "id": str(listing.public_id),
        "productId": str(listing.variant.public_id),
        "prices": {code: _amount(p.price_minor, p.currency) for code, p in prices.items()},
        "aestheticGradeCode": AESTHETIC[listing.grade],
        "sku": listing.sku or None,
        "markets": sorted(code for code, p in prices.items() if p.price_minor > 0),
    }


AESTHETIC = {
    "DIAMOND": "FUNCTIONAL_FLAWLESS",
    "PLATINUM": "FUNCTIONAL_FLAWLESS",
    "GOLD": "FUNCTIONAL_GOOD",
    "SILVER": "FUNCTIONAL_USED",
    "BRONZE": "FUNCTIONAL_CRACKED",
    "STALLONE": "NOT_FUNCTIONAL_USED",
}


def _uuid(raw: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw).strip())
    except ValueError:
        raise DomainError("WS_FIELD_INVALID", f"{field} is a UUID.", {"field": field}) from None


def listings_list(request, call: Call):
    product = request.GET.get("productId", "").strip()
    cursor = request.GET.get("cursor", "").strip()
    raw_size = request.GET.get("pageSize", "").strip() or "100"
    size = whole_id(raw_size)
    if size is None or not 0 < size <= 100:
        raise DomainError("WS_PAGE_INVALID", "pageSize is 1 to 100.", {"field": "pageSize"})
    rows, following = buyback_listings_page(
        actor=call.actor,
        variant_public_id=_uuid(product, "productId") if product else None,
        cursor=_uuid(cursor, "cursor") if cursor else None,
        size=size,
    )
    next_url = None
    if following is not None:
        query = request.GET.copy()
        query["cursor"] = str(following.public_id)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"next": next_url, "results": [listing_public(row) for row in rows]}


def _listing(call: Call, listing_id: str):
    key = _uuid(listing_id, "buybackListingId")
    try:
        return buyback_listing_for_merchant(actor=call.actor, public_id=key)
    except NotFound as err:
        err.details = {"field": "buybackListingId"}
        raise


def listing_get(request, call: Call, listing_id: str):
    return listing_public(_listing(call, listing_id))


def listing_update(request, call: Call, listing_id: str):
    listing = _listing(call, listing_id)
    body = _json_body(request)
    prices = body.get("prices")
    if not isinstance(prices, dict) or not prices:
        raise DomainError("WS_FIELD_REQUIRED", "prices maps markets to amounts.", {"field": "prices"})
    parsed = {}
    for code, price in prices.items():
        if not isinstance(price, dict) or not isinstance(price.get("amount"), str | int | float):
            raise DomainError("WS_FIELD_INVALID", "A price is {amount, currency}.", {"field": f"prices.{code}"})
        currency = str(price.get("currency", "")).upper()
        if len(currency) != 3:
            raise DomainError("WS_FIELD_INVALID", "A currency is ISO 4217.", {"field": f"prices.{code}.currency"})
        parsed[str(code).upper()] = (to_minor(price["amount"], currency), currency)
    listing_services.buyback_listing_prices_update(actor=call.actor, public_id=listing.public_id, prices=parsed)
    return json_response({}, status=202)


def competitors(request, call: Call, listing_id: str):
    listing = _listing(call, listing_id)
    out = []
    for row in buyback_competitors(listing=listing):
        best = row["price_minor"] if row["is_winning"] else row["price_to_win_minor"] - 1
        out.append(
            {
                "listing_id": str(listing.public_id),
                "product_id": str(listing.variant.public_id),
                "market": row["market"],
                "price": _amount(row["price_minor"], row["currency"]),
                "price_to_win": _amount(row["price_to_win_minor"], row["currency"]),
                "winner_price": _amount(best, row["currency"]),
                "is_winning": row["is_winning"],
            }
        )
    return out


def _op(handler, errors) -> Operation:
    return Operation(handler, errors, market=False)


urlpatterns = [
    re_path(r"^buyback/v1/orders/?$", resource(GET=_op(orders_list, ORDERS))),
    re_path(r"^buyback/v1/orders/pending-reply/?$", resource(GET=_op(orders_pending_reply, ORDERS))),
    re_path(r"^buyback/v1/orders/suspend-reasons/?$", resource(GET=_op(suspend_reasons, ORDERS))),
    re_path(r"^buyback/v1/orders/(?P<order_id>[^/]+)/?$", resource(GET=_op(order_get, ORDER))),
    re_path(
        r"^buyback/v1/orders/(?P<order_id>[^/]+)/messages/?$",
        resource(GET=_op(messages_list, ORDER), POST=_op(message_post, ORDER_WRITE)),
    ),
    re_path(r"^buyback/v1/orders/(?P<order_id>[^/]+)/suspend/?$", resource(PUT=_op(order_suspend, ORDER_WRITE))),
    re_path(r"^buyback/v1/orders/(?P<order_id>[^/]+)/validate/?$", resource(PUT=_op(order_validate, VALIDATE))),
    re_path(
        r"^buyback/v1/orders/(?P<order_id>[^/]+)/counter-offers/reasons/?$",
        resource(GET=_op(counter_offer_reasons, ORDER)),
    ),
    re_path(r"^buyback/v2/orders/(?P<order_id>[^/]+)/counter-offers/?$", resource(PUT=_op(counter_offer, COUNTER))),
    re_path(r"^buyback/v1/listings/?$", resource(GET=_op(listings_list, LISTINGS))),
    re_path(
        r"^buyback/v1/listings/(?P<listing_id>[^/]+)/?$",
        resource(GET=_op(listing_get, LISTINGS), PUT=_op(listing_update, LISTINGS)),
    ),
    re_path(r"^buyback/v1/competitors/(?P<listing_id>[^/]+)/?$", resource(GET=_op(competitors, COMPETITORS))),
]
