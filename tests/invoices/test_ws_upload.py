"""POST /ws/orders/{order_id}/invoice: the merchant's own PDF replaces ours. Every response is checked against
the seller contract (the fixture from tests/ws)."""

import pytest
from django.test.client import Client

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.invoices.models import Invoice, InvoiceUpload
from remarket.invoices.services import UPLOAD_MAX_BYTES
from remarket.orders.access import guest_link_key

from ..factories import MerchantFactory, UserFactory
from ..ws.conftest import basic
from .conftest import sell, ship

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def token_of(merchant) -> str:
    return api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=merchant), name="ws")[1]


def post(sub_id, token: str | None, files: dict | None = None, **extra):
    headers = basic(token, None) if token else {}
    return Client().post(f"/ws/orders/{sub_id}/invoice", files or {}, **headers, **extra)


def upload_file(content: bytes, name: str = "invoice.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_merchants_pdf_replaces_ours_for_the_customer(client, marketplace, fr_offer, contract):
    sub = ship(sell(marketplace, fr_offer))
    ours = Invoice.objects.get()
    response = post(sub.pk, token_of(sub.merchant), {"invoice": upload_file(PDF, "F-2026-17.pdf")})
    assert response.status_code == 200
    upload = InvoiceUpload.objects.get()
    assert (upload.suborder_id, upload.filename, bytes(upload.content), upload.size) == (
        sub.pk,
        "F-2026-17.pdf",
        PDF,
        len(PDF),
    )
    served = client.get(f"/fr/orders/{sub.order.public_id}/invoices/{ours.pk}/?key={guest_link_key(order=sub.order)}")
    assert (served.status_code, served["Content-Type"], served.content) == (200, "application/pdf", PDF)
    # a second upload replaces the first
    assert post(sub.pk, token_of(sub.merchant), {"invoice": upload_file(PDF + b"v2")}).status_code == 200
    assert bytes(InvoiceUpload.objects.get().content) == PDF + b"v2"
    assert ("POST", "/ws/orders/{order_id}/invoice", 200) in contract.checked  # validated against the contract


def test_uploaded_before_shipping_we_issue_no_invoice_of_ours(marketplace, fr_offer):
    sub = sell(marketplace, fr_offer)
    assert post(sub.pk, token_of(sub.merchant), {"invoice": upload_file(PDF)}).status_code == 200
    ship(sub)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    "files, code",
    [
        ({}, "INVOICE_FILE_REQUIRED"),
        ({"invoice": "not a file"}, "INVOICE_FILE_REQUIRED"),
        ({"invoice": b""}, "INVOICE_FILE_EMPTY"),
        ({"invoice": b"PK\x03\x04 a zip, not a PDF"}, "INVOICE_FILE_NOT_PDF"),
        ({"invoice": PDF + b"0" * UPLOAD_MAX_BYTES}, "INVOICE_FILE_TOO_LARGE"),
    ],
)
def test_anything_but_one_pdf_is_refused_and_changes_nothing(marketplace, fr_offer, files, code):
    sub = ship(sell(marketplace, fr_offer))
    files = {k: upload_file(v) if isinstance(v, bytes) else v for k, v in files.items()}
    response = post(sub.pk, token_of(sub.merchant), files)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert not InvoiceUpload.objects.exists()


def test_a_json_body_is_refused(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    response = Client().post(
        f"/ws/orders/{sub.pk}/invoice",
        {"invoice": "x"},
        content_type="application/json",
        **basic(token_of(sub.merchant), None),
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVOICE_FILE_REQUIRED")


def test_another_merchants_or_an_unknown_order_is_404(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    rival = token_of(MerchantFactory())
    for order_id in (sub.pk, sub.pk + 1000):
        response = post(order_id, rival, {"invoice": upload_file(PDF)})
        assert (response.status_code, response.json()["error"]["code"]) == (404, "ORDER_NOT_FOUND")
    assert not InvoiceUpload.objects.exists()


def test_no_token_or_no_merchant_is_403(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    assert post(sub.pk, None, {"invoice": upload_file(PDF)}).status_code == 403
    customer = api_token_issue(user=UserFactory(), name="ws")[1]
    assert post(sub.pk, customer, {"invoice": upload_file(PDF)}).status_code == 403
    assert not InvoiceUpload.objects.exists()


def test_an_unpaid_order_takes_no_invoice(marketplace, fr_offer):
    from remarket.checkout.services import Item, checkout_start

    from ..conftest import ADDRESS_FR

    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(fr_offer.pk, 1)],
        email="b@example.com",
        shipping_address=ADDRESS_FR,
    )
    response = post(order.suborders.get().pk, token_of(fr_offer.merchant), {"invoice": upload_file(PDF)})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVOICE_ORDER_NOT_PAID")
    assert not InvoiceUpload.objects.exists()
