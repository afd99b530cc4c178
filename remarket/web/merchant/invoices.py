"""The merchant's invoices and credit notes in the back office, and the PDF it uploaded; another merchant's are
404 (tenancy through orders.selectors.suborders_visible)."""

from django.http import Http404
from django.urls import reverse

from remarket.core.errors import NotFound
from remarket.invoices.selectors import invoice_for_actor, invoice_upload_get
from remarket.orders.selectors import suborder_for_actor
from remarket.web.common import requires
from remarket.web.storefront.invoices import invoice_pdf_response, pdf_response, render_invoice


@requires("order.fulfil", merchant=True)
def invoice(request, invoice_id):
    try:
        document = invoice_for_actor(actor=request.actor, invoice_id=invoice_id)
    except NotFound:
        raise Http404 from None
    return render_invoice(request, document, pdf_url=reverse("merchant-invoice-pdf", args=[invoice_id]))


@requires("order.fulfil", merchant=True)
def invoice_pdf(request, invoice_id):
    try:
        document = invoice_for_actor(actor=request.actor, invoice_id=invoice_id)
    except NotFound:
        raise Http404 from None
    return invoice_pdf_response(document)


@requires("order.fulfil", merchant=True)
def invoice_upload(request, suborder_id):
    try:
        sub = suborder_for_actor(actor=request.actor, suborder_id=suborder_id)
        return pdf_response(invoice_upload_get(suborder_id=sub.pk))
    except NotFound:
        raise Http404 from None
