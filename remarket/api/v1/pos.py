"""The till: a clerk's sales at their store or corner, their receipts, and counter returns. The till's page calls
these with its session; a till program with the clerk's token. A sale's `Idempotency-Key` is the id the till made
for it (a UUID): a sale queued offline and sent again is made once, and the same id with another body is 422."""

import uuid

from django.http import HttpResponse
from ninja import Header, Router
from ninja.responses import Status
from ninja.security import SessionAuth

from remarket.accounts.permissions import Actor
from remarket.checkout.counter import (
    CounterLine,
    counter_quote,
    counter_return,
    counter_sale,
    counter_sale_confirm,
    counter_sale_get,
    sale_lines,
    sale_status,
)
from remarket.checkout.counter_search import counter_find, counter_shelf
from remarket.checkout.receipts import Receipt, receipt_of, receipt_pdf
from remarket.core.errors import DomainError

from .auth import TokenAuth
from .checkout import AddressIn
from .schemas import Error, Plain


class ClerkSession(SessionAuth):
    """The till's own page: the logged-in clerk's session (ninja checks the CSRF token of its writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        request.actor = Actor.of(user)
        return request.actor


router = Router(tags=["pos"], auth=[TokenAuth(), ClerkSession()])


class LineIn(Plain):
    listing_id: int
    quantity: int = 1
    shelf: bool = True  # a unit of the clerk's location; false: an online offer (endless aisle), delivered


class QuoteIn(Plain):
    lines: list[LineIn]
    delivery_address: AddressIn | None = None
    collect_here: bool = False  # online offers shipped to this location and collected with a code


class QuoteOut(Plain):
    currency: str
    goods_minor: int
    tax_minor: int
    tax_included: bool
    total_minor: int
    rates: list[str]


class SaleIn(Plain):
    lines: list[LineIn]
    tender: str  # card, cash, or trade_in (a trade-in credit's code, the rest in cash)
    cash_given_minor: int | None = None
    trade_in_code: str = ""
    card_number: str = ""
    email: str = ""
    delivery_address: AddressIn | None = None  # collect_here: only the customer's name and phone are read
    collect_here: bool = False  # online offers shipped to this location and collected with a pickup code


class SaleLineOut(Plain):
    id: int
    title: str
    grade: str
    quantity: int
    total_minor: int
    shelf: bool
    state: int


class SaleOut(Plain):
    id: uuid.UUID
    number: str
    status: str  # paid, requires_action, declined, pending
    currency: str
    total_minor: int
    tax_minor: int
    change_minor: int | None
    lines: list[SaleLineOut]


class ConfirmIn(Plain):
    success: bool


class ReturnIn(Plain):
    line_ids: list[int]


class ReturnOut(Plain):
    refunded_minor: int
    currency: str


class FoundOut(Plain):
    listing_id: int
    title: str
    grade: str
    sku: str
    ean: str
    merchant: str
    price_minor: int
    currency: str
    available: int
    shelf: bool
    unit_paid_minor: int | None = None  # shelf units in /pos/stock: one unit's price with its tax
    unit_tax_minor: int | None = None


class ReceiptOut(Plain):
    number: str
    issued_at: str
    location: str
    location_address: str
    currency: str
    lines: list[dict]
    taxes: list[dict]
    total_minor: int
    tax_minor: int
    tender: str
    given_minor: int | None
    change_minor: int | None
    return_until: str
    mentions: list[str]


def _lines(lines: list[LineIn]) -> list[CounterLine]:
    return [CounterLine(l.listing_id, l.quantity, l.shelf) for l in lines]


def _address(address: AddressIn | None) -> dict | None:
    return address.model_dump() if address else None


def _sale_out(order) -> dict:
    lines = sale_lines(order)
    cash = getattr(order.payment, "cash", None)
    return SaleOut(
        id=order.public_id,
        number=order.public_id.hex[:12].upper(),
        status=sale_status(order),
        currency=order.currency,
        total_minor=order.total_minor,
        tax_minor=order.tax_minor,
        change_minor=cash.change_minor if cash else None,
        lines=[
            SaleLineOut(
                id=l.pk,
                title=l.title,
                grade=l.grade,
                quantity=l.quantity,
                total_minor=l.total_minor,
                shelf=l.location_id is not None,
                state=l.state,
            )
            for l in lines
        ],
    ).model_dump(mode="json")


def _sale_id(key: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(key or "")
    except ValueError:
        raise DomainError(
            "POS_SALE_ID_INVALID",
            "A till sale's Idempotency-Key is the UUID the till made for it.",
            {"header": "Idempotency-Key"},
        ) from None


@router.get("/pos/stock", response={200: list[FoundOut], 403: Error})
def stock(request):
    """Every unit on the clerk's shelf with its price (what the till sells from while offline)."""
    return [f.as_dict() for f in counter_shelf(actor=request.actor)]


@router.get("/pos/find", response={200: list[FoundOut], 400: Error, 403: Error})
def find(request, q: str = ""):
    """A scanned SKU or EAN barcode, or words: the shelf's matches first, then online offers (endless aisle)."""
    return [f.as_dict() for f in counter_find(actor=request.actor, q=q)]


@router.post("/pos/quote", response={200: QuoteOut, 400: Error, 403: Error, 404: Error})
def quote(request, payload: QuoteIn):
    """The basket's total with VAT included or US sales tax on top, before payment."""
    q = counter_quote(
        actor=request.actor,
        lines=_lines(payload.lines),
        delivery_address=_address(payload.delivery_address),
        collect_here=payload.collect_here,
    )
    return QuoteOut(
        currency=q.currency,
        goods_minor=q.goods_minor,
        tax_minor=q.tax_minor,
        tax_included=q.tax_included,
        total_minor=q.total_minor,
        rates=list(q.rates),
    ).model_dump()


@router.post(
    "/pos/sales",
    response={201: SaleOut, 200: SaleOut, 400: Error, 402: Error, 403: Error, 404: Error, 409: Error, 422: Error},
)
def sale(request, payload: SaleIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Sell a basket at the clerk's location; `Idempotency-Key` (required) is the sale's id, a UUID made by the
    till. 201 when made, 200 when the id was seen before with this body (the sale as it stands), 422
    IDEMPOTENCY_KEY_REUSED with another body, 409 STOCK_UNAVAILABLE when a unit was sold meanwhile (nothing made).
    A card that asks for confirmation answers `requires_action`: confirm or cancel it with `/confirm`."""
    done = counter_sale(
        actor=request.actor,
        sale_id=_sale_id(idempotency_key),
        lines=_lines(payload.lines),
        tender=payload.tender,
        cash_given_minor=payload.cash_given_minor,
        card_number=payload.card_number,
        email=payload.email,
        delivery_address=_address(payload.delivery_address),
        trade_in_code=payload.trade_in_code,
        collect_here=payload.collect_here,
    )
    return Status(201 if done.created else 200, _sale_out(done.order))


@router.get("/pos/sales/{order_id}", response={200: SaleOut, 403: Error, 404: Error})
def sale_get(request, order_id: uuid.UUID):
    return _sale_out(counter_sale_get(actor=request.actor, order_id=order_id))


@router.post("/pos/sales/{order_id}/confirm", response={200: SaleOut, 403: Error, 404: Error})
def confirm(request, order_id: uuid.UUID, payload: ConfirmIn):
    """The card's confirmation step, completed (`success: true`) or cancelled by the clerk."""
    done = counter_sale_confirm(actor=request.actor, order_id=order_id, success=payload.success)
    return _sale_out(done.order)


def _receipt_out(r: Receipt) -> dict:
    return ReceiptOut(
        number=r.number,
        issued_at=r.issued_at.isoformat(),
        location=r.location,
        location_address=r.location_address,
        currency=r.currency,
        lines=[
            {
                "title": i.line.title,
                "grade": i.grade,
                "seller": i.seller,
                "quantity": i.line.quantity,
                "total_minor": i.line.total_minor,
                "tax_scheme": i.line.tax_scheme,
                "warranty_months": i.warranty_months,
                "delivered": i.delivered,
            }
            for i in r.lines
        ],
        taxes=r.totals.taxes,
        total_minor=r.totals.total_minor,
        tax_minor=r.totals.tax_minor,
        tender=r.tender,
        given_minor=r.given_minor,
        change_minor=r.change_minor,
        return_until=r.return_until.isoformat(),
        mentions=[str(m) for m in r.mentions],
    ).model_dump()


@router.get("/pos/sales/{order_id}/receipt", response={200: ReceiptOut, 403: Error, 404: Error})
def receipt(request, order_id: uuid.UUID):
    """The sale's receipt with its legal mentions."""
    return _receipt_out(receipt_of(order=counter_sale_get(actor=request.actor, order_id=order_id)))


@router.get("/pos/sales/{order_id}/receipt.pdf", response={200: None, 403: Error, 404: Error})
def receipt_as_pdf(request, order_id: uuid.UUID):
    """The same receipt as a PDF for an 80 mm roll."""
    r = receipt_of(order=counter_sale_get(actor=request.actor, order_id=order_id))
    response = HttpResponse(receipt_pdf(receipt=r), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{r.number}.pdf"'
    return response


@router.post("/pos/sales/{order_id}/returns", response={200: ReturnOut, 400: Error, 403: Error, 404: Error, 409: Error})
def sale_return(request, order_id: uuid.UUID, payload: ReturnIn):
    """Units of this sale brought back to this store within the return window: refunded."""
    refunds = counter_return(actor=request.actor, order_id=order_id, line_ids=payload.line_ids)
    order = counter_sale_get(actor=request.actor, order_id=order_id)
    return ReturnOut(refunded_minor=sum(r.amount_minor for r in refunds), currency=order.currency).model_dump()
