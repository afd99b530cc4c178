"""GET /api/v1/merchant/orders/{order_id}/invoices: a merchant's documents of one of its sub-orders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.invoices.models import Invoice

from ..factories import MerchantFactory, UserFactory
from .conftest import refund, sell, ship

pytestmark = pytest.mark.django_db


def bearer(merchant) -> dict:
    token = api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=merchant), name="api")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_merchant_lists_an_orders_invoice_and_credit_note(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    refund(sub)
    auth = bearer(sub.merchant)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/v1/merchant/orders/{sub.pk}/invoices", **auth).json()
    assert len(queries) <= 6  # token, sub-order, documents, their lines, upload (and a token touch)
    invoice, note = Invoice.objects.order_by("pk")
    assert body["order_id"] == sub.pk and body["merchant_invoice"] is None
    assert [
        (d["kind"], d["number"], d["corrects"], d["total_minor"], d["tax_minor"], d["net_minor"])
        for d in body["invoices"]
    ] == [
        ("invoice", invoice.number, None, 49900, 8317, 41583),
        ("credit_note", note.number, invoice.number, -49900, -8317, -41583),
    ]
    assert body["invoices"][0]["lines"] == [
        {
            "title": sub.lines.get().title,
            "quantity": 1,
            "unit_price_minor": 49900,
            "total_minor": 49900,
            "tax_scheme": "vat",
            "tax_rate": "0.20000",
            "tax_minor": 8317,
            "paid_minor": 49900,
        }
    ]
    assert body["invoices"][0]["taxes"] == [
        {"scheme": "vat", "rate": "0.20000", "jurisdiction": "FR", "net_minor": 41583, "tax_minor": 8317}
    ]


def test_another_merchants_order_is_404(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    response = client.get(f"/api/v1/merchant/orders/{sub.pk}/invoices", **bearer(MerchantFactory()))
    assert (response.status_code, response.json()["code"]) == (404, "ORDER_NOT_FOUND")
