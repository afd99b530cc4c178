"""The best offer from the merchant's side (/ws/backbox/v1/competitors, /ws/listings_bi) and the category tree."""

import pytest

from remarket.catalog.models import Category
from remarket.offers.models import Listing
from remarket.offers.services import ListingRow, listings_apply

from ..factories import CategoryFactory, MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def backbox(seller, rival, marketplace):
    """One variant in GOOD: the rival (quality 100) sells at 420 € and wins; the seller (quality 60) at 400 €,
    min 380 €, and also in the US where it is alone."""
    variant = VariantFactory()
    type(seller.merchant).objects.filter(pk=seller.merchant.pk).update(quality_score=60)
    seller.merchant.refresh_from_db()
    listings_apply(
        merchant=rival.merchant,
        rows=[ListingRow(sku="R", market="FR", price="420", quantity=2, variant_id=variant.pk, grade="GOOD")],
    )
    listings_apply(
        merchant=seller.merchant,
        rows=[
            ListingRow(
                sku="S", market="FR", price="400", min_price="380", quantity=2, variant_id=variant.pk, grade="GOOD"
            ),
            ListingRow(sku="S", market="US", price="459.99"),
        ],
    )
    return Listing.objects.get(sku="S")


def test_competitors_are_the_listing_in_each_of_its_markets_as_monetary_amounts(seller, backbox):
    items = seller.get(f"/ws/backbox/v1/competitors/{backbox.public_id}").json()
    common = {"listing_id": str(backbox.public_id), "product_id": str(backbox.variant.public_id)}
    assert items == [
        {
            **common,
            "market": "FR",
            "is_winning": False,
            "price": {"amount": "400.00", "currency": "EUR"},
            "min_price": {"amount": "380.00", "currency": "EUR"},
            "price_to_win": {"amount": "151.19", "currency": "EUR"},
            "winner_price": {"amount": "420.00", "currency": "EUR"},
        },
        {
            **common,
            "market": "US",
            "is_winning": True,
            "price": {"amount": "459.99", "currency": "USD"},
            "min_price": None,
            "price_to_win": {"amount": "459.99", "currency": "USD"},
            "winner_price": {"amount": "459.99", "currency": "USD"},
        },
    ]


def test_competitors_by_legacy_id_and_refusals(seller, rival, backbox):
    assert len(seller.get(f"/ws/backbox/v1/competitors/{backbox.pk}").json()) == 2
    mine_for_them = rival.get(f"/ws/backbox/v1/competitors/{backbox.public_id}")
    assert (mine_for_them.status_code, mine_for_them.json()["error"]["code"]) == (404, "OFFER_NOT_FOUND")
    junk = seller.get("/ws/backbox/v1/competitors/not-a-uuid")
    assert (junk.status_code, junk.json()["error"]["code"]) == (422, "WS_LISTING_ID_INVALID")
    assert seller.client.get(f"/ws/backbox/v1/competitors/{backbox.pk}").status_code == 401


def test_listings_bi_lists_the_online_listings_of_the_market_with_their_backbox(seller, rival, backbox):
    body = seller.get("/ws/listings_bi").json()
    assert body == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "product": backbox.variant_id,
                "sku": "S",
                "price": 400.0,
                "quantity": 2,
                "buybox": False,
                "price_for_buybox": 151.19,
                "currency": "EUR",
                "condition": 11,
                "same_merchant_winner": False,
                "current": 420.0,
            }
        ],
    }
    us = seller.get("/ws/listings_bi", HTTP_ACCEPT_LANGUAGE="en-us").json()["results"]
    assert [(r["sku"], r["buybox"], r["price_for_buybox"], r["currency"]) for r in us] == [("S", True, 459.99, "USD")]
    assert [r["same_merchant_winner"] for r in rival.get("/ws/listings_bi").json()["results"]] == [True]


def test_listings_bi_pages(seller, marketplace):
    variant = VariantFactory()
    listings_apply(
        merchant=seller.merchant,
        rows=[
            ListingRow(sku=f"P{i}", market="FR", price="100", quantity=1, variant_id=variant.pk, grade="FAIR")
            for i in range(3)
        ],
    )
    body = seller.get("/ws/listings_bi", {"page_size": 2, "page": 2}).json()
    assert (body["count"], [r["sku"] for r in body["results"]], body["next"]) == (3, ["P2"], None)
    assert body["previous"] == "http://testserver/ws/listings_bi?page_size=2&page=1"


# ---- category tree ----------------------------------------------------------------------------------------


@pytest.fixture
def tree(marketplace):
    phones = CategoryFactory(slug="phones", name="Phones")
    smart = CategoryFactory(slug="smartphones", name="Smartphones", parent=phones)
    old = CategoryFactory(slug="old-school", name="Old school", parent=phones)
    laptops = CategoryFactory(slug="laptops", name="Laptops")
    return phones, smart, old, laptops


def test_the_category_tree_nests_children_and_lists_attributes_on_leaves(seller, tree):
    phones, smart, old, laptops = tree
    body = seller.get("/ws/category/tree").json()
    assert [(c["category_id"], c["category_name"], c["is_leaf"]) for c in body] == [
        (laptops.pk, "Laptops", True),
        (phones.pk, "Phones", False),
    ]
    assert [(c["category_name"], c["is_leaf"], c["childrens"]) for c in body[1]["childrens"]] == [
        ("Old school", True, []),
        ("Smartphones", True, []),
    ]
    assert body[1]["attributes"] == [] and [a["field"] for a in body[0]["attributes"]] == ["storage", "color"]
    assert body[0]["marketplace_category_id"] == laptops.pk


def test_a_branch_starts_at_its_category(seller, tree):
    phones, smart, *_ = tree
    assert seller.get(f"/ws/category/tree/{smart.pk}").json()["category_name"] == "Smartphones"
    assert len(seller.get(f"/ws/category/tree/{phones.pk}").json()["childrens"]) == 2
    for missing in (999999, "abc"):
        response = seller.get(f"/ws/category/tree/{missing}")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "CATALOG_CATEGORY_NOT_FOUND")


def test_the_tree_is_the_same_for_every_merchant_and_read_in_one_query(seller, tree, django_assert_max_num_queries):
    other = MerchantFactory()
    assert other.pk and Category.objects.count() == 4
    with django_assert_max_num_queries(4):  # token, rate counter (shared by every process), market, categories
        assert seller.get("/ws/category/tree").status_code == 200
