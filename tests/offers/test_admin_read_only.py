"""The admin shows listings, their terms and store stock, and changes none of them: listing writes go through
`listings_apply`, store stock through its movements."""

import pytest

from remarket.offers.models import Listing, ListingMarket, LocationStock

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, operator_user):
    client.force_login(operator_user)
    return client


def _change_form(listing: Listing, term: ListingMarket) -> dict:
    """What the change form of a listing would post, with a new price and quantity: a valid form, that the admin
    saved before it was read-only."""
    prefix = "terms"
    return {
        "sku": listing.sku,
        "merchant": listing.merchant_id,
        "variant": listing.variant_id,
        "grade": listing.grade,
        "quantity": 999,
        "warranty_months": listing.warranty_months,
        "vat_scheme": listing.vat_scheme,
        "updated_at_0": "2026-01-01",
        "updated_at_1": "12:00:00",
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-INITIAL_FORMS": 1,
        f"{prefix}-0-id": term.pk,
        f"{prefix}-0-listing": listing.pk,
        f"{prefix}-0-market": term.market_id,
        f"{prefix}-0-currency": term.currency,
        f"{prefix}-0-price_minor": 1,
        f"{prefix}-0-min_price_minor": "",
        f"{prefix}-0-score": term.score,
    }


def test_a_superusers_post_changes_no_listing_price_or_quantity(staff, offer):
    listing = offer.listing
    before = (listing.quantity, offer.price_minor, offer.min_price_minor)
    url = f"/admin/offers/listing/{listing.pk}/change/"
    assert staff.get(url).status_code == 200  # shown
    assert staff.post(url, _change_form(listing, offer)).status_code == 403
    listing.refresh_from_db()
    offer.refresh_from_db()
    assert (listing.quantity, offer.price_minor, offer.min_price_minor) == before


def test_no_listing_is_added_or_deleted_in_the_admin(staff, offer):
    assert staff.get("/admin/offers/listing/add/").status_code == 403
    assert staff.post(f"/admin/offers/listing/{offer.listing_id}/delete/", {"post": "yes"}).status_code == 403
    assert Listing.objects.filter(pk=offer.listing_id).exists()


def test_store_stock_is_shown_and_not_changed_in_the_admin(staff, marketplace, offer):
    stock = LocationStock.objects.create(location=marketplace.nyc, listing=offer.listing, available=3)
    url = f"/admin/offers/locationstock/{stock.pk}/change/"
    assert staff.get(url).status_code == 200
    form = {"location": stock.location_id, "listing": stock.listing_id, "available": 50}
    assert staff.post(url, form).status_code == 403
    assert staff.post("/admin/offers/locationstock/add/", form).status_code == 403
    stock.refresh_from_db()
    assert stock.available == 3 and LocationStock.objects.count() == 1
