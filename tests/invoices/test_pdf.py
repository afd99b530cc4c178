"""Invoices and credit notes as real PDFs: parsed back with pypdf for the seller's legal identity, the legal
mentions of each scheme, the totals, in the market's language and a font that prints any name; the seller's
identity is set through its service (refusals change nothing) and kept as it was on the day of issue."""

import io

import pytest
from pypdf import PdfReader

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core.errors import DomainError, Forbidden
from remarket.invoices.models import Invoice, SellerIdentity
from remarket.invoices.pdf import invoice_pdf
from remarket.invoices.seller import seller_identity_set

from ..factories import MerchantFactory, UserFactory
from .conftest import merchant_actor, offer, refund, sell, ship
from .test_pages import order_url, with_key

pytestmark = pytest.mark.django_db
IDENTITY_FR = {
    "legal_name": "Réparations Éole SAS",
    "street": "12 rue de l’Église",
    "postal_code": "69002",
    "city": "Lyon",
    "country": "FR",
    "vat_number": "FR 32 123 456 789",
    "company_id": "SIREN 123 456 789",
}


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # wrapped lines read as one


def test_a_french_invoice_pdf_names_the_seller_and_its_taxes_in_french(marketplace, fr_offer):
    seller_identity_set(actor=merchant_actor(fr_offer.merchant), values=IDENTITY_FR)
    ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get()
    text = text_of(invoice_pdf(invoice=invoice))
    for expected in (
        f"Facture {invoice.number}",
        "Réparations Éole SAS",
        "12 rue de l’Église",
        "69002 Lyon",
        "Numéro d’identification intracommunautaire : FR32123456789",
        "Numéro d’entreprise : SIREN 123 456 789",
        "Victor Hugo",
        "75004 Paris",
        "Total HT",
        "415,83 €",
        "TVA 20 %",
        "83,17 €",
        "Total TTC",
        "499,00 €",
        "Prix TTC.",
    ):
        assert expected in text, expected
    assert "Régime particulier" not in text and "guichet unique" not in text


def test_a_margin_scheme_pdf_shows_no_vat_and_the_mention(marketplace):
    listing = offer(marketplace.fr, vat_scheme="margin", purchase_price_minor=30000, purchase_currency="EUR")
    ship(sell(marketplace, listing))
    text = text_of(invoice_pdf(invoice=Invoice.objects.get()))
    assert "Régime particulier – Biens d'occasion" in text and "499,00 €" in text
    assert "TVA" not in text and "%" not in text and "33,17" not in text


def test_a_us_invoice_pdf_adds_the_sales_tax_in_english(marketplace):
    merchant = MerchantFactory(country="US")
    seller_identity_set(
        actor=merchant_actor(merchant),
        values={
            "legal_name": "Bronx Refurb LLC",
            "street": "1 Fordham Plaza",
            "postal_code": "10458",
            "city": "New York",
            "region": "NY",
            "country": "US",
            "company_id": "EIN 12-3456789",
        },
    )
    sub = ship(sell(marketplace, offer(marketplace.us, price_minor=10000, merchant=merchant), market="us"))
    text = text_of(invoice_pdf(invoice=Invoice.objects.get(suborder=sub)))
    for expected in (
        "Invoice INV-",
        "Bronx Refurb LLC",
        "10458 New York, NY",
        "Company number: EIN 12-3456789",
        "Subtotal",
        "$100.00",
        "Sales tax US-NY-NYC 8.875%",
        "$8.88",
        "$108.88",
        "remarket collects it and remits it to the state as the marketplace facilitator",
    ):
        assert expected in text, expected
    assert "VAT" not in text


def test_a_distance_sale_names_the_country_of_delivery_and_the_one_stop_shop(marketplace):
    merchant = MerchantFactory(country="DE")
    seller_identity_set(
        actor=merchant_actor(merchant),
        values={
            "legal_name": "Łódź & Ørsted GmbH",
            "street": "Straße des 17. Juni 1",
            "postal_code": "10623",
            "city": "Berlin",
            "country": "DE",
            "vat_number": "DE123456789",
            "company_id": "HRB 12345",
        },
    )
    ship(sell(marketplace, offer(marketplace.fr, merchant=merchant)))
    text = text_of(invoice_pdf(invoice=Invoice.objects.get()))
    assert "Łódź & Ørsted GmbH" in text and "Straße des 17. Juni 1" in text  # the Unicode font prints them
    assert "TVA du pays de livraison (FR), déclarée via le guichet unique (OSS)." in text


def test_a_credit_note_pdf_corrects_its_invoice(marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    refund(sub)
    note = Invoice.objects.get(kind="credit_note")
    text = text_of(invoice_pdf(invoice=note))
    assert f"Avoir {note.number}" in text and "-499,00 €" in text
    assert f"Rectifie la facture {Invoice.objects.get(kind='invoice').number}" in text


def test_an_issued_invoice_keeps_the_identity_of_its_day(marketplace, fr_offer):
    actor = merchant_actor(fr_offer.merchant)
    seller_identity_set(actor=actor, values=IDENTITY_FR)
    ship(sell(marketplace, fr_offer))
    seller_identity_set(actor=actor, values={**IDENTITY_FR, "legal_name": "Nouveau Nom SAS"})
    text = text_of(invoice_pdf(invoice=Invoice.objects.get()))
    assert "Réparations Éole SAS" in text and "Nouveau Nom" not in text


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"vat_number": ""}, "INVOICE_SELLER_VAT_REQUIRED"),
        ({"vat_number": "DE123456789"}, "INVOICE_SELLER_VAT_INVALID"),
        ({"vat_number": "FR1"}, "INVOICE_SELLER_VAT_INVALID"),
        ({"street": " "}, "INVOICE_SELLER_INCOMPLETE"),
        ({"company_id": ""}, "INVOICE_SELLER_INCOMPLETE"),
        ({"country": "France"}, "INVOICE_SELLER_COUNTRY_INVALID"),
    ],
)
def test_a_wrong_identity_is_refused_and_changes_nothing(marketplace, fr_offer, change, code):
    actor = merchant_actor(fr_offer.merchant)
    seller_identity_set(actor=actor, values=IDENTITY_FR)
    with pytest.raises(DomainError) as err:
        seller_identity_set(actor=actor, values={**IDENTITY_FR, **change})
    assert err.value.code == code
    kept = SellerIdentity.objects.get()
    assert (kept.vat_number, kept.street, kept.company_id) == (
        "FR32123456789",
        "12 rue de l’Église",
        "SIREN 123 456 789",
    )


def test_only_the_merchant_or_the_operator_sets_its_identity(marketplace, fr_offer):
    other = MerchantFactory()
    with pytest.raises(Forbidden):
        seller_identity_set(actor=merchant_actor(other), values=IDENTITY_FR, merchant_id=fr_offer.merchant_id)
    customer = Actor.of(UserFactory(role=Role.CUSTOMER))
    with pytest.raises(Forbidden):
        seller_identity_set(actor=customer, values=IDENTITY_FR, merchant_id=fr_offer.merchant_id)
    assert not SellerIdentity.objects.exists()
    operator = Actor.of(UserFactory(role=Role.OPERATOR, is_staff=True))
    seller_identity_set(actor=operator, values=IDENTITY_FR, merchant_id=fr_offer.merchant_id)
    assert SellerIdentity.objects.get().merchant_id == fr_offer.merchant_id


def test_the_customer_and_the_merchant_download_the_pdf_and_nobody_else(client, marketplace, fr_offer):
    sub = ship(sell(marketplace, fr_offer))
    invoice = Invoice.objects.get()
    page_url = with_key(sub, f"{order_url(sub)}invoices/{invoice.pk}/")
    pdf_url = f"{order_url(sub)}invoices/{invoice.pk}.pdf?key="
    assert pdf_url in client.get(page_url).content.decode()
    assert f'data-invoice-pdf="{invoice.number}"' in client.get(with_key(sub, order_url(sub))).content.decode()
    response = client.get(with_key(sub, f"{order_url(sub)}invoices/{invoice.pk}.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"Facture {invoice.number}" in text_of(response.content)
    assert client.get(f"{order_url(sub)}invoices/{invoice.pk}.pdf").status_code == 404  # no key, no session
    staff = UserFactory(role=Role.MERCHANT, merchant=sub.merchant)
    client.force_login(staff)
    assert (
        f'href="/merchant/invoices/{invoice.pk}.pdf"'
        in client.get(f"/merchant/invoices/{invoice.pk}/").content.decode()
    )
    mine = client.get(f"/merchant/invoices/{invoice.pk}.pdf")
    assert mine.status_code == 200 and invoice.number in text_of(mine.content)
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=MerchantFactory()))
    assert client.get(f"/merchant/invoices/{invoice.pk}.pdf").status_code == 404


def test_the_merchant_sets_its_identity_in_the_back_office(client, marketplace, fr_offer):
    client.force_login(UserFactory(role=Role.MERCHANT, merchant=fr_offer.merchant))
    assert client.get("/merchant/identity/").status_code == 200
    refused = client.post("/merchant/identity/", {**IDENTITY_FR, "vat_number": "XX1"})
    assert refused.status_code == 400 and 'data-code="INVOICE_SELLER_VAT_INVALID"' in refused.content.decode()
    assert not SellerIdentity.objects.exists()
    saved = client.post("/merchant/identity/", IDENTITY_FR)
    assert saved.status_code == 302 and saved["Location"] == "/merchant/identity/"
    assert SellerIdentity.objects.get(merchant=fr_offer.merchant).vat_number == "FR32123456789"
    assert 'value="Réparations Éole SAS"' in client.get("/merchant/identity/").content.decode()
