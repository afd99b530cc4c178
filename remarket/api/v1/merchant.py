"""The merchant's own listings and orders, scoped to the token owner's merchant."""

import datetime as dt
import uuid

from ninja import Header, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from remarket.accounts.permissions import require
from remarket.core.idempotency import idempotent
from remarket.core.replica import replica_reads
from remarket.markets.selectors import market_get
from remarket.merchants.selectors import merchant_get
from remarket.offers.best import competition_for
from remarket.offers.selectors import listings_with_terms, merchant_listing_public_ids
from remarket.offers.services import ListingRow, listings_apply
from remarket.orders.selectors import suborder_for_actor, suborders_with_lines
from remarket.orders.services import suborder_accept, suborder_ship

from .auth import TokenAuth
from .schemas import Error, offset_query

router = Router(tags=["merchant"], auth=TokenAuth())


class TermsOut(Schema):
    market: str
    currency: str
    price_minor: int
    min_price_minor: int | None
    max_price_minor: int | None
    published: bool
    auto_reprice: bool
    score: float


class ListingOut(Schema):
    id: int
    public_id: uuid.UUID
    sku: str
    variant_id: int
    grade: str
    quantity: int
    warranty_months: int
    vat_scheme: str
    purchase_price_minor: int | None
    purchase_currency: str
    terms: list[TermsOut]


class MerchantOut(Schema):
    id: int
    name: str
    country: str
    status: str
    quality_score: int
    commission_bp: int | None  # empty: the category's rate, else the marketplace's


class CompetitorOut(Schema):
    listing_id: str
    price_minor: int
    is_winning: bool
    mine: bool


class CompetitionOut(Schema):
    market: str
    currency: str
    is_winning: bool
    winner_price_minor: int | None
    price_to_win_minor: int | None
    competitors: list[CompetitorOut]


class ListingIn(Schema):
    sku: str
    market: str
    price: str | None = None
    quantity: int | None = None
    variant_id: int | None = None
    grade: str | None = None
    min_price: str | None = None
    max_price: str | None = None
    published: bool | None = None
    warranty_months: int | None = None
    comment: str | None = None
    auto_reprice: bool | None = None
    vat_scheme: str | None = None  # standard or margin (REGULAR / MARGINAL): the EU margin scheme per listing
    purchase_price: str | None = None  # the unit's purchase price in the row's market currency, for the margin


class RowErrorOut(Schema):
    index: int
    sku: str
    code: str
    message: str


class ApplyOut(Schema):
    created: list[int]
    updated: list[int]
    unchanged: list[int]
    errors: list[RowErrorOut]


class LineOut(Schema):
    id: int
    sku: str
    title: str
    grade: str
    quantity: int
    unit_price_minor: int
    state: int


class OrderOut(Schema):
    order_id: int
    state: int
    market: str
    channel: str
    currency: str
    total_minor: int
    date_creation: dt.datetime
    date_modification: dt.datetime
    lines: list[LineOut]
    tracking_number: str | None = None


class ShipIn(Schema):
    tracking_number: str
    carrier: str
    tracking_url: str = ""


def _order_out(sub) -> OrderOut:
    shipment = getattr(sub, "shipment", None)
    return OrderOut(
        order_id=sub.pk,
        state=sub.state,
        market=sub.order.market.code,
        channel=sub.order.channel.kind,
        currency=sub.order.currency,
        total_minor=sub.total_minor,
        date_creation=sub.created_at,
        date_modification=sub.modified_at,
        lines=[
            LineOut(
                id=l.pk,
                sku=l.sku,
                title=l.title,
                grade=l.grade,
                quantity=l.quantity,
                unit_price_minor=l.unit_price_minor,
                state=l.state,
            )
            for l in sub.lines.all()
        ],
        tracking_number=shipment.tracking_number if shipment else None,
    )


def _listing_out(listing) -> ListingOut:
    return ListingOut(
        id=listing.pk,
        public_id=listing.public_id,
        sku=listing.sku,
        variant_id=listing.variant_id,
        grade=listing.grade,
        quantity=listing.quantity,
        warranty_months=listing.warranty_months,
        vat_scheme=listing.vat_scheme,
        purchase_price_minor=listing.purchase_price_minor,
        purchase_currency=listing.purchase_currency,
        terms=[
            TermsOut(
                market=t.market.code,
                currency=t.currency,
                price_minor=t.price_minor,
                min_price_minor=t.min_price_minor,
                max_price_minor=t.max_price_minor,
                published=t.published,
                auto_reprice=t.auto_reprice,
                score=t.score,
            )
            for t in listing.terms.all()
        ],
    )


@router.get("/me", response=MerchantOut)
def me(request):
    """The token owner's merchant: status and quality score."""
    require(request.actor, "listing.view")
    m = merchant_get(merchant_id=request.actor.merchant_id)
    return MerchantOut(
        id=m.pk,
        name=m.name,
        country=m.country.code,
        status=m.status,
        quality_score=m.quality_score,
        commission_bp=m.commission_bp,
    )


@router.get("/listings", response=list[ListingOut])
@decorate_view(replica_reads)
def listings(request, limit: int = 100, offset: int = offset_query()):
    require(request.actor, "listing.view")
    limit = max(1, min(limit, 1000))
    rows = listings_with_terms(merchant_id=request.actor.merchant_id, offset=offset, limit=limit)
    return [_listing_out(listing) for listing in rows]


@router.get("/listings/{listing_id}/competition", response={200: CompetitionOut, 404: Error})
def competition(request, listing_id: int, market: str = "FR"):
    """Where one of your listings stands in its best offer: winning or not, and the price to win."""
    require(request.actor, "listing.view")
    standing = competition_for(
        listing_id=listing_id, market_id=market_get(code=market).pk, merchant_id=request.actor.merchant_id
    )
    mine = merchant_listing_public_ids(
        merchant_id=request.actor.merchant_id, public_ids=[c.listing_public_id for c in standing.competitors]
    )
    return CompetitionOut(
        market=standing.market_code,
        currency=standing.currency,
        is_winning=standing.is_winning,
        winner_price_minor=standing.winner_price_minor,
        price_to_win_minor=standing.price_to_win_minor,
        competitors=[
            CompetitorOut(
                listing_id=c.listing_public_id,
                price_minor=c.price_minor,
                is_winning=c.is_winning,
                mine=c.listing_public_id in mine,
            )
            for c in standing.competitors
        ],
    )


@router.post("/listings", response={200: ApplyOut, 400: Error, 403: Error, 409: Error, 422: Error})
def listings_write(request, rows: list[ListingIn], idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Create or update listings; each invalid row is reported with a stable code, valid rows are applied."""
    require(request.actor, "listing.write")
    merchant = merchant_get(merchant_id=request.actor.merchant_id)
    body = [r.dict() for r in rows]

    def run():
        result = listings_apply(merchant=merchant, rows=[ListingRow(**r) for r in body])
        return 200, {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [e.__dict__ for e in result.errors],
        }

    outcome = idempotent(scope=request.actor.scope, route="merchant.listings", key=idempotency_key, body=body, run=run)
    return Status(outcome.status_code, outcome.body)


@router.get("/orders", response=list[OrderOut])
@decorate_view(replica_reads)
def orders(request, state: int | None = None, limit: int = 50, offset: int = offset_query()):
    limit = max(1, min(limit, 200))
    subs = suborders_with_lines(actor=request.actor, state=state)[offset : offset + limit]
    return [_order_out(s) for s in subs]


@router.get("/orders/{order_id}", response={200: OrderOut, 404: Error})
def order(request, order_id: int):
    require(request.actor, "order.view_merchant")
    return _order_out(suborder_for_actor(actor=request.actor, suborder_id=order_id))


@router.post("/orders/{order_id}/accept", response={200: OrderOut, 404: Error, 409: Error, 422: Error})
def accept(request, order_id: int, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    def run():
        sub = suborder_accept(actor=request.actor, suborder_id=order_id)
        return 200, _order_out(suborder_for_actor(actor=request.actor, suborder_id=sub.pk)).model_dump(mode="json")

    outcome = idempotent(
        scope=request.actor.scope, route=f"merchant.orders.{order_id}.accept", key=idempotency_key, body={}, run=run
    )
    return Status(outcome.status_code, outcome.body)


@router.post("/orders/{order_id}/ship", response={200: OrderOut, 400: Error, 404: Error, 409: Error, 422: Error})
def ship(request, order_id: int, payload: ShipIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    def run():
        sub = suborder_ship(actor=request.actor, suborder_id=order_id, **payload.dict())
        return 200, _order_out(suborder_for_actor(actor=request.actor, suborder_id=sub.pk)).model_dump(mode="json")

    outcome = idempotent(
        scope=request.actor.scope,
        route=f"merchant.orders.{order_id}.ship",
        key=idempotency_key,
        body=payload.dict(),
        run=run,
    )
    return Status(outcome.status_code, outcome.body)
