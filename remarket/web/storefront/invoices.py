"""A customer's invoices, credit notes and sellers' own invoices, behind the order page's access rule
(orders/access.py, through order_links.order_open): whoever may open the order opens its documents."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from remarket.core.errors import NotFound
from remarket.core.i18n import site_language
from remarket.invoices.models import Kind
from remarket.invoices.pdf import invoice_pdf
from remarket.invoices.selectors import invoice_for_order, invoice_upload_get, invoice_view, upload_info
from remarket.orders.models import Order

from .order_links import link_query, order_open
from .views import _market


def pdf_response(upload) -> HttpResponse:
    response = HttpResponse(bytes(upload.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{upload.suborder_id}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_invoice(request, invoice, *, pdf_url: str = "") -> HttpResponse:
    """The document in its own language (the market's), whoever reads it."""
    with translation.override(site_language(invoice.language)):
        return render(request, "invoices/document.html", {**invoice_view(invoice), "pdf_url": pdf_url})


def invoice_pdf_response(invoice) -> HttpResponse:
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document(request, order_id, invoice_id):
    """The order's document, or the answer instead (login page, re-send page, the seller's own PDF)."""
    order = order_open(request, order_id)
    if not isinstance(order, Order):
        return order  # the login page, the re-send page, or 404
    try:
        document = invoice_for_order(order=order, invoice_id=invoice_id)
        if document.kind == Kind.INVOICE and upload_info(suborder_ids=[document.suborder_id]):
            return pdf_response(invoice_upload_get(suborder_id=document.suborder_id))  # the seller's replaces ours
    except NotFound:
        raise Http404 from None
    return document


def invoice(request, market, order_id, invoice_id):
    _market(market)
    document = _document(request, order_id, invoice_id)
    if isinstance(document, HttpResponse):
        return document
    pdf_url = reverse(
        "store-invoice-pdf", kwargs={"market": market, "order_id": order_id, "invoice_id": invoice_id}
    ) + link_query(request)
    return render_invoice(request, document, pdf_url=pdf_url)


def invoice_pdf_view(request, market, order_id, invoice_id):
    _market(market)
    document = _document(request, order_id, invoice_id)
    if isinstance(document, HttpResponse):
        return document
    return invoice_pdf_response(document)


def invoice_upload(request, market, order_id, suborder_id):
    _market(market)
    order = order_open(request, order_id)
    if not isinstance(order, Order):
        return order
    if not any(sub.pk == suborder_id for sub in order.suborders.all()):
        raise Http404
    try:
        return pdf_response(invoice_upload_get(suborder_id=suborder_id))
    except NotFound:
        raise Http404 from None
