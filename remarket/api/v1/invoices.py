"""A merchant's invoices and credit notes of one of its sub-orders (the /ws/ order id), as issued."""

import datetime as dt

from ninja import Router, Schema

from remarket.invoices.selectors import invoices_for_actor

from .auth import TokenAuth
from .schemas import Error

router = Router(tags=["invoices"], auth=TokenAuth())


class InvoiceLineOut(Schema):
    title: str
    quantity: int
    unit_price_minor: int
    total_minor: int
    tax_scheme: str  # vat, margin (no VAT shown), sales_tax or none
    tax_rate: str | None  # a fraction ("0.20000"); empty when not shown
    tax_minor: int
    paid_minor: int


class TaxOut(Schema):
    scheme: str
    rate: str
    jurisdiction: str
    net_minor: int
    tax_minor: int


class InvoiceOut(Schema):
    id: int
    kind: str  # invoice or credit_note
    number: str
    corrects: str | None  # a credit note's invoice number
    issued_at: dt.datetime
    issued_on: dt.date
    currency: str
    net_minor: int
    tax_minor: int
    total_minor: int  # negative on a credit note
    margin_scheme: bool
    taxes: list[TaxOut]
    lines: list[InvoiceLineOut]


class UploadOut(Schema):
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class OrderInvoicesOut(Schema):
    order_id: int
    invoices: list[InvoiceOut]
    merchant_invoice: UploadOut | None  # the merchant's own PDF, which replaces ours for the customer


def _invoice_out(invoice) -> InvoiceOut:
    return InvoiceOut(
        id=invoice.pk,
        kind=invoice.kind,
        number=invoice.number,
        corrects=invoice.corrects.number if invoice.corrects else None,
        issued_at=invoice.issued_at,
        issued_on=invoice.issued_on,
        currency=invoice.currency,
        net_minor=invoice.net_minor,
        tax_minor=invoice.tax_minor,
        total_minor=invoice.total_minor,
        margin_scheme=invoice.margin_scheme,
        taxes=invoice.taxes,
        lines=[
            InvoiceLineOut(
                title=l.title,
                quantity=l.quantity,
                unit_price_minor=l.unit_price_minor,
                total_minor=l.total_minor,
                tax_scheme=l.tax_scheme,
                tax_rate=None if l.tax_rate is None else str(l.tax_rate),
                tax_minor=l.tax_minor,
                paid_minor=l.paid_minor,
            )
            for l in invoice.lines.all()
        ],
    )


@router.get("/orders/{order_id}/invoices", response={200: OrderInvoicesOut, 403: Error, 404: Error})
def order_invoices(request, order_id: int):
    sub, invoices, upload = invoices_for_actor(actor=request.actor, suborder_id=order_id)
    return OrderInvoicesOut(
        order_id=sub.pk,
        invoices=[_invoice_out(i) for i in invoices],
        merchant_invoice=UploadOut(**{k: upload[k] for k in ("filename", "size", "sha256", "uploaded_at")})
        if upload
        else None,
    )
