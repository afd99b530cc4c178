"""Invoice writes: our invoice when a sub-order ships, a credit note when shipped lines are refunded, and the
merchant's own PDF, which replaces ours.

Numbers are gapless per merchant, calendar year (in the market's time zone) and kind: the next number is taken
from a counter row locked in the transaction that creates the document, so concurrent issuers queue on it and a
rolled-back issue gives its number back."""

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.core.i18n import site_language
from remarket.markets.tax import Scheme, tax_rules
from remarket.orders.models import LineRefund, OrderLine, SubOrder
from remarket.orders.selectors import suborder_for_actor
from remarket.orders.states import LineState, OrderState

from .calc import DocLine, doc_line, totals
from .models import PREFIX, Invoice, InvoiceCounter, InvoiceLine, InvoiceUpload, Kind
from .seller import seller_snapshot

INVOICED_STATES = (LineState.SHIPPED, LineState.REFUNDED_AFTER_SHIPPING)  # what left the merchant's hands
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UNPAID_STATES = (OrderState.NEW, OrderState.AWAITING_PAYMENT, OrderState.UNPAID)


def invoice_number(*, kind: str, merchant_id: int, year: int, sequence: int) -> str:
    return f"{PREFIX[kind]}-{merchant_id}-{year}-{sequence:06d}"


def series_next(*, merchant_id: int, year: int, kind: str) -> int:
    """The next number of a series, its counter row locked until the caller's transaction ends."""
    assert transaction.get_connection().in_atomic_block, "a number is taken inside the issuing transaction"
    InvoiceCounter.objects.get_or_create(merchant_id=merchant_id, year=year, kind=kind)  # a savepoint on a race
    counter = InvoiceCounter.objects.select_for_update().get(merchant_id=merchant_id, year=year, kind=kind)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _line_of(line: OrderLine, *, sign: int = 1) -> DocLine:
    return doc_line(
        title=line.title,
        quantity=line.quantity,
        unit_price_minor=line.unit_price_minor,
        total_minor=line.total_minor,
        tax_scheme=line.tax_scheme,
        tax_rate=line.tax_rate,
        tax_jurisdiction=line.tax_jurisdiction,
        tax_minor=line.tax_minor,
        order_line_id=line.pk,
        sign=sign,
    )


def _shipping_line(sub: SubOrder, language: str, *, sign: int = 1) -> DocLine:
    with translation.override(site_language(language)):
        title = _("Shipping") + (f" — {sub.shipping_carrier}" if sub.shipping_carrier else "")
    rate, jurisdiction = _standard_rate(sub)
    return doc_line(
        title=title,
        quantity=1,
        unit_price_minor=sub.shipping_minor,
        total_minor=sub.shipping_minor,
        tax_scheme=sub.shipping_tax_scheme if sub.shipping_tax_minor else Scheme.NONE,
        tax_rate=rate,
        tax_jurisdiction=jurisdiction,
        tax_minor=sub.shipping_tax_minor,
        sign=sign,
    )


def _standard_rate(sub: SubOrder) -> tuple[Decimal, str]:
    """The rate the shipping was taxed at: the sub-order's standard rule (markets/tax.py), found on a line under
    it or, when every line is under the margin scheme, from the rules of the day of the order."""
    found = sub.lines.filter(tax_scheme=sub.shipping_tax_scheme).values_list("tax_rate", "tax_jurisdiction").first()
    if found:
        return found
    order, market = sub.order, sub.order.market
    ship_to = order.ship_to
    standard, _margin = tax_rules(
        prices_include_tax=market.prices_include_tax,
        merchant_country=str(sub.merchant.country) or market.code,
        ship_to=ship_to,
        on=market.local_date(sub.created_at),
    )
    return standard.rate, standard.jurisdiction


def _document_create(sub: SubOrder, *, kind: str, lines: list[DocLine], corrects: Invoice | None = None) -> Invoice:
    order, now = sub.order, clock.now()
    issued_on = order.market.local_date(now)
    sequence = series_next(merchant_id=sub.merchant_id, year=issued_on.year, kind=kind)
    t = totals(lines)
    invoice = Invoice.objects.create(
        kind=kind,
        merchant_id=sub.merchant_id,
        suborder=sub,
        corrects=corrects,
        year=issued_on.year,
        sequence=sequence,
        number=invoice_number(kind=kind, merchant_id=sub.merchant_id, year=issued_on.year, sequence=sequence),
        issued_at=now,
        issued_on=issued_on,
        language=order.market.language,
        currency=order.currency,
        seller=seller_snapshot(sub.merchant),
        buyer={**order.shipping_address, "email": order.email},
        net_minor=t.net_minor,
        tax_minor=t.tax_minor,
        total_minor=t.total_minor,
        taxes=t.taxes,
        margin_scheme=t.margin_scheme,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=i,
                order_line_id=l.order_line_id,
                title=l.title,
                quantity=l.quantity,
                unit_price_minor=l.unit_price_minor,
                total_minor=l.total_minor,
                tax_scheme=l.tax_scheme,
                tax_rate=l.tax_rate,
                tax_jurisdiction=l.tax_jurisdiction,
                tax_minor=l.tax_minor,
                paid_minor=l.paid_minor,
            )
            for i, l in enumerate(lines, start=1)
        ]
    )
    return invoice


def _suborder(suborder_id: int) -> SubOrder:
    return SubOrder.objects.select_related("order__market", "merchant").get(pk=suborder_id)


@transaction.atomic
def invoice_issue(*, suborder_id: int) -> Invoice | None:
    """Our invoice of a shipped sub-order, once: its shipped lines and its shipping, as the buyer paid them.
    None when the merchant uploaded its own invoice first (it replaces ours)."""
    sub = _suborder(suborder_id)
    existing = Invoice.objects.filter(suborder=sub, kind=Kind.INVOICE).first()
    if existing is not None:
        return existing
    if InvoiceUpload.objects.filter(suborder=sub).exists():
        return None
    lines = [_line_of(l) for l in sub.lines.filter(state__in=INVOICED_STATES).order_by("pk")]
    if not lines:
        raise DomainError("INVOICE_NOTHING_SHIPPED", _("Only a shipped order has an invoice."))
    if sub.shipping_minor:
        lines.append(_shipping_line(sub, sub.order.market.language))
    return _document_create(sub, kind=Kind.INVOICE, lines=lines)


def _credited_units(invoice: Invoice) -> dict[int, int]:
    """Per order line, the units the credit notes of `invoice` gave back already."""
    credited: dict[int, int] = {}
    for line_id, quantity in (
        InvoiceLine.objects.filter(invoice__corrects=invoice)
        .exclude(order_line=None)
        .values_list("order_line_id", "quantity")
    ):
        credited[line_id] = credited.get(line_id, 0) - quantity
    return credited


@transaction.atomic
def credit_note_issue(*, suborder_id: int) -> Invoice | None:
    """A credit note for the invoiced units refunded since the last one — whole lines or some of their units, at
    the amounts the refund gave back (orders.LineRefund) — and the shipping once it was refunded, referencing our
    invoice. None when the sub-order has no invoice of ours (refunded before shipping, or the merchant's own
    invoice replaces ours) or nothing invoiced was refunded (a line cancelled before it shipped)."""
    sub = _suborder(suborder_id)
    # the invoice's row lock makes two credit notes of one invoice queue, so a unit is credited once
    invoice = Invoice.objects.select_for_update().filter(suborder=sub, kind=Kind.INVOICE).first()
    if invoice is None or InvoiceUpload.objects.filter(suborder=sub).exists():
        return None
    invoiced = set(invoice.lines.exclude(order_line=None).values_list("order_line_id", flat=True))
    credited = _credited_units(invoice)
    parts: dict[int, list[LineRefund]] = {}
    for part in LineRefund.objects.filter(order_line_id__in=invoiced).order_by("order_line_id", "units_before"):
        if part.units_before >= credited.get(part.order_line_id, 0):
            parts.setdefault(part.order_line_id, []).append(part)
    lines = []
    for line in sub.lines.filter(pk__in=list(parts)).order_by("pk"):
        given = parts[line.pk]
        lines.append(
            doc_line(
                title=line.title,
                quantity=sum(p.quantity for p in given),
                unit_price_minor=line.unit_price_minor,
                total_minor=sum(p.total_minor for p in given),
                tax_scheme=line.tax_scheme,
                tax_rate=line.tax_rate,
                tax_jurisdiction=line.tax_jurisdiction,
                tax_minor=sum(p.tax_minor for p in given),
                order_line_id=line.pk,
                sign=-1,
            )
        )
    shipping_invoiced = invoice.lines.filter(order_line=None).exists()
    shipping_credited = InvoiceLine.objects.filter(invoice__corrects=invoice, order_line=None).exists()
    if sub.shipping_refunded and shipping_invoiced and not shipping_credited:
        lines.append(_shipping_line(sub, invoice.language, sign=-1))
    if not lines:
        return None
    return _document_create(sub, kind=Kind.CREDIT_NOTE, lines=lines, corrects=invoice)


def pdf_check(*, content: bytes) -> None:
    if not content:
        raise DomainError("INVOICE_FILE_EMPTY", _("The invoice file is empty."), {"field": "invoice"})
    if len(content) > UPLOAD_MAX_BYTES:
        raise DomainError(
            "INVOICE_FILE_TOO_LARGE",
            _("An invoice is a PDF of at most 5 MB."),
            {"field": "invoice", "max_bytes": UPLOAD_MAX_BYTES},
        )
    if not content.startswith(b"%PDF-"):
        raise DomainError("INVOICE_FILE_NOT_PDF", _("An invoice is a PDF file."), {"field": "invoice"})


@transaction.atomic
def invoice_upload(*, actor: Actor, suborder_id: int, filename: str, content: bytes) -> InvoiceUpload:
    """The merchant's own invoice (a PDF) of one of its paid sub-orders: the customer gets it instead of ours.
    A new upload replaces the previous one."""
    require(actor, "order.fulfil")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id, for_update=True)
    pdf_check(content=content)
    if sub.state in UNPAID_STATES:
        raise DomainError("INVOICE_ORDER_NOT_PAID", _("An order has an invoice once it is paid."))
    upload, _created = InvoiceUpload.objects.update_or_create(
        suborder=sub,
        defaults={
            "filename": (filename or "invoice.pdf")[-200:],
            "content": content,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_at": clock.now(),
            "uploaded_by_id": actor.user_id,
        },
    )
    return upload
