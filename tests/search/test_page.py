"""The storefront's search page: facets as links with counts, pages, sorts, 400 on bad parameters, few queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.offers.models import ListingMarket
from remarket.search.services import search_index_refresh
from remarket.web.storefront import search_views

pytestmark = pytest.mark.django_db


def hits(response) -> list[str]:
    return re.findall(r'data-hit="([^"]+)"', response.content.decode())


def facet_links(response, facet: str) -> list[tuple[str, str, str]]:
    """(href, label, count) of each value of a facet, as rendered."""
    html = response.content.decode()
    section = re.search(rf'data-facet="{facet}">(.*?)</section>', html, re.S)[1]
    return [
        (href.replace("&amp;", "&"), label, count)
        for href, label, count in re.findall(
            r'<a href="([^"]+)"[^>]*><span>([^<]+)</span><span class="n">(\d+)</span>', section
        )
    ]


def test_the_page_lists_hits_and_facets_as_links_with_counts(client, shop):
    response = client.get("/fr/search/", {"q": "iphone"})
    assert response.status_code == 200
    assert hits(response) == ["iphone-13", "iphone-13-pro"]
    assert 'data-total="2"' in response.content.decode()
    assert facet_links(response, "brand") == [("?q=iphone&brand=Apple", "Apple", "2")]
    assert facet_links(response, "grade") == [  # the French site speaks French
        ("?q=iphone&grade=PREMIUM", "Premium", "1"),
        ("?q=iphone&grade=EXCELLENT", "Parfait état", "2"),
        ("?q=iphone&grade=GOOD", "Bon état", "1"),
        ("?q=iphone&grade=FAIR", "État correct", "1"),
    ]
    assert facet_links(response, "category") == [
        ("?q=iphone&category=phones", "Phones", "2"),
        ("?q=iphone&category=smartphones", "Smartphones", "2"),
    ]
    assert facet_links(response, "storage") == [
        ("?q=iphone&storage=128", "128 GB", "2"),
        ("?q=iphone&storage=256", "256 GB", "2"),
    ]
    assert [(h, c) for h, _, c in facet_links(response, "price")] == [
        ("?q=iphone&min=300.00&max=499.99", "1"),
        ("?q=iphone&min=500.00&max=749.99", "1"),
        ("?q=iphone&min=750.00&max=999.99", "1"),
    ]
    assert 'href="/fr/p/iphone-13/"' in response.content.decode()


def test_a_selected_value_links_back_to_the_search_without_it(client, shop):
    response = client.get("/fr/search/?q=iphone&brand=Apple&grade=GOOD")
    assert hits(response) == ["iphone-13"]
    assert facet_links(response, "brand") == [("?q=iphone&grade=GOOD", "Apple", "1")]
    assert 'aria-current="true"><span>Apple</span>' in response.content.decode()
    assert [h for h, _, _ in facet_links(response, "grade")] == [
        "?q=iphone&brand=Apple&grade=GOOD&grade=PREMIUM",
        "?q=iphone&brand=Apple&grade=GOOD&grade=EXCELLENT",
        "?q=iphone&brand=Apple",
        "?q=iphone&brand=Apple&grade=GOOD&grade=FAIR",
    ]
    assert '<a href="?q=iphone">' in response.content.decode()  # clear the filters, keep the words


def test_pages_and_sorts_are_links_that_keep_the_search(client, shop, monkeypatch):
    monkeypatch.setattr(search_views, "PAGE_SIZE", 2)
    first = client.get("/fr/search/?sort=price_asc")
    html = first.content.decode()
    assert hits(first) == ["galaxy-tab-s9", "galaxy-s23"]
    assert 'href="?sort=price_asc&amp;page=2" rel="next"' in html and 'rel="prev"' not in html
    last = client.get("/fr/search/?sort=price_asc&page=3")
    assert hits(last) == ["macbook-air-13-m2"]
    assert 'href="?sort=price_asc&amp;page=2" rel="prev"' in last.content.decode()
    assert '<a href="?sort=newest" rel="nofollow">' in html
    beyond = client.get("/fr/search/?page=9")
    assert beyond.status_code == 200 and hits(beyond) == []


@pytest.mark.parametrize(
    "query, count",
    [
        # the markets (kept a minute), index version, categories, the facets with the total and the hits with their
        # models (one statement)
        ("q=galaxy&grade=GOOD&sort=price_asc", 4),
        ("category=phones&brand=Apple&storage=128&colour=Blue&min=100&max=900&page=1", 4),
        ("q=iphone&model=iphone-13", 5),  # + the models the filter names
        ("q=zzqxj", 5),  # nothing found: + the vocabulary for a correction, which finds nothing to retry
        ("q=iphnoe", 6),  # + the vocabulary, the facets and hits again for the corrected words
    ],
)
def test_the_search_page_costs_a_fixed_number_of_queries_and_writes_nothing(client, shop, query, count):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/fr/search/?{query}")
    assert response.status_code == 200
    assert len(ctx.captured_queries) == count
    assert not [q for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    assert "sessionid" not in response.cookies
    with CaptureQueriesContext(connection) as again:
        assert client.get(f"/fr/search/?{query}").content == response.content
    assert len(again.captured_queries) == 1  # the index version: the market and the results are cached


def test_a_refresh_shows_at_once_in_cached_results(client, shop):
    assert 'data-hit="galaxy-tab-s9"' in client.get("/fr/search/?q=galaxy").content.decode()
    ListingMarket.objects.filter(pk=shop.offers["tab-good"].pk).update(published=False)
    assert 'data-hit="galaxy-tab-s9"' in client.get("/fr/search/?q=galaxy").content.decode()  # not refreshed yet
    search_index_refresh(variant_ids=[shop.offers["tab-good"].listing.variant_id])
    assert hits(client.get("/fr/search/?q=galaxy")) == ["galaxy-s23"]


def test_nothing_found_and_typos(client, shop):
    none = client.get("/fr/search/?q=zzqxj")
    assert none.status_code == 200 and hits(none) == []
    assert "Aucun produit ne correspond à cette recherche" in none.content.decode()  # the French site, in French
    typo = client.get("/fr/search/?q=iphnoe")
    assert hits(typo) == ["iphone-13", "iphone-13-pro"]
    assert "résultats pour « iphone »" in typo.content.decode()


@pytest.mark.parametrize("q", ["", "!!!", "%27%3B--", "%00"])
def test_empty_or_junk_queries_show_everything(client, shop, q):
    response = client.get(f"/fr/search/?q={q}")
    assert response.status_code == 200 and len(hits(response)) == 5


@pytest.mark.parametrize(
    "query, code",
    [
        ("sort=cheapest", "SEARCH_SORT_UNKNOWN"),
        ("page=0", "SEARCH_PAGE_INVALID"),
        ("page=two", "SEARCH_PAGE_INVALID"),
        ("page=99999999999999999999", "SEARCH_PAGE_INVALID"),
        ("min=-5", "SEARCH_PRICE_INVALID"),
        ("max=lots", "SEARCH_PRICE_INVALID"),
        ("min=NaN", "SEARCH_PRICE_INVALID"),
        ("min=500&max=100", "SEARCH_PRICE_RANGE"),
        ("grade=STALLONE", "SEARCH_GRADE_UNKNOWN"),
        ("grade=3", "SEARCH_GRADE_UNKNOWN"),
        ("storage=128GB", "SEARCH_STORAGE_INVALID"),
        ("storage=0", "SEARCH_STORAGE_INVALID"),
        ("category=toasters", "SEARCH_CATEGORY_UNKNOWN"),
        ("model=iphone-99", "SEARCH_MODEL_UNKNOWN"),
        ("colour=%00Blue", "SEARCH_FILTER_INVALID"),
        ("brand=" + "x" * 61, "SEARCH_FILTER_INVALID"),
        ("q=" + "iphone+" * 40, "SEARCH_QUERY_TOO_LONG"),
        ("q=a&q=b", "SEARCH_PARAM_REPEATED"),
    ],
)
def test_bad_parameters_get_a_400_that_says_why(client, shop, query, code):
    response = client.get(f"/fr/search/?{query}")
    assert response.status_code == 400
    assert f'data-code="{code}"' in response.content.decode()


def test_unknown_market_is_404(client, shop):
    assert client.get("/xx/search/?q=iphone").status_code == 404
    assert client.get("/FR/search/?q=iphone").status_code == 404


def test_every_storefront_page_has_the_search_box(client, shop):
    html = client.get("/fr/").content.decode()
    assert 'action="/fr/search/"' in html and 'name="q"' in html
