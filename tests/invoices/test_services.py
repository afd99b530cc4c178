"""Invoices and credit notes issued from the order events: amounts to the cent, numbering, snapshots."""

import datetime as dt
from decimal import Decimal

import pytest

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.models import OutboxEvent
from remarket.events.outbox import drain
from remarket.invoices.models import Invoice, InvoiceCounter, InvoiceLine
from remarket.invoices.services import credit_note_issue, invoice_issue
from remarket.offers.models import ShippingOption
from remarket.orders.services import suborder_accept

from ..factories import MerchantFactory
from .conftest import NOW, merchant_actor, offer, refund, sell, ship

pytestmark = pytest.mark.django_db


def test_a_shipped_fr_sale_is_invoiced_with_its_vat_to_the_cent(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get(suborder=sub)
    m = fr_offer.merchant_id
    assert (invoice.kind, invoice.number, invoice.year, invoice.sequence) == (
        "invoice",
        f"INV-{m}-2026-000001",
        2026,
        1,
    )
    assert (invoice.total_minor, invoice.net_minor, invoice.tax_minor) == (49900, 41583, 8317)
    assert invoice.total_minor == sub.total_minor
    assert invoice.taxes == [
        {"scheme": "vat", "rate": "0.20000", "jurisdiction": "FR", "net_minor": 41583, "tax_minor": 8317}
    ]
    assert not invoice.margin_scheme
    assert (invoice.currency, invoice.language, invoice.issued_on) == ("EUR", "fr-FR", dt.date(2026, 11, 2))
    assert invoice.seller == {"name": fr_offer.merchant.name, "country": "FR"}
    assert (invoice.buyer["last_name"], invoice.buyer["city"], invoice.buyer["email"]) == (
        "Hugo",
        "Paris",
        "buyer@example.com",
    )
    line = invoice.lines.get()
    assert (
        line.quantity,
        line.unit_price_minor,
        line.total_minor,
        line.tax_scheme,
        line.tax_rate,
        line.tax_minor,
        line.paid_minor,
    ) == (1, 49900, 49900, "vat", Decimal("0.2"), 8317, 49900)


def test_a_margin_scheme_invoice_shows_no_vat_and_carries_the_mention(marketplace):
    listing = offer(marketplace.fr, vat_scheme="margin", purchase_price_minor=30000, purchase_currency="EUR")
    sub = ship(sell(marketplace, listing))
    assert sub.lines.get().tax_minor == 3317  # VAT due on the margin: 0.2 × 199.00 / 1.2
    invoice = Invoice.objects.get(suborder=sub)
    assert (invoice.total_minor, invoice.tax_minor, invoice.net_minor, invoice.taxes) == (49900, 0, 49900, [])
    assert invoice.margin_scheme
    line = invoice.lines.get()
    assert (line.tax_scheme, line.tax_rate, line.tax_minor, line.paid_minor) == ("margin", None, 0, 49900)


def test_a_mixed_sub_order_shows_vat_only_for_its_standard_lines(marketplace):
    merchant = MerchantFactory(country="FR")
    margin = offer(
        marketplace.fr, merchant=merchant, vat_scheme="margin", purchase_price_minor=30000, purchase_currency="EUR"
    )
    standard = offer(marketplace.fr, merchant=merchant, price_minor=12000)
    ShippingOption.objects.create(terms=standard.terms.get(), carrier="Colissimo", price_minor=600, delay_days=2)
    sub = ship(sell(marketplace, margin, standard))
    invoice = Invoice.objects.get(suborder=sub)
    # standard line 120.00 → VAT 20.00; shipping 6.00 → VAT 1.00; the margin line shows none
    assert invoice.total_minor == sub.total_minor == 49900 + 12000 + 600
    assert invoice.taxes == [
        {"scheme": "vat", "rate": "0.20000", "jurisdiction": "FR", "net_minor": 10500, "tax_minor": 2100}
    ]
    assert (invoice.tax_minor, invoice.margin_scheme) == (2100, True)
    assert [(l.tax_scheme, l.tax_minor, l.paid_minor) for l in invoice.lines.all()] == [
        ("margin", 0, 49900),
        ("vat", 2000, 12000),
        ("vat", 100, 600),
    ]
    assert invoice.lines.last().title.startswith("Livraison — ")  # in the market's language


def test_a_new_york_store_sale_shows_the_sales_tax_on_top(marketplace):
    listing = offer(marketplace.us, price_minor=10000, merchant=MerchantFactory(country="US"))
    sub = ship(sell(marketplace, listing, market="us"))
    invoice = Invoice.objects.get(suborder=sub)
    assert (invoice.net_minor, invoice.tax_minor, invoice.total_minor) == (10000, 888, 10888)
    assert invoice.total_minor == sub.total_minor
    assert invoice.taxes == [
        {"scheme": "sales_tax", "rate": "0.08875", "jurisdiction": "US-NY-NYC", "net_minor": 10000, "tax_minor": 888}
    ]
    assert (invoice.currency, invoice.language) == ("USD", "en-US")


def test_numbers_have_no_gap_per_merchant_and_restart_each_year_in_the_markets_zone(marketplace):
    a, b = offer(marketplace.fr), offer(marketplace.fr)
    numbers = [Invoice.objects.get(suborder=ship(sell(marketplace, listing))).number for listing in (a, a, b, a)]
    ma, mb = a.merchant_id, b.merchant_id
    assert numbers == [
        f"INV-{ma}-2026-000001",
        f"INV-{ma}-2026-000002",
        f"INV-{mb}-2026-000001",
        f"INV-{ma}-2026-000003",
    ]
    # 23:30 UTC on 31 December is already 2027 in Paris
    new_year = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    late = ship(sell(marketplace, a, at=new_year), at=new_year)
    invoice = Invoice.objects.get(suborder=late)
    assert (invoice.number, invoice.issued_on) == (f"INV-{ma}-2027-000001", dt.date(2027, 1, 1))
    assert sorted(InvoiceCounter.objects.filter(merchant_id=ma).values_list("year", "kind", "last_number")) == [
        (2026, "invoice", 3),
        (2027, "invoice", 1),
    ]


def test_one_invoice_per_sub_order_whatever_the_redeliveries(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    first = Invoice.objects.get(suborder=sub)
    OutboxEvent.objects.filter(topic="suborder.shipped").update(done_at=None)  # delivered again
    drain()
    assert invoice_issue(suborder_id=sub.pk) == first
    assert Invoice.objects.filter(suborder=sub).count() == 1
    assert InvoiceCounter.objects.get(merchant_id=fr_offer.merchant_id).last_number == 1


def test_the_invoice_is_a_snapshot(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    merchant = fr_offer.merchant
    merchant.name = "Renamed"
    merchant.save()
    sub.lines.update(title="Changed")
    invoice = Invoice.objects.get(suborder=sub)
    assert invoice.seller["name"] != "Renamed"
    assert invoice.lines.get().title != "Changed"


def test_nothing_is_invoiced_before_shipping(marketplace, fr_offer):
    sub = sell(marketplace, fr_offer)
    with clock.frozen(NOW):
        suborder_accept(actor=merchant_actor(sub.merchant), suborder_id=sub.pk)
        drain()
        with pytest.raises(DomainError) as err:
            invoice_issue(suborder_id=sub.pk)
    assert err.value.code == "INVOICE_NOTHING_SHIPPED"
    assert not Invoice.objects.exists() and not InvoiceCounter.objects.exists()


def test_a_refund_after_shipping_gets_a_credit_note_referencing_the_invoice(marketplace):
    merchant = MerchantFactory(country="FR")
    phone, case = offer(marketplace.fr, merchant=merchant), offer(marketplace.fr, merchant=merchant, price_minor=2400)
    sub = ship(sell(marketplace, phone, case))
    invoice = Invoice.objects.get(kind="invoice")
    phone_line = sub.lines.get(listing=phone)
    refund(sub, [phone_line.pk])
    note = Invoice.objects.get(kind="credit_note")
    m = merchant.pk
    assert (note.number, note.corrects, note.suborder) == (f"CN-{m}-2026-000001", invoice, sub)
    assert (note.total_minor, note.tax_minor, note.net_minor) == (-49900, -8317, -41583)
    assert list(note.lines.values_list("order_line", "quantity", "total_minor", "tax_minor", "paid_minor")) == [
        (phone_line.pk, -1, -49900, -8317, -49900)
    ]
    # the second line later: a second credit note, the first line not credited twice
    refund(sub, [sub.lines.get(listing=case).pk])
    assert list(Invoice.objects.filter(kind="credit_note").values_list("number", "total_minor")) == [
        (f"CN-{m}-2026-000001", -49900),
        (f"CN-{m}-2026-000002", -2400),
    ]
    assert credit_note_issue(suborder_id=sub.pk) is None  # nothing left to credit
    assert Invoice.objects.get(kind="invoice").total_minor == 52300  # the invoice itself never changes


def test_a_refund_before_shipping_issues_nothing(marketplace, fr_offer):
    sub = sell(marketplace, fr_offer)
    with clock.frozen(NOW):
        suborder_accept(actor=merchant_actor(sub.merchant), suborder_id=sub.pk)
    refund(sub)
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
