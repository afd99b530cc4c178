"""The storefront's product page: each grade's best offer with why it wins, and the other offers on demand."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.merchants.models import Merchant

from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _offer(market, variant, *, price, score, grade="EXCELLENT", merchant=None, **listing):
    return ListingMarketFactory(
        market=market,
        price_minor=price,
        min_price_minor=None,
        score=score,
        listing=ListingFactory(variant=variant, grade=grade, merchant=merchant or MerchantFactory(), **listing),
    )


@pytest.fixture
def offers(marketplace):
    """Three excellent offers of one variant (scores 9, 7, 5), one good one, and offers that may not be shown."""
    variant = VariantFactory()
    best = _offer(marketplace.fr, variant, price=52000, score=9.0)
    second = _offer(marketplace.fr, variant, price=48000, score=7.0)
    third = _offer(marketplace.fr, variant, price=50000, score=5.0)
    good = _offer(marketplace.fr, variant, price=41000, score=8.0, grade="GOOD")
    _offer(marketplace.fr, variant, price=30000, score=99.0, quantity=0)  # sold out
    _offer(marketplace.fr, variant, price=30000, score=99.0, merchant=MerchantFactory(status=Merchant.Status.SUSPENDED))
    _offer(marketplace.us, variant, price=30000, score=99.0)  # another market
    return variant, best, second, third, good


def test_each_grade_shows_its_winner_why_and_how_many_it_beats(client, offers):
    variant, best, second, third, good = offers
    html = client.get(f"/fr/p/{variant.model.slug}/").content.decode()
    excellent = re.search(r'data-grade="EXCELLENT">(.*?)</section>', html, re.S).group(1)
    assert f'data-add="{best.listing_id}"' in excellent and "520,00" in excellent
    assert best.listing.merchant.name in excellent and "2 autres offres" in excellent
    assert "elle devance 2 autres vendeurs" in excellent
    # the others are listed when the visitor opens them, not on every page
    assert second.listing.merchant.name not in html and third.listing.merchant.name not in html
    assert f'hx-get="/fr/p/{variant.model.slug}/offers/?variant={variant.pk}&amp;grade=EXCELLENT"' in excellent
    good_section = re.search(r'data-grade="GOOD">(.*?)</section>', html, re.S).group(1)
    assert f'data-add="{good.listing_id}"' in good_section and "<details" not in good_section
    assert "Aucune offre dans cet état" in re.search(r'data-grade="FAIR">(.*?)</section>', html, re.S).group(1)
    assert re.search(rf'<option value="{variant.pk}" selected>[^<]*dès 410,00', html)


def test_the_other_offers_load_best_first_without_the_winner(client, offers):
    variant, best, second, third, _ = offers
    url = f"/fr/p/{variant.model.slug}/offers/?variant={variant.pk}&grade=EXCELLENT"
    with CaptureQueriesContext(connection) as queries:
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert len(queries) <= 3  # the market, the variant, its offers in the grade
    assert "<html" not in fragment and "<form" not in fragment  # rows for the page's own form
    assert re.findall(r'data-offer="(\d+)"', fragment) == [str(second.listing_id), str(third.listing_id)]
    assert "480,00" in fragment and "500,00" in fragment

    page = client.get(url).content.decode()  # without JavaScript: a page of their own, with its form
    assert "<html" in page and 'name="csrfmiddlewaretoken"' in page
    assert re.findall(r'data-offer="(\d+)"', page) == [str(second.listing_id), str(third.listing_id)]
    assert "sessionid" not in client.cookies


def test_the_other_offers_are_those_of_the_product_asked_for(client, offers, marketplace):
    variant, *_ = offers
    stranger = VariantFactory()
    _offer(marketplace.fr, stranger, price=45000, score=1.0)
    fragment = client.get(
        f"/fr/p/{variant.model.slug}/offers/?variant={stranger.pk}&grade=EXCELLENT", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "data-offer" not in fragment
    for query in ("variant=x&grade=EXCELLENT", f"variant={variant.pk}&grade=STALLONE", f"variant={variant.pk}"):
        assert client.get(f"/fr/p/{variant.model.slug}/offers/?{query}").status_code == 404


def test_a_variant_is_chosen_by_the_picker_and_sold_out_variants_say_so(client, offers, marketplace):
    variant, *_ = offers
    other = VariantFactory(model=variant.model, storage_gb=512)
    cheap = _offer(marketplace.fr, other, price=60000, score=3.0, grade="FAIR")
    empty = VariantFactory(model=variant.model, storage_gb=1024)
    html = client.get(f"/fr/p/{variant.model.slug}/?variant={other.pk}").content.decode()
    assert f'data-add="{cheap.listing_id}"' in html and f'<option value="{other.pk}" selected>' in html
    assert re.search(rf'<option value="{empty.pk}">[^<]*épuisé', html)
    html = client.get(f"/fr/p/{variant.model.slug}/?variant={empty.pk}").content.decode()
    assert "Aucune offre dans cet état" in html and "data-add" not in html
