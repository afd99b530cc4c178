"""`POST /ws/orders/{order_id}/invoice`: the merchant sends its own invoice of one of its orders (multipart field
`invoice`, one PDF of at most 5 MB); the customer then gets it instead of ours (invoices.services.invoice_upload).
Refusals are 400 with our code (`INVOICE_FILE_REQUIRED`, `INVOICE_FILE_EMPTY`, `INVOICE_FILE_NOT_PDF`,
`INVOICE_FILE_TOO_LARGE`, `INVOICE_ORDER_NOT_PAID`); another merchant's or an unknown order is 404."""

from django.http import HttpResponse

from remarket.core.errors import DomainError
from remarket.invoices.services import UPLOAD_MAX_BYTES, invoice_upload

from .endpoint import Call
from .orders import _path_order_id


def invoice_post(request, call: Call, order_id: str):
    sub_id = _path_order_id(order_id)
    if request.content_type != "multipart/form-data":
        raise DomainError(
            "INVOICE_FILE_REQUIRED", "Send the invoice as multipart/form-data, field `invoice`.", {"field": "invoice"}
        )
    files = request.FILES.getlist("invoice")
    if len(files) != 1:
        raise DomainError(
            "INVOICE_FILE_REQUIRED", "Send exactly one PDF in the multipart field `invoice`.", {"field": "invoice"}
        )
    upload = files[0]
    content = upload.read(UPLOAD_MAX_BYTES + 1)  # one byte past the limit is enough to refuse it
    invoice_upload(actor=call.actor, suborder_id=sub_id, filename=upload.name or "", content=content)
    return HttpResponse(status=200)
