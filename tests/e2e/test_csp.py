"""Under the Content-Security-Policy, in Chromium: nothing is blocked, the API docs draw offline from our own
files, and the product page's variant picker (a data-autosubmit behaviour) still works."""

import pytest

from ..conftest import build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, VariantFactory

pytestmark = pytest.mark.e2e


def test_nothing_is_blocked_and_the_docs_draw(server, page):
    mp = build_marketplace()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=3))
    other = VariantFactory(model=offer.listing.variant.model, storage_gb=512)
    ListingMarketFactory(market=mp.fr, listing=ListingFactory(variant=other, quantity=2))
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{server}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    slug = offer.listing.variant.model.slug
    page.goto(f"{server}/fr/p/{slug}/")
    page.select_option('select[name="variant"]', str(other.pk))
    page.wait_for_url(f"**/fr/p/{slug}/?variant={other.pk}")
    page.goto(f"{server}/fr/")
    assert blocked == []
