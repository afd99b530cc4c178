import pytest

from remarket.core.errors import DomainError
from remarket.offers.models import Listing, ListingMarket
from remarket.offers.services import ListingRow, listings_apply

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(marketplace):
    return MerchantFactory()


def snapshot():
    return (
        sorted(Listing.objects.values_list("sku", "quantity", "grade")),
        sorted(ListingMarket.objects.values_list("listing__sku", "market__code", "price_minor", "min_price_minor")),
    )


def test_new_rows_create_listings_and_a_replay_changes_nothing(merchant):
    variant = VariantFactory()
    rows = [
        ListingRow(
            sku="IP13-128-EX",
            market="FR",
            price="389.00",
            min_price="350",
            quantity=4,
            variant_id=variant.pk,
            grade="EXCELLENT",
        ),
        ListingRow(sku="IP13-128-EX", market="US", price="419.99", quantity=4),
    ]
    result = listings_apply(merchant=merchant, rows=rows)
    assert (len(result.created), len(result.updated), result.errors) == (1, 0, [])  # per listing, not per row
    before = snapshot()
    assert before[1] == [("IP13-128-EX", "FR", 38900, 35000), ("IP13-128-EX", "US", 41999, None)]
    again = listings_apply(merchant=merchant, rows=rows)
    assert again.errors == [] and snapshot() == before


def test_skus_are_case_insensitive_per_merchant(merchant):
    variant = VariantFactory()
    listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku="abc-1", market="FR", price="10", quantity=1, variant_id=variant.pk, grade="GOOD")],
    )
    result = listings_apply(merchant=merchant, rows=[ListingRow(sku="ABC-1", market="FR", quantity=7)])
    assert result.errors == [] and Listing.objects.get().quantity == 7


@pytest.mark.parametrize(
    "row, code",
    [
        (dict(price="-5"), "MONEY_NEGATIVE"),
        (dict(price="abc"), "MONEY_INVALID"),
        (dict(price="100", min_price="150"), "OFFER_PRICE_BELOW_MIN"),
        (dict(grade="2"), "CATALOG_GRADE_NUMERIC"),
        (dict(grade="STALLONE"), "CATALOG_GRADE_STALLONE"),
        (dict(quantity="-1"), "OFFER_QUANTITY_NEGATIVE"),
        (dict(quantity="three"), "OFFER_QUANTITY_INVALID"),
        (dict(market="XX"), "OFFER_MARKET_UNKNOWN"),
        (dict(variant_id=999999), "OFFER_VARIANT_UNKNOWN"),
        (dict(warranty_months=6), "OFFER_WARRANTY_TOO_SHORT"),
        (dict(sku=""), "OFFER_SKU_INVALID"),
    ],
)
def test_invalid_rows_are_reported_and_change_nothing(merchant, row, code):
    variant = VariantFactory()
    good = ListingRow(sku="GOOD-1", market="FR", price="100", quantity=1, variant_id=variant.pk, grade="GOOD")
    listings_apply(merchant=merchant, rows=[good])
    before = snapshot()
    bad = ListingRow(
        **{**dict(sku="BAD-1", market="FR", price="100", quantity=1, variant_id=variant.pk, grade="GOOD"), **row}
    )
    result = listings_apply(merchant=merchant, rows=[bad])
    assert [(e.index, e.code) for e in result.errors] == [(0, code)]
    assert snapshot() == before


def test_valid_rows_apply_beside_invalid_ones(merchant):
    variant = VariantFactory()
    result = listings_apply(
        merchant=merchant,
        rows=[
            ListingRow(sku="A", market="FR", price="10", quantity=1, variant_id=variant.pk, grade="GOOD"),
            ListingRow(sku="B", market="FR", price="-10", quantity=1, variant_id=variant.pk, grade="GOOD"),
            ListingRow(sku="C", market="FR", price="12", quantity=2, variant_id=variant.pk, grade="FAIR"),
        ],
    )
    assert len(result.created) == 2 and [e.sku for e in result.errors] == ["B"]
    assert sorted(Listing.objects.values_list("sku", flat=True)) == ["A", "C"]


def test_a_suspended_merchant_cannot_publish(marketplace):
    merchant = MerchantFactory(status="suspended")
    with pytest.raises(DomainError) as err:
        listings_apply(merchant=merchant, rows=[ListingRow(sku="A", market="FR", price="10", quantity=1)])
    assert err.value.code == "MERCHANT_CANNOT_PUBLISH" and not Listing.objects.exists()


def test_the_margin_scheme_needs_a_purchase_price_below_the_selling_price(merchant):
    variant = VariantFactory()
    new = dict(market="FR", quantity=2, variant_id=variant.pk, grade="GOOD")
    result = listings_apply(
        merchant=merchant,
        rows=[
            ListingRow(sku="M-1", price="300.00", vat_scheme="MARGINAL", purchase_price="180.00", **new),
            ListingRow(sku="M-2", price="300.00", vat_scheme="margin", **new),
            ListingRow(sku="M-3", price="300.00", vat_scheme="margin", purchase_price="320.00", **new),
            ListingRow(sku="M-4", price="300.00", vat_scheme="zero", **new),
        ],
    )
    assert [(e.sku, e.code) for e in result.errors] == [
        ("M-2", "OFFER_PURCHASE_PRICE_REQUIRED"),
        ("M-3", "OFFER_MARGIN_NEGATIVE"),
        ("M-4", "OFFER_VAT_SCHEME_INVALID"),
    ]
    listing = Listing.objects.get()
    assert (listing.sku, listing.vat_scheme, listing.purchase_price_minor, listing.purchase_currency) == (
        "M-1",
        "margin",
        18000,
        "EUR",
    )
    cut = listings_apply(merchant=merchant, rows=[ListingRow(sku="M-1", market="FR", price="150.00")])
    assert [e.code for e in cut.errors] == ["OFFER_MARGIN_NEGATIVE"]  # a price cut below the purchase price
    assert ListingMarket.objects.get().price_minor == 30000
    back = listings_apply(merchant=merchant, rows=[ListingRow(sku="M-1", market="FR", vat_scheme="REGULAR")])
    assert back.errors == [] and Listing.objects.get().vat_scheme == "standard"
