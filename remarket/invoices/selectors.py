"""Invoice reads, each behind the order's own access rule: a merchant's documents through its sub-orders,
a customer's through their order."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core.errors import NotFound
from remarket.markets.tax import Scheme
from remarket.orders.models import Order, SubOrder
from remarket.orders.selectors import suborder_for_actor, suborders_visible

from .models import Invoice, InvoiceUpload


def _documents() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("corrects").prefetch_related("lines").order_by("issued_at", "pk")


def upload_info(*, suborder_ids) -> dict[int, Mapping[str, Any]]:
    """The merchant's uploads of these sub-orders, without their content: {suborder_id: {filename, size, ...}}."""
    rows = InvoiceUpload.objects.filter(suborder_id__in=suborder_ids).values(
        "suborder_id", "filename", "size", "sha256", "uploaded_at"
    )
    return {r["suborder_id"]: r for r in rows}


def suborder_documents(*, suborder: SubOrder) -> dict:
    """What a sub-order's page links to: our invoice and credit notes, and the merchant's upload if any."""
    return {
        "invoices": list(_documents().filter(suborder=suborder)),
        "upload": upload_info(suborder_ids=[suborder.pk]).get(suborder.pk),
    }


def invoices_for_actor(*, actor: Actor, suborder_id: int) -> tuple[SubOrder, list[Invoice], dict | None]:
    """A merchant's sub-order with its documents; 404 when the sub-order is not theirs."""
    require(actor, "order.view_merchant")
    sub = suborder_for_actor(actor=actor, suborder_id=suborder_id)
    docs = suborder_documents(suborder=sub)
    return sub, docs["invoices"], docs["upload"]


def invoice_for_actor(*, actor: Actor, invoice_id: int) -> Invoice:
    invoice = _documents().filter(pk=invoice_id, suborder__in=suborders_visible(actor)).first()
    if invoice is None:
        raise NotFound("INVOICE_NOT_FOUND", _("There is no invoice %(id)s.") % {"id": invoice_id})
    return invoice


def invoice_for_order(*, order: Order, invoice_id: int) -> Invoice:
    """One document of a customer's order (found with orders.access.order_for_viewer)."""
    invoice = _documents().filter(pk=invoice_id, suborder__order=order).first()
    if invoice is None:
        raise NotFound("INVOICE_NOT_FOUND", _("There is no invoice %(id)s.") % {"id": invoice_id})
    return invoice


def invoice_upload_get(*, suborder_id: int) -> InvoiceUpload:
    """The merchant's uploaded PDF of a sub-order whose access the caller checked."""
    upload = InvoiceUpload.objects.filter(suborder_id=suborder_id).first()
    if upload is None:
        raise NotFound("INVOICE_NOT_FOUND", _("This order has no invoice from its seller."))
    return upload


def invoice_view(invoice: Invoice) -> dict:
    """What the document template shows besides the invoice itself: whether tax comes on top (US sales tax),
    the net of the lines that show their tax, and the margin-scheme lines' total (they show no VAT)."""
    lines = list(invoice.lines.all())
    margin = sum(l.paid_minor for l in lines if l.tax_scheme == Scheme.MARGIN)
    return {
        "invoice": invoice,
        "sales_tax": any(t["scheme"] == Scheme.SALES_TAX for t in invoice.taxes),
        "net_standard": invoice.net_minor - margin,
        "margin_minor": margin,
    }
