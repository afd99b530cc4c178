import pytest

from remarket.offers.best import competition_for, delivery_factor, offer_score, price_to_win
from remarket.offers.models import ListingMarket
from remarket.offers.selectors import product_page
from remarket.offers.services import ListingRow, ShippingRow, listings_apply

from ..factories import MerchantFactory, VariantFactory


def test_score_rewards_quality_and_fast_delivery():
    assert offer_score(quality=100, price_minor=10000) == pytest.approx(100.0)
    assert offer_score(quality=50, price_minor=10000) == pytest.approx(25.0)  # quality counts squared
    assert delivery_factor(2) == 1.0 and delivery_factor(5) == pytest.approx(0.91) and delivery_factor(40) == 0.7
    assert offer_score(quality=100, price_minor=9000, shipping_minor=1000, delay_days=3) == pytest.approx(97.0)


def test_price_to_win_is_the_highest_price_that_beats_the_winner():
    winner = offer_score(quality=100, price_minor=40000)
    price = price_to_win(quality=90, shipping_minor=0, delay_days=None, winner_score=winner)
    assert offer_score(quality=90, price_minor=price) > winner
    assert offer_score(quality=90, price_minor=price + 1) <= winner
    assert price == 32399


@pytest.mark.django_db
def test_a_better_seller_wins_at_a_slightly_higher_price_and_the_page_explains_it(client, marketplace):
    variant = VariantFactory()
    good, sloppy = MerchantFactory(quality_score=100), MerchantFactory(quality_score=60)
    listings_apply(
        merchant=good,
        rows=[
            ListingRow(
                sku="G",
                market="FR",
                price="420",
                quantity=2,
                variant_id=variant.pk,
                grade="GOOD",
                shipping=[ShippingRow("Colissimo", "0", 2)],
            )
        ],
    )
    listings_apply(
        merchant=sloppy,
        rows=[ListingRow(sku="S", market="FR", price="400", quantity=2, variant_id=variant.pk, grade="GOOD")],
    )
    page = product_page(slug=variant.model.slug, market=marketplace.fr, variant_id=variant.pk)
    [good_grade] = [g for g in page.grades if g.grade == "GOOD"]
    assert good_grade.best.merchant_name == good.name and good_grade.others == 1
    html = client.get(f"/fr/p/{variant.model.slug}/").content.decode()
    assert "qualité vendeur 100/100" in html or "seller quality 100/100" in html

    sloppy_term = ListingMarket.objects.get(listing__sku="S")
    standing = competition_for(listing_id=sloppy_term.listing_id, market_id=marketplace.fr.pk)
    assert not standing.is_winning and standing.winner_price_minor == 42000
    assert standing.price_to_win_minor == 15119  # 0.6² × 10⁶ / score(420 €) − 1 cent
    assert [c.is_winning for c in standing.competitors] == [True, False]


@pytest.mark.django_db
def test_scores_follow_price_changes_in_listings_apply(marketplace):
    variant = VariantFactory()
    merchant = MerchantFactory()
    listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku="A", market="FR", price="100", quantity=1, variant_id=variant.pk, grade="FAIR")],
    )
    assert ListingMarket.objects.get().score == pytest.approx(100.0)
    listings_apply(merchant=merchant, rows=[ListingRow(sku="A", market="FR", price="50")])
    assert ListingMarket.objects.get().score == pytest.approx(200.0)


@pytest.mark.parametrize(
    "price, low, to_win, target",
    [
        (40000, 35000, 38000, 38000),
        (40000, 39000, 38000, 39000),
        (40000, None, 41000, None),
        (40000, 40000, 30000, None),
    ],
)
def test_reprice_target_moves_down_to_the_price_to_win_never_below_min(price, low, to_win, target):
    from remarket.offers.repricer import reprice_target

    assert reprice_target(price_minor=price, min_price_minor=low, price_to_win_minor=to_win) == target


@pytest.mark.django_db
def test_the_repricer_moves_only_opted_in_listings(marketplace):
    from remarket.offers.repricer import repricer_run

    variant = VariantFactory()
    a, b, c = MerchantFactory(), MerchantFactory(), MerchantFactory()
    listings_apply(
        merchant=a,
        rows=[ListingRow(sku="A", market="FR", price="300", quantity=1, variant_id=variant.pk, grade="GOOD")],
    )
    listings_apply(
        merchant=b,
        rows=[
            ListingRow(
                sku="B",
                market="FR",
                price="320",
                min_price="290",
                quantity=1,
                variant_id=variant.pk,
                grade="GOOD",
                auto_reprice=True,
            )
        ],
    )
    listings_apply(
        merchant=c,
        rows=[ListingRow(sku="C", market="FR", price="330", quantity=1, variant_id=variant.pk, grade="GOOD")],
    )
    assert repricer_run() == 1
    prices = dict(ListingMarket.objects.values_list("listing__sku", "price_minor"))
    assert prices == {"A": 30000, "B": 29999, "C": 33000}
    assert repricer_run() == 0  # B now wins: nothing more to do
