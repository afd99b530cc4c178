import pytest

from remarket.offers.models import ListingMarket

from ..conftest import build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, VariantFactory

pytestmark = pytest.mark.e2e


def test_a_customer_opens_the_other_offers_and_picks_one(server, page):
    mp = build_marketplace()
    variant = VariantFactory()
    best, other = (
        ListingMarketFactory(
            market=mp.fr,
            price_minor=price,
            min_price_minor=None,
            score=score,
            listing=ListingFactory(variant=variant, merchant=MerchantFactory(name=name)),
        )
        for price, score, name in ((52000, 9.0, "Atelier Best"), (48000, 7.0, "Atelier Other"))
    )
    assert ListingMarket.objects.count() == 2

    page.goto(f"{server}/fr/p/{variant.model.slug}/")
    section = page.locator('[data-grade="EXCELLENT"]')
    assert "Atelier Best" in section.inner_text() and "Atelier Other" not in page.content()
    section.locator("summary").click()  # htmx loads the rows when the list opens
    page.wait_for_selector(f'[data-offer="{other.listing_id}"]')
    assert "480,00" in section.inner_text()
    page.click(f'[data-offer="{other.listing_id}"] button')
    assert page.url.endswith("/fr/cart/")
    assert "Atelier Other" in page.inner_text("main") and "Atelier Best" not in page.inner_text("main")
