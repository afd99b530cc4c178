"""The back office writes listings through listings_apply: one offer's terms, or a CSV file as a feed task."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from remarket.events.outbox import drain
from remarket.offers.models import FeedTask, Listing, ListingMarket

pytestmark = pytest.mark.django_db


def test_the_merchant_edits_an_offer_including_its_vat_scheme(client, merchant_user, offer):
    client.force_login(merchant_user)
    page = client.get("/merchant/listings/")
    assert f'data-terms="{offer.pk}"' in page.content.decode() and 'value="499.00"' in page.content.decode()
    url = f"/merchant/listings/terms/{offer.pk}/"
    refused = client.post(
        url, {"price": "480.00", "quantity": "3", "published": "on", "vat_scheme": "margin"}, follow=True
    )
    assert "OFFER_PURCHASE_PRICE_REQUIRED" in refused.content.decode()
    assert (ListingMarket.objects.get(pk=offer.pk).price_minor, Listing.objects.get().vat_scheme) == (49900, "standard")
    client.post(
        url,
        {
            "price": "480.00",
            "quantity": "3",
            "published": "on",
            "vat_scheme": "margin",
            "purchase_price": "300.00",
            "next": "https://elsewhere.example/",
        },
    )
    terms = ListingMarket.objects.select_related("listing").get(pk=offer.pk)
    assert (
        terms.price_minor,
        terms.listing.quantity,
        terms.listing.vat_scheme,
        terms.listing.purchase_price_minor,
    ) == (48000, 3, "margin", 30000)


def test_another_merchants_offer_cannot_be_edited(client, other_merchant_user, offer):
    client.force_login(other_merchant_user)
    assert client.post(f"/merchant/listings/terms/{offer.pk}/", {"price": "1.00"}).status_code == 404
    assert ListingMarket.objects.get(pk=offer.pk).price_minor == 49900


def test_an_uploaded_file_becomes_a_task_with_per_row_results(client, merchant_user, offer, other_merchant_user):
    client.force_login(merchant_user)
    sku = offer.listing.sku
    csv = f"sku;price;quantity;vat_type;purchase_price\n{sku};470,00;4;MARGINAL;250\nNOPE;10;1;;\n".encode("latin-1")
    response = client.post("/merchant/listings/upload/", {"market": "FR", "file": SimpleUploadedFile("f.csv", csv)})
    task = FeedTask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/merchant/listings/uploads/{task.pk}/"
    assert 'data-status="pending"' in client.get(response["Location"]).content.decode()
    drain()  # the worker applies it
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "OFFER_SKU_UNKNOWN" in page
    listing = Listing.objects.get(pk=offer.listing_id)
    assert (listing.quantity, listing.vat_scheme, listing.purchase_price_minor) == (4, "margin", 25000)
    client.force_login(other_merchant_user)
    assert client.get(response["Location"]).status_code == 404


def test_an_empty_upload_is_refused_with_its_code(client, merchant_user, offer):
    client.force_login(merchant_user)
    page = client.post("/merchant/listings/upload/", {"market": "FR"}, follow=True)
    assert "FEED_FILE_REQUIRED" in page.content.decode() and not FeedTask.objects.exists()
