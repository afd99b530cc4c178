"""`/ws/listings`: list, batch (CSV feed → task), one listing by id or SKU, and the real-time update of one."""

import codecs
from decimal import Decimal

from django.conf import settings

from remarket.accounts.permissions import require
from remarket.core.errors import DomainError
from remarket.merchants.selectors import merchant_can_sell, merchant_get
from remarket.offers.feeds import amount_text, feed_decode, feed_task_create, shipping_rows
from remarket.offers.models import Listing
from remarket.offers.selectors import listings_for_merchant
from remarket.offers.services import ListingRow, listings_apply

from .bodies import json_parse
from .endpoint import Call
from .pagination import page_body, page_of
from .queries import listing_key, listing_of, listings_public
from .serializers import DEACTIVATED, OFFLINE, ONLINE

PUBLICATION_STATES = {0, 1, 2, 3, 4}


def _int_param(request, name: str, allowed: set[int] | None = None) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or (allowed is not None and value not in allowed):
        raise DomainError("WS_FILTER_INVALID", f"{name}={raw!r} is not a valid filter.", {"field": name})
    return value


def listings_list(request, call: Call):
    state = _int_param(request, "publication_state", PUBLICATION_STATES)
    min_quantity, max_quantity = _int_param(request, "min_quantity"), _int_param(request, "max_quantity")
    page = page_of(request)
    can_sell = merchant_can_sell(merchant_id=call.merchant_id)
    which: dict = {}
    if state is not None:
        if state == DEACTIVATED:
            which["none"] = can_sell
        elif state in (ONLINE, OFFLINE) and can_sell:
            which.update(online_in=call.market, online=state == ONLINE)
        else:  # 0 pending validation, 3 missing information: never the case here
            which["none"] = True
    listings = listings_for_merchant(
        merchant_id=call.merchant_id, min_quantity=min_quantity, max_quantity=max_quantity, **which
    )
    count = listings.count()
    rows = list(page.slice(listings)) if count else []
    return page_body(request, page, count, listings_public(rows, market=call.market, can_sell=can_sell))


def _feed_request(request) -> tuple[str, str]:
    """The catalog text and quote character of a batch: the contract's JSON body, or a raw `text/csv` body."""
    limit = int(getattr(settings, "FEED_MAX_BYTES", 32 * 1024 * 1024))
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise DomainError("FEED_TOO_LARGE", f"The request is over {limit} bytes.")
    if request.content_type == "text/csv":
        return feed_decode(raw, request.content_params.get("charset")), '"'
    body = json_parse(
        feed_decode(raw) if raw else "{}",  # JSON in Latin-1 or UTF-16 is read too
        message="parameter catalog not found: the body is not JSON.",
    )
    catalog = body.get("catalog") if isinstance(body, dict) else None
    if not isinstance(catalog, str) or not catalog.strip():
        raise DomainError("WS_BODY_INVALID", "parameter catalog not found", {"field": "catalog"})
    quotechar = body.get("quotechar") or '"'
    if not isinstance(quotechar, str) or len(quotechar) != 1:
        raise DomainError("WS_BODY_INVALID", "quotechar is one character.", {"field": "quotechar"})
    delimiter = body.get("delimiter")  # the separator is found from the header; a declared one is only checked
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise DomainError("WS_BODY_INVALID", "delimiter is one character.", {"field": "delimiter"})
    encoding = body.get("encoding") or "utf-8"
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise DomainError("FEED_ENCODING_UNKNOWN", f"Unknown encoding {encoding!r}.", {"field": "encoding"}) from None
    return catalog, quotechar


def listings_batch(request, call: Call):
    require(call.actor, "listing.write")
    catalog, quotechar = _feed_request(request)
    task = feed_task_create(
        merchant=merchant_get(merchant_id=call.merchant_id),
        market_code=call.market.code,
        text=catalog,
        quotechar=quotechar,
        source="ws",
    )
    return {"bodymessage": task.pk, "statuscode": 200}


def _detail(listing: Listing, call: Call, **extra) -> dict:
    [body] = listings_public([listing], market=call.market, can_sell=merchant_can_sell(merchant_id=call.merchant_id))
    return {**body, **extra, "statuscode": 200}


def listing_get(request, call: Call, listing_ref: str):
    return _detail(listing_of(merchant_id=call.merchant_id, **listing_key(listing_ref)), call)


def listing_by_reference(request, call: Call):
    sku, legacy, public = (request.GET.get(k, "").strip() for k in ("sku", "listing_id", "id"))
    if legacy or public:
        key = listing_key(legacy or public)
        if legacy and "pk" not in key or public and "public_id" not in key:
            raise DomainError(
                "WS_LISTING_ID_INVALID",
                "listing_id is an integer, id a UUID.",
                {"field": "listing_id" if legacy else "id"},
            )
    elif sku:
        key = {"sku": sku}
    else:
        raise DomainError("WS_LISTING_REF_MISSING", "Name the listing: ?sku=, ?id= or ?listing_id=.", {"field": "sku"})
    return _detail(listing_of(merchant_id=call.merchant_id, **key), call)


def _update_body(request) -> dict:
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.POST.dict()
    body = json_parse(request.body or b"{}", message="The body is not JSON.", parse_float=Decimal)
    if not isinstance(body, dict):
        raise DomainError("WS_BODY_INVALID", "The body is a JSON object of the fields to change.")
    return body


def _whole(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise DomainError("WS_FIELD_INVALID", f"{name} is a whole number, not {value!r}.", {"field": name}) from None


def _text(value) -> str | None:
    return None if value is None or value == "" else str(value)


def listing_update(request, call: Call, listing_ref: str):
    """Change only the fields sent; the rest stays. `shipper_n` fields replace the listing's shipping options
    in the market (delays in hours, stored in business days)."""
    require(call.actor, "listing.write")
    listing = listing_of(merchant_id=call.merchant_id, **listing_key(listing_ref))
    body = _update_body(request)
    currency = body.get("currency")
    if currency is not None and str(currency).upper() != call.market.currency:
        raise DomainError(
            "OFFER_CURRENCY_MISMATCH",
            f"Prices in {call.market.code} are in {call.market.currency}.",
            {"field": "currency"},
        )
    pub_state = _whole(body, "pub_state") if "pub_state" in body else _whole(body, "publication_state")
    if pub_state is not None and pub_state not in PUBLICATION_STATES:
        raise DomainError(
            "OFFER_PUB_STATE_INVALID", "pub_state is one of 0, 1, 2, 3, 4 (2 puts it online).", {"field": "pub_state"}
        )
    shipping = shipping_rows(body)
    row = ListingRow(
        sku=listing.sku,
        market=call.market.code,
        price=amount_text(body.get("price")),
        min_price=amount_text(body.get("min_price")),
        max_price=amount_text(body.get("max_price")),
        quantity=_text(body.get("quantity")),
        warranty_months=_text(body.get("warranty_delay")),
        grade=body.get("grade"),
        published=None if pub_state is None else pub_state == ONLINE,
        comment=str(body["comment"] or "") if "comment" in body else None,
        shipping=shipping,
    )
    result = listings_apply(merchant=merchant_get(merchant_id=call.merchant_id), rows=[row])
    if result.errors:
        error = result.errors[0]
        raise DomainError(error.code, error.message)
    notes = [f"Shipping method {n} ({option.carrier}) updated" for n, option in enumerate(shipping or [], start=1)]
    return _detail(listing_of(merchant_id=call.merchant_id, pk=listing.pk), call, shippings_response=notes)
