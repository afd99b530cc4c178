"""The documents as pages: the customer's from their order page, the merchant's from the back office, each in
the market's language, printable on A4; nobody else's."""

import pytest

from remarket.accounts.models import Role
from remarket.invoices.models import Invoice
from remarket.invoices.services import invoice_upload
from remarket.orders.access import guest_link_key

from ..factories import MerchantFactory, UserFactory
from .conftest import merchant_actor, offer, refund, sell, ship

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a seller's invoice\n%%EOF\n"


def order_url(sub) -> str:
    return f"/{sub.order.market.code.lower()}/orders/{sub.order.public_id}/"


def with_key(sub, url: str) -> str:
    """A guest opens the order's pages with the signed link its mails carry (orders/access.py)."""
    return f"{url}?key={guest_link_key(order=sub.order)}"


def test_the_customer_opens_the_invoice_from_the_order_page_in_french(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get()
    page = client.get(with_key(sub, order_url(sub))).content.decode()
    link = f"{order_url(sub)}invoices/{invoice.pk}/"
    assert f'href="{link}?key=' in page and f"Facture {invoice.number}" in page
    html = client.get(with_key(sub, link)).content.decode()
    assert f"Facture <span data-number>{invoice.number}</span>" in html
    assert "Total HT" in html and "415,83\xa0€" in html and "83,17\xa0€" in html and "499,00\xa0€" in html
    assert "TVA 20\xa0%" in html
    assert "@media print" in html and "size: A4" in html
    assert "Régime particulier" not in html


def test_a_margin_scheme_invoice_page_shows_no_vat_and_the_french_mention(client, marketplace):
    listing = offer(marketplace.fr, vat_scheme="margin", purchase_price_minor=30000, purchase_currency="EUR")
    sub = ship(sell(marketplace, listing))
    html = client.get(with_key(sub, f"{order_url(sub)}invoices/{Invoice.objects.get().pk}/")).content.decode()
    assert "Régime particulier – Biens d&#x27;occasion" in html or "Régime particulier – Biens d'occasion" in html
    document = html.split("data-print")[1]  # after the actions, whose PDF link carries the guest's encoded key
    assert "TVA" not in html and "%" not in document and "33,17" not in html and "Total HT" not in html
    assert "499,00\xa0€" in html


def test_a_us_invoice_page_adds_the_sales_tax(client, marketplace):
    listing = offer(marketplace.us, price_minor=10000, merchant=MerchantFactory(country="US"))
    sub = ship(sell(marketplace, listing, market="us"))
    html = client.get(with_key(sub, f"{order_url(sub)}invoices/{Invoice.objects.get().pk}/")).content.decode()
    assert "Subtotal" in html and "$100.00" in html and "Sales tax US-NY-NYC 8.875%" in html
    assert "$8.88" in html and "$108.88" in html


def test_credit_notes_are_listed_and_shown(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    refund(sub)
    note = Invoice.objects.get(kind="credit_note")
    page = client.get(with_key(sub, order_url(sub))).content.decode()
    assert f"Avoir {note.number}" in page
    html = client.get(with_key(sub, f"{order_url(sub)}invoices/{note.pk}/")).content.decode()
    assert f"Rectifie la facture {Invoice.objects.get(kind='invoice').number}" in html and "-499,00\xa0€" in html


def test_a_customer_sees_only_their_orders_invoices(client, marketplace, fr_offer):
    mine, theirs = ship(sell(marketplace, fr_offer)), ship(sell(marketplace, fr_offer))
    other_invoice = Invoice.objects.get(suborder=theirs)
    assert client.get(f"{order_url(mine)}invoices/{other_invoice.pk}/").status_code == 404
    owner = UserFactory()
    mine.order.customer = owner
    mine.order.save()
    client.force_login(UserFactory())  # someone else, logged in
    assert client.get(f"{order_url(mine)}invoices/{Invoice.objects.get(suborder=mine).pk}/").status_code == 404


def test_the_sellers_upload_replaces_our_invoice_for_the_customer(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get()
    invoice_upload(actor=merchant_actor(sub.merchant), suborder_id=sub.pk, filename="mine.pdf", content=PDF)
    response = client.get(with_key(sub, f"{order_url(sub)}invoices/{invoice.pk}/"))
    assert (response["Content-Type"], response.content) == ("application/pdf", PDF)
    page = client.get(with_key(sub, order_url(sub))).content.decode()
    assert f"sellers-invoices/{sub.pk}.pdf" in page and invoice.number not in page
    assert client.get(with_key(sub, f"{order_url(sub)}sellers-invoices/{sub.pk}.pdf")).content == PDF


def test_the_merchant_sees_its_invoices_in_the_back_office_and_not_others(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get()
    staff = UserFactory(role=Role.MERCHANT, merchant=fr_offer.merchant)
    client.force_login(staff)
    page = client.get(f"/merchant/orders/{sub.pk}/").content.decode()
    assert f'href="/merchant/invoices/{invoice.pk}/"' in page
    html = client.get(f"/merchant/invoices/{invoice.pk}/").content.decode()
    assert invoice.number in html and "Facture" in html  # the document speaks the market's language
    rival = UserFactory(role=Role.MERCHANT, merchant=MerchantFactory())
    client.force_login(rival)
    assert client.get(f"/merchant/invoices/{invoice.pk}/").status_code == 404
    assert client.get(f"/merchant/orders/{sub.pk}/invoice.pdf").status_code == 404
