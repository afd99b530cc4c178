"""`vat_type` on POST /ws/orders/{order_id}: the merchant states the VAT scheme before shipping."""

import pytest
from django.db.models import Sum

from remarket.ledger.models import LedgerEntry
from remarket.offers.models import ShippingOption
from remarket.orders.models import OrderLine

from .test_orders import buy  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(seller, listing, buy):  # noqa: F811
    ShippingOption.objects.create(terms=listing.terms.get(), carrier="Colissimo", price_minor=490, delay_days=2)
    return buy(listing)


def merchant_tax(sub) -> int:
    return LedgerEntry.objects.filter(transaction__suborder=sub, account="merchant_payable", line="tax").aggregate(
        s=Sum("amount_minor")
    )["s"]


def test_marginal_without_a_purchase_price_is_refused_and_changes_nothing(seller, sold):
    answer = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2, "vat_type": "MARGINAL"})
    assert answer.status_code == 400 and "ORDER_PURCHASE_PRICE_MISSING" in answer.content.decode()
    line = sold.lines.get()
    assert (line.tax_scheme, line.tax_minor, line.state) == ("vat", 8317, 1)


def test_shipping_under_the_margin_scheme_moves_the_tax_and_keeps_the_price(seller, sold, listing):
    listing.purchase_price_minor, listing.purchase_currency = 30000, "EUR"
    listing.save()
    assert seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2}).status_code == 200
    before = merchant_tax(sold)
    shipped = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 3, "tracking_number": "6A1", "vat_type": "MARGINAL"})
    assert shipped.status_code == 200 and shipped.json()["price"] == "499.00"
    line = OrderLine.objects.get(suborder=sold)
    assert (line.tax_scheme, line.tax_minor, line.purchase_price_minor) == ("margin", 3317, 30000)
    assert merchant_tax(sold) - before == 8317 - 3317  # less VAT for the merchant to declare
    sums = (
        LedgerEntry.objects.filter(transaction__suborder=sold).values("transaction_id").annotate(s=Sum("amount_minor"))
    )
    assert {row["s"] for row in sums} == {0}
    again = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 3, "tracking_number": "6A1", "vat_type": "REGULAR"})
    assert again.status_code in (400, 409) and OrderLine.objects.get(suborder=sold).tax_scheme == "margin"


def test_an_unknown_vat_type_is_refused(seller, sold):
    answer = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2, "vat_type": "ZERO"})
    assert answer.status_code == 400 and "ORDER_VAT_TYPE_INVALID" in answer.content.decode()
