"""Trade-ins over REST: a customer gets the best quote for a device, accepts it with their identity, follows it,
sends it, and answers a counter-offer; a merchant publishes buy-back listings, lists its trade-ins and receives,
validates (which pays), counter-offers or suspends them. The rules are buyback/'s."""

import base64
import binascii
import datetime as dt
import uuid

from ninja import Header, Router, Schema
from ninja.responses import Status

from remarket.buyback import listings as listing_services
from remarket.buyback import services
from remarket.buyback.models import Status as TradeInStatus
from remarket.buyback.selectors import (
    buyback_listing_for_merchant,
    buyback_listings_for_merchant,
    tradein_for_customer,
    tradein_for_merchant,
    tradeins_for_customer,
    tradeins_for_merchant,
)
from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent
from remarket.markets.selectors import market_get

from .auth import TokenAuth
from .schemas import Error, offset_query

router = Router(tags=["trade-ins"], auth=TokenAuth())
PAGE = 50


class AddressIn(Schema):
    street: str = ""
    postcode: str = ""
    town: str = ""
    country: str = ""


class IdentityIn(Schema):
    first_name: str
    last_name: str
    birth_date: str  # YYYY-MM-DD
    phone: str = ""
    address: AddressIn


class QuoteIn(Schema):
    market: str  # FR, US...
    variant_id: int
    answers: dict[str, str]  # turns_on, functional (yes/no), screen, body, battery


class QuoteOut(Schema):
    variant_id: int
    grade: str
    price_minor: int
    currency: str


class AcceptIn(QuoteIn):
    quote_minor: int | None = None  # the price the customer saw: refused (409) if the best quote moved
    identity: IdentityIn | None = None


class ShipIn(Schema):
    tracking_number: str = ""


class TradeInOut(Schema):
    reference: str
    market: str
    status: str
    grade: str
    variant_id: int
    title: str
    mode: str
    quote_minor: int
    counter_minor: int | None
    counter_reasons: list[str]
    counter_comment: str
    suspend_reasons: list[str]
    paid_minor: int | None
    currency: str
    label_reference: str
    shipper: str
    tracking_number: str
    ship_by: dt.datetime | None
    answer_by: dt.datetime | None
    reply_by: dt.datetime | None
    created_at: dt.datetime
    modified_at: dt.datetime


class TradeInsOut(Schema):
    count: int
    results: list[TradeInOut]


class IdentityOut(Schema):
    outcome: str
    problems: list[str]
    trade_in: TradeInOut


class PriceIn(Schema):
    market: str
    price_minor: int
    currency: str


class ListingIn(Schema):
    variant_id: int
    grade: str  # DIAMOND, PLATINUM, GOLD, SILVER, BRONZE, STALLONE
    sku: str | None = None
    prices: list[PriceIn]


class ListingOut(Schema):
    id: uuid.UUID
    variant_id: int
    grade: str
    sku: str
    prices: list[PriceIn]


class FileIn(Schema):
    name: str
    content: str  # base64 PNG, JPEG or PDF, 5 MB each


class CounterOfferIn(Schema):
    price_minor: int
    reasons: list[str]
    comment: str = ""
    files: list[FileIn]


class SuspendIn(Schema):
    reasons: list[str]


def _out(t) -> dict:
    return TradeInOut(
        reference=t.reference,
        market=t.market.code,
        status=t.status,
        grade=t.grade,
        variant_id=t.listing.variant_id,
        title=str(t.listing.variant),
        mode=t.mode,
        quote_minor=t.quote_minor,
        counter_minor=t.counter_minor,
        counter_reasons=t.counter_reasons,
        counter_comment=t.counter_comment,
        suspend_reasons=t.suspend_reasons,
        paid_minor=t.paid_minor,
        currency=t.currency,
        label_reference=t.label_reference,
        shipper=t.shipper,
        tracking_number=t.tracking_number,
        ship_by=t.ship_by,
        answer_by=t.answer_by,
        reply_by=t.reply_by,
        created_at=t.created_at,
        modified_at=t.modified_at,
    ).model_dump(mode="json")


def _listing_out(listing) -> dict:
    return ListingOut(
        id=listing.public_id,
        variant_id=listing.variant_id,
        grade=listing.grade,
        sku=listing.sku,
        prices=[
            PriceIn(market=p.market.code, price_minor=p.price_minor, currency=p.currency) for p in listing.prices.all()
        ],
    ).model_dump(mode="json")


def _write(request, route: str, body, run):
    key = request.headers.get("Idempotency-Key")
    outcome = idempotent(scope=request.actor.scope, route=route, key=key, body=body, run=run)
    return Status(outcome.status_code, outcome.body)


def _files(files: list[FileIn]) -> list[tuple[str, bytes]]:
    try:
        return [(f.name, base64.b64decode(f.content, validate=True)) for f in files]
    except (binascii.Error, ValueError):
        raise DomainError("BUYBACK_FILE_TYPE", "A file is a base64 PNG, JPEG or PDF.") from None


# --- the customer -----------------------------------------------------------------------------------------


@router.post("/trade-ins/quote", response={200: QuoteOut, 400: Error, 404: Error, 422: Error})
def tradein_quote(request, payload: QuoteIn):
    """The best quote for a device in the state the questionnaire describes (422 BUYBACK_NO_BUYER: nobody buys
    this model back in this grade in this market)."""
    quote = services.tradein_quote(
        market=market_get(code=payload.market), variant_id=payload.variant_id, answers=payload.answers
    )
    return {
        "variant_id": quote.variant.pk,
        "grade": quote.grade,
        "price_minor": quote.price_minor,
        "currency": quote.currency,
    }


@router.post("/trade-ins", response={201: TradeInOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error})
def tradein_accept(request, payload: AcceptIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Accept the best quote; with `identity`, the identity is checked at once (passed: TO_SEND with the free
    label; failed: PENDING, see GET .../identity-checks)."""

    def run():
        made = services.tradein_accept(
            actor=request.actor,
            market=market_get(code=payload.market),
            variant_id=payload.variant_id,
            answers=payload.answers,
            quote_minor=payload.quote_minor,
            identity=payload.identity.model_dump() if payload.identity else None,
        )
        return 201, _out(tradein_for_customer(actor=request.actor, reference=made.reference))

    return _write(request, "tradeins.accept", payload.model_dump(mode="json"), run)


@router.get("/trade-ins", response={200: TradeInsOut})
def tradeins_mine(request, offset: int = offset_query()):
    qs = tradeins_for_customer(actor=request.actor)
    return {"count": qs.count(), "results": [_out(t) for t in qs[offset : offset + PAGE]]}


@router.get("/trade-ins/{reference}", response={200: TradeInOut, 404: Error})
def tradein_get(request, reference: str):
    return _out(tradein_for_customer(actor=request.actor, reference=reference))


@router.post("/trade-ins/{reference}/identity", response={200: IdentityOut, 400: Error, 404: Error, 409: Error})
def tradein_identity(request, reference: str, payload: IdentityIn):
    def run():
        check = services.tradein_identity(actor=request.actor, reference=reference, identity=payload.model_dump())
        trade_in = _out(tradein_for_customer(actor=request.actor, reference=reference))
        return 200, {"outcome": check.outcome, "problems": check.problems, "trade_in": trade_in}

    return _write(request, f"tradeins.{reference}.identity", payload.model_dump(), run)


@router.post("/trade-ins/{reference}/ship", response={200: TradeInOut, 400: Error, 404: Error, 409: Error})
def tradein_ship(request, reference: str, payload: ShipIn):
    def run():
        services.tradein_ship(actor=request.actor, reference=reference, tracking_number=payload.tracking_number)
        return 200, _out(tradein_for_customer(actor=request.actor, reference=reference))

    return _write(request, f"tradeins.{reference}.ship", payload.model_dump(), run)


@router.post("/trade-ins/{reference}/{action}", response={200: TradeInOut, 404: Error, 409: Error})
def tradein_customer_move(request, reference: str, action: str):
    """`cancel` (before sending), `accept-counter-offer` (paid at its price), `refuse-counter-offer` (the device
    comes back free)."""
    moves = {
        "cancel": services.tradein_cancel,
        "accept-counter-offer": services.tradein_counter_accept,
        "refuse-counter-offer": services.tradein_counter_refuse,
    }
    if action not in moves:
        raise DomainError(
            "BUYBACK_ACTION_UNKNOWN", "An action is cancel, accept-counter-offer or refuse-counter-offer.", status=404
        )

    def run():
        moves[action](actor=request.actor, reference=reference)
        return 200, _out(tradein_for_customer(actor=request.actor, reference=reference))

    return _write(request, f"tradeins.{reference}.{action}", {}, run)


# --- the merchant -----------------------------------------------------------------------------------------


@router.get("/merchant/buyback-listings", response={200: list[ListingOut], 403: Error})
def merchant_listings(request, offset: int = offset_query()):
    return [
        _listing_out(listing) for listing in buyback_listings_for_merchant(actor=request.actor)[offset : offset + PAGE]
    ]


@router.post("/merchant/buyback-listings", response={200: ListingOut, 400: Error, 403: Error, 404: Error})
def merchant_listing_publish(request, payload: ListingIn):
    """Create or update the listing of a variant in a grade (one per merchant), its prices per market; a price of
    0 takes it offline there."""

    def run():
        listing = listing_services.buyback_listing_publish(
            actor=request.actor,
            variant_id=payload.variant_id,
            grade=payload.grade,
            sku=payload.sku,
            prices={p.market: (p.price_minor, p.currency) for p in payload.prices},
        )
        return 200, _listing_out(buyback_listing_for_merchant(actor=request.actor, public_id=listing.public_id))

    return _write(request, "buyback.listings.publish", payload.model_dump(), run)


@router.get("/merchant/trade-ins", response={200: TradeInsOut, 403: Error, 422: Error})
def merchant_tradeins(request, status: str | None = None, offset: int = offset_query()):
    """The merchant's trade-ins, earliest deadline first."""
    if status is not None and status not in TradeInStatus.values:
        raise DomainError("BUYBACK_STATUS_INVALID", "Unknown status.", {"statuses": TradeInStatus.values}, status=422)
    qs = tradeins_for_merchant(actor=request.actor, status=status)
    return {"count": qs.count(), "results": [_out(t) for t in qs[offset : offset + PAGE]]}


@router.get("/merchant/trade-ins/{reference}", response={200: TradeInOut, 403: Error, 404: Error})
def merchant_tradein(request, reference: str):
    return _out(tradein_for_merchant(actor=request.actor, reference=reference))


@router.post(
    "/merchant/trade-ins/{reference}/counter-offer",
    response={200: TradeInOut, 400: Error, 403: Error, 404: Error, 409: Error, 422: Error},
)
def merchant_counter_offer(request, reference: str, payload: CounterOfferIn):
    def run():
        services.tradein_counter_offer(
            actor=request.actor,
            reference=reference,
            price_minor=payload.price_minor,
            reasons=payload.reasons,
            files=_files(payload.files),
            comment=payload.comment,
        )
        return 200, _out(tradein_for_merchant(actor=request.actor, reference=reference))

    return _write(request, f"merchant.tradeins.{reference}.counter", payload.model_dump(), run)


@router.post(
    "/merchant/trade-ins/{reference}/suspend",
    response={200: TradeInOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def merchant_suspend(request, reference: str, payload: SuspendIn):
    def run():
        services.tradein_suspend(actor=request.actor, reference=reference, reasons=payload.reasons)
        return 200, _out(tradein_for_merchant(actor=request.actor, reference=reference))

    return _write(request, f"merchant.tradeins.{reference}.suspend", payload.model_dump(), run)


@router.post("/merchant/trade-ins/{reference}/{action}", response={200: TradeInOut, 403: Error, 404: Error, 409: Error})
def merchant_move(request, reference: str, action: str):
    """`receive`, `validate` (bought at the quote and paid), `pay` (409 BUYBACK_ALREADY_PAID once paid), `resume`
    (a suspended one back to inspection), `send-back` (a suspended one returned to the customer, free)."""
    moves = {
        "receive": services.tradein_receive,
        "validate": services.tradein_validate,
        "pay": services.tradein_pay_again,
        "resume": services.tradein_resume,
        "send-back": services.tradein_send_back,
    }
    if action not in moves:
        raise DomainError(
            "BUYBACK_ACTION_UNKNOWN", "An action is receive, validate, pay, resume or send-back.", status=404
        )

    def run():
        moves[action](actor=request.actor, reference=reference)
        return 200, _out(tradein_for_merchant(actor=request.actor, reference=reference))

    return _write(request, f"merchant.tradeins.{reference}.{action}", {}, run)
