"""`/ws/sav`: the contract's care folders, which are remarket's warranty claims (aftersales/claims.py).

One claim is one care folder about one order line, so a folder's `lines` (the contract's claims) hold one entry,
whose id is the folder's. A folder is OPEN (0) while the claim is under way (open, being repaired or replaced,
escalated) and CLOSED (9) once it ended (refunded, repaired, replaced, refused). The seller writes through
`/msg` (a message to a closed folder reopens it), `/problem` (a message tagged with a problem type; the types
that need proof need an attachment), `/item-transfer` (the device sent back: REPAIR, REPLACE, or NOTHING,
which refuses the claim) and `/ws/sav/refund` (a whole order line, the returns' refund path). Deviations:
- a partial refund (`amount` below the line's price) is refused: refunds give back whole lines (ledger
  reversal, credit note); `amount` equal to the line's price is accepted;
- attachments follow the storefront's photo rule (PNG, JPEG or WebP, at most 5 MB each and 5 per message),
  not the contract's 3 MB × 10 files of any type;
- there are no legacy folders below id 100,000,000 here: every problem type is accepted on every folder;
- `backcare` is always false and `return_labels` empty (a warranty repair's parcel is the seller's)."""

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from remarket.aftersales import claims
from remarket.aftersales.claims_selectors import claim_for_seller_api, claims_for_seller_api
from remarket.aftersales.models import ClaimMessage, WarrantyClaim
from remarket.core.errors import DomainError, NotFound

from .bodies import json_parse
from .endpoint import Call, json_response
from .locale import locale_of
from .orders import timestamp, whole_id
from .pagination import page_of
from .serializers import amount

OPEN, CLOSED = 0, 9
ISSUES = {  # our issue → the contract's (customerIssue, tag)
    "battery": ("BATTERY_NOT_CHARGING", "TECHNICAL"),
    "screen": ("SCREEN_NOT_WORKING", "TECHNICAL"),
    "camera": ("CAMERA_NOT_WORKING", "TECHNICAL"),
    "audio": ("SOUND_NOT_WORKING", "TECHNICAL"),
    "connectivity": ("NETWORK_NOT_WORKING", "TECHNICAL"),
    "buttons": ("BUTTONS_NOT_WORKING", "TECHNICAL"),
    "other": ("OTHER", "OTHER"),
}
WISHES = {"repair": "REPAIR", "replace": "REPLACE", "refund": "REFUND", "": "REPAIR_REPLACE"}
INITIATORS: dict[str, tuple[str, str]] = {
    ClaimMessage.Author.CUSTOMER: ("Customer", "CLIENT_TO_MERCHANT"),
    ClaimMessage.Author.MERCHANT: ("Merchant", "MERCHANT_TO_CLIENT"),
    ClaimMessage.Author.OPERATOR: ("BackMarket", "BACKMARKET_TO_ALL"),
    ClaimMessage.Author.PLATFORM: ("BackMarket", "BACKMARKET_TO_ALL"),
}
ADDRESS_FIELDS = ("company", "first_name", "last_name", "street", "street2", "postal_code", "city", "phone")


def _state(claim: WarrantyClaim) -> int:
    return CLOSED if claim.state in claims.CLOSED_STATES else OPEN


def _dates(claim: WarrantyClaim) -> dict:
    body = {
        "date_creation": timestamp(claim.created_at),
        "date_modification": timestamp(claim.modified_at),
    }
    if claim.last_message_at is not None:
        body["date_last_message"] = timestamp(claim.last_message_at)
    if claim.closed_at is not None:
        body["date_closed"] = timestamp(claim.closed_at)
    return body


def folder_public(claim: WarrantyClaim) -> dict:
    """The contract's `careFolder` (the list's entries)."""
    order = claim.suborder.order
    return {
        "id": claim.pk,
        "client": order.customer_id or 0,
        "merchant": claim.merchant_id,
        "orderline": claim.order_line_id,
        **_dates(claim),
        "state": _state(claim),
        "lines": [claim.pk],
        "country_code": locale_of(order.market),
        "backcare": False,
    }


def _address(order) -> dict:
    address = order.shipping_address or {}
    body = {k: str(address.get(k) or "").strip() for k in ADDRESS_FIELDS}
    return {**body, "country": str(address.get("country") or order.market.code).upper(), "email": order.email}


def _orderline(claim: WarrantyClaim) -> dict:
    line, sub = claim.order_line, claim.suborder
    order, currency = sub.order, line.currency
    shipment = getattr(sub, "shipment", None)
    address = _address(order)
    model = line.listing.variant.model
    body = {
        "order_id": sub.pk,
        "shipping_address": address,
        "billing_address": dict(address),
        "tracking_number": shipment.tracking_number if shipment else "",
        "tracking_url": shipment.tracking_url if shipment else "",
        "shipper": 0,  # carriers are named, not numbered
        "shipper_display": shipment.carrier if shipment else sub.shipping_carrier,
        "date_creation": timestamp(sub.created_at),
        "date_modification": timestamp(sub.modified_at),
        "state": sub.state if sub.state in (0, 1, 3, 8, 9) else 9,
        "price": amount(sub.total_minor - sub.shipping_minor, currency),
        "shipping_price": amount(sub.shipping_minor, currency),
        "currency": currency,
        "country_code": locale_of(order.market),
    }
    if shipment is not None:
        body["date_shipping"] = timestamp(shipment.shipped_at)
    return {
        "id": line.pk,
        "order": body,
        "snapshot": {
            "id": 0,
            "product": {"product_id": line.listing.variant_id, "category_3": {"category_name": model.category.name}},
            "listing": line.listing_id,
            "sku": line.sku,
            "image": "",
        },
        "quantity": line.quantity,
        "price": amount(line.unit_price_minor, currency),
        "state": line.state,
        "trust_pack_plus": False,
    }


def _attachment_url(request, claim: WarrantyClaim, attachment) -> str:
    return request.build_absolute_uri(
        reverse("merchant-claim-attachment", kwargs={"claim_id": claim.pk, "attachment_id": attachment.pk})
    )


def _message(request, claim: WarrantyClaim, message: ClaimMessage) -> dict:
    initiator, kind = INITIATORS[message.author]
    return {
        "id": message.pk,
        "message": message.body,
        "date_creation": timestamp(message.created_at),
        "attachments": [
            {"id": a.pk, "attachment": _attachment_url(request, claim, a), "date_creation": timestamp(a.created_at)}
            for a in message.attachments.all()
        ],
        "initiator": initiator,
        "kind": kind,
        "is_informative": message.informative,
    }


def folder_details(request, claim: WarrantyClaim) -> dict:
    """The contract's `getCareFolderDetailsResponse`."""
    order = claim.suborder.order
    address = order.shipping_address or {}
    customer_issue, tag = ISSUES[claim.issue]
    merchant = claim.merchant
    return {
        "id": claim.pk,
        "backcare": False,
        "client": {
            "id": 0,
            "username": "",
            "first_name": str(address.get("first_name") or ""),
            "last_name": str(address.get("last_name") or ""),
            "email": order.email,
        },
        "country_code": locale_of(order.market),
        **_dates(claim),
        "lines": [
            {
                "id": claim.pk,
                "issues": [{"customerIssue": customer_issue, "tag": tag}],
                "state": _state(claim),
                "resolution_choice": WISHES[claim.wanted],
                "declared_warranty_state": "IN_WARRANTY",
                "return_labels": [],
            }
        ],
        "merchant": {"id": merchant.pk, "username": merchant.slug, "first_name": merchant.name, "last_name": ""},
        "messages": [_message(request, claim, m) for m in claim.messages.all()],
        "orderline": _orderline(claim),
        "state": _state(claim),
    }


# --- reads ----------------------------------------------------------------------------------------------------


def _minute(raw: str, name: str) -> dt.datetime:
    """`YYYY-MM-DD-hh-mm` (the contract's format), in UTC; an RFC 3339 instant is read too."""
    text = raw.strip()
    parts = text.split("-")
    value = None
    if len(parts) == 5 and all(p.isascii() and p.isdigit() for p in parts):
        try:
            year, month, day, hour, minute = map(int, parts)
            value = dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)
        except ValueError:
            value = None
    if value is None:
        try:
            value = parse_datetime(text)
        except ValueError:
            value = None
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    if value is None:
        raise DomainError("WS_FILTER_INVALID", f"{name} is YYYY-MM-DD-hh-mm.", {"field": name})
    return value


def _whole_filter(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = whole_id(raw)
    if value is None:
        raise DomainError("WS_FILTER_INVALID", f"{name} is a whole number.", {"field": name})
    return value


def folders_list(request, call: Call):
    state = _whole_filter(request, "state")
    if state not in (None, OPEN, CLOSED):
        raise DomainError("WS_FILTER_INVALID", "state is 0 (open) or 9 (closed).", {"field": "state"})
    found = claims_for_seller_api(
        actor=call.actor,
        last_id=_whole_filter(request, "last_id"),
        closed=None if state is None else state == CLOSED,
        orderline_id=_whole_filter(request, "orderline"),
        modified_after=_minute(request.GET["last_modification_date"], "last_modification_date")
        if request.GET.get("last_modification_date", "").strip()
        else None,
        message_after=_minute(request.GET["last_message_date"], "last_message_date")
        if request.GET.get("last_message_date", "").strip()
        else None,
    )
    page = page_of(request)
    rows = list(found[page.offset : page.offset + page.size + 1])
    more, rows = len(rows) > page.size, rows[: page.size]
    body = {"count": len(rows), "results": [folder_public(c) for c in rows]}  # the contract: on this page
    # the contract types next and previous as strings: they are left out when there is no such page
    query = request.GET.copy()
    if more:
        query["page"] = str(page.number + 1)
        body["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    if page.number > 1:
        query["page"] = str(page.number - 1)
        body["previous"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return body


def _folder_id(raw) -> int:
    pk = whole_id(raw)
    if pk is None:
        raise NotFound("AFTERSALES_CLAIM_NOT_FOUND", f"There is no care folder {raw}.")
    return pk


def folder_get(request, call: Call, folder_id: str):
    return folder_details(request, claim_for_seller_api(actor=call.actor, claim_id=_folder_id(folder_id)))


# --- writes ---------------------------------------------------------------------------------------------------

PHOTO_LIMITS = ("AFTERSALES_PHOTO_TOO_LARGE", "AFTERSALES_PHOTOS_TOO_MANY")


def _attachments(request) -> list[bytes]:
    return [f.read() for f in request.FILES.getlist("attachment")]


def _form(request) -> dict:
    if request.content_type == "multipart/form-data" or request.content_type == "application/x-www-form-urlencoded":
        return request.POST.dict()
    raw = request.body
    if not raw.strip():
        return {}
    body = json_parse(raw, message="The body is a form or a JSON object.")
    if not isinstance(body, dict):
        raise DomainError("WS_BODY_INVALID", "The body is a form or a JSON object.")
    return body


def _too_large(err: DomainError) -> DomainError:
    """The contract's 413 for a file too large or too many of them."""
    if err.code in PHOTO_LIMITS:
        return DomainError(err.code, err.message, err.details, status=413)
    return err


def problem_post(request, call: Call, folder_id: str):
    pk = _folder_id(folder_id)
    fields = _form(request)
    problem_type = str(fields.get("problem_type") or "OTHER").strip().upper()
    try:
        claims.claim_message_merchant(
            actor=call.actor,
            claim_id=pk,
            body=str(fields.get("message") or ""),
            photos=_attachments(request),
            problem_type=problem_type,
        )
    except DomainError as err:
        raise _too_large(err) from None
    return HttpResponse(status=201)


def message_post(request, call: Call, folder_id: str):
    pk = _folder_id(folder_id)
    fields = _form(request)
    message = claims.claim_message_merchant(
        actor=call.actor, claim_id=pk, body=str(fields.get("message") or ""), photos=_attachments(request)
    )
    attachments = [
        {
            "msg": message.pk,
            "group": pk,
            "sender": message.sender_id or 0,
            "attachment": reverse("merchant-claim-attachment", kwargs={"claim_id": pk, "attachment_id": a.pk}),
        }
        for a in message.attachments.all()
    ]
    body: dict[str, object] = {
        "attachments": attachments,
        "date_creation": timestamp(message.created_at),
        "group": pk,
        "id": message.pk,
        "message": message.body,
        "sender": message.sender_id or 0,
    }
    if attachments:
        body["attachment"] = attachments[0]
    return json_response(body, status=201)


def _int_field(fields: dict, name: str) -> int:
    value = fields.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or whole_id(value) is None:
        raise DomainError("WS_FIELD_INVALID", f"{name} is a whole number.", {"field": name})
    return int(value)


def refund_post(request, call: Call):
    fields = _form(request)
    raw_amount = fields.get("amount")
    if raw_amount is not None and (isinstance(raw_amount, bool) or not isinstance(raw_amount, (int, float, str))):
        raise DomainError("WS_FIELD_INVALID", "amount is a number.", {"field": "amount"})
    line, refund = claims.orderline_refund_by_seller(
        actor=call.actor,
        orderline_id=_int_field(fields, "orderline_pk"),
        refund_type=_int_field(fields, "refund_type"),
        amount=None if raw_amount in (None, "") else str(raw_amount),
    )
    summary = f"{amount(refund.amount_minor, line.currency)}{line.currency} refunded on the sku {line.sku}"
    return HttpResponse(summary, status=201, content_type="text/plain")


def transfer_post(request, call: Call, folder_id: str):
    pk = _folder_id(folder_id)
    fields = _form(request)
    for name in ("shipperName", "trackingNumber"):
        if not str(fields.get(name) or "").strip():
            raise DomainError("WS_FIELD_INVALID", f"{name} is required.", {"field": name}, status=422)
    try:
        claims.claim_transfer(
            actor=call.actor,
            claim_id=pk,
            carrier=str(fields["shipperName"]),
            tracking_number=str(fields["trackingNumber"]),
            action=str(fields.get("action") or "NOTHING"),
        )
    except DomainError as err:
        if err.code == "AFTERSALES_TRANSFER_DUPLICATE":  # the contract's 400
            raise DomainError(err.code, err.message, err.details, status=400) from None
        raise
    return HttpResponse(status=201)


def _routes():
    from django.urls import re_path

    from .endpoint import Operation, resource
    from .errors import Errors, Shape

    V1 = Shape.V1
    listed = Errors({401: V1, 403: V1})
    one = Errors({401: V1, 403: V1, 404: V1})
    problem = Errors({401: V1, 403: V1, 404: V1, 413: V1, 422: V1}, remap={400: 422, 409: 422})
    message = Errors({400: V1, 401: V1, 403: V1, 404: V1}, remap={409: 400, 413: 400, 422: 400})
    refund = Errors({400: V1, 401: V1, 403: V1, 404: V1}, remap={409: 400, 422: 400})
    transfer = Errors({400: V1, 403: V1, 404: V1, 422: V1}, remap={401: 403, 409: 422})
    return [
        re_path(r"^sav/?$", resource(GET=Operation(folders_list, listed, market=False))),
        re_path(r"^sav/refund/?$", resource(POST=Operation(refund_post, refund, market=False))),
        re_path(r"^sav/(?P<folder_id>[^/]+)/?$", resource(GET=Operation(folder_get, one, market=False))),
        re_path(r"^sav/(?P<folder_id>[^/]+)/problem/?$", resource(POST=Operation(problem_post, problem, market=False))),
        re_path(r"^sav/(?P<folder_id>[^/]+)/msg/?$", resource(POST=Operation(message_post, message, market=False))),
        re_path(
            r"^sav/(?P<folder_id>[^/]+)/item-transfer/?$",
            resource(POST=Operation(transfer_post, transfer, market=False)),
        ),
    ]


urlpatterns = _routes()
