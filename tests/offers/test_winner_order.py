"""One winner order (offers/best.py `winner_key`), whoever reads the backbox: the product page, the product API,
the merchant's `/ws/` backbox and `/api/v1` competition, the back office standings and the repricer. The tie
case: two offers of equal score, 110.00 with free shipping (the older listing) and 100.00 + 10.00 shipping."""

import pytest

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.merchants.models import Merchant
from remarket.offers.best import competition_for, standings_for_terms, winner_key
from remarket.offers.models import ListingMarket
from remarket.offers.repricer import repricer_run
from remarket.offers.selectors import best_offers, offers_of_grade, product_page, product_view
from remarket.offers.services import ListingRow, ShippingRow, listings_apply

from ..factories import MerchantFactory, UserFactory, VariantFactory
from ..ws.conftest import seller_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tie(marketplace):
    variant = VariantFactory()
    older, newer = MerchantFactory(quality_score=100), MerchantFactory(quality_score=100)
    listings_apply(
        merchant=older,
        rows=[
            ListingRow(
                sku="FREE",
                market="FR",
                price="110",
                min_price="50",
                quantity=2,
                variant_id=variant.pk,
                grade="GOOD",
                shipping=[ShippingRow("Colissimo", "0", 2)],
            )
        ],
    )
    listings_apply(
        merchant=newer,
        rows=[
            ListingRow(
                sku="PAID",
                market="FR",
                price="100",
                min_price="50",
                quantity=2,
                variant_id=variant.pk,
                grade="GOOD",
                shipping=[ShippingRow("Colissimo", "10", 2)],
            )
        ],
    )
    free, paid = (ListingMarket.objects.get(listing__sku=sku) for sku in ("FREE", "PAID"))
    assert free.score == pytest.approx(paid.score) and free.listing_id < paid.listing_id
    ListingMarket.objects.filter(pk__in=[free.pk, paid.pk]).update(score=free.score)  # exactly equal
    return variant, free, paid


def test_the_winner_key_orders_by_score_then_price_with_shipping_then_age():
    a = winner_key(score=2.0, price_minor=200, shipping_minor=0, listing_id=9)
    b = winner_key(score=1.0, price_minor=100, shipping_minor=0, listing_id=1)
    c = winner_key(score=1.0, price_minor=90, shipping_minor=20, listing_id=2)
    d = winner_key(score=1.0, price_minor=100, shipping_minor=10, listing_id=3)
    assert sorted([d, c, b, a]) == [a, b, c, d]


def test_every_reader_names_the_same_winner_in_a_tie(client, tie, marketplace):
    variant, free, paid = tie
    slug = variant.model.slug
    [grade] = [
        g for g in product_page(slug=slug, market=marketplace.fr, variant_id=variant.pk).grades if g.grade == "GOOD"
    ]
    assert grade.best.listing_id == free.listing_id
    assert [
        o.listing_id for o in offers_of_grade(slug=slug, market=marketplace.fr, variant_id=variant.pk, grade="GOOD")
    ] == [free.listing_id, paid.listing_id]
    view = product_view(slug=slug, market=marketplace.fr, variant_id=variant.pk)
    assert best_offers(view.offers)[(variant.pk, "GOOD")].listing_id == free.listing_id
    for term in (free, paid):
        standing = competition_for(listing_id=term.listing_id, market_id=marketplace.fr.pk)
        assert standing.is_winning == (term is free)
        assert [c.listing_public_id for c in standing.competitors if c.is_winning] == [str(free.listing.public_id)]
    terms = list(ListingMarket.objects.select_related("listing__merchant").filter(pk__in=[free.pk, paid.pk]))
    assert {t.pk: won for t, (won, _) in zip(terms, [standings_for_terms(terms)[t.pk] for t in terms])} == {
        free.pk: True,
        paid.pk: False,
    }

    # over HTTP: the page's best card, the merchant's /ws/ backbox and /api/v1 competition
    html = client.get(f"/fr/p/{slug}/?variant={variant.pk}").content.decode()
    card = html[html.index('data-grade="GOOD"') :]
    assert "110" in card[: card.index("</section>")] and "100,00" not in card[: card.index("</section>")]
    ws = seller_for(paid.listing.merchant).get(f"/ws/backbox/v1/competitors/{paid.listing.public_id}").json()
    assert [item["is_winning"] for item in ws] == [False]
    user = UserFactory(role=Role.MERCHANT, merchant=paid.listing.merchant)
    api = client.get(
        f"/api/v1/merchant/listings/{paid.listing_id}/competition?market=FR",
        HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user, name='t')[1]}",
    ).json()
    assert api["is_winning"] is False


def test_the_repricer_moves_the_offer_customers_do_not_see_as_best(tie):
    _, free, paid = tie
    ListingMarket.objects.filter(pk__in=[free.pk, paid.pk]).update(auto_reprice=True)
    repricer_run()
    free.refresh_from_db()
    paid.refresh_from_db()
    assert free.price_minor == 11000  # the winner customers see keeps its price
    assert paid.price_minor < 10000  # the other one goes below to win


def test_a_suspended_merchants_offer_is_on_sale_nowhere(client, marketplace):
    """One filter of sellable offers (ListingMarket.objects.on_sale): the home page's "from" price used to count
    a suspended merchant's offer that the product page did not."""
    variant = VariantFactory()
    live, suspended = MerchantFactory(status="active"), MerchantFactory(status="active")
    for merchant, sku, price in ((live, "LIVE", "300"), (suspended, "GONE", "200")):
        listings_apply(
            merchant=merchant,
            rows=[ListingRow(sku=sku, market="FR", price=price, quantity=1, variant_id=variant.pk, grade="GOOD")],
        )
    Merchant.objects.filter(pk=suspended.pk).update(status="suspended")  # the quality review's sanction
    assert list(ListingMarket.objects.on_sale().values_list("listing__sku", flat=True)) == ["LIVE"]
    home = client.get("/fr/").content.decode()
    assert "300,00" in home and "200,00" not in home
    [grade] = [g for g in product_page(slug=variant.model.slug, market=marketplace.fr).grades if g.grade == "GOOD"]
    assert grade.best.sku == "LIVE" and grade.others == 0
