"""products_search: hits, facet counts (disjunctive), sorting, pages, text matching, on SQLite and PostgreSQL."""

import pytest

from remarket.core.errors import DomainError
from remarket.search.query import Filters
from remarket.search.selectors import products_search

pytestmark = pytest.mark.django_db


def run(shop, q="", market="fr", **kw):
    return products_search(market=getattr(shop.mp, market), q=q, **kw)


def hits(result):
    return [(h.slug, h.price_minor) for h in result.hits]


def facet(result, name):
    return [(v.key, v.count) + (("selected",) if v.selected else ()) for v in result.facets[name]]


def test_browsing_everything_gives_one_hit_per_model_with_its_lowest_price_and_every_facet(shop):
    result = run(shop)
    assert result.total == 5 and result.pages == 1 and result.currency == "EUR"
    assert hits(result) == [
        ("iphone-13", 39000),
        ("iphone-13-pro", 60000),
        ("galaxy-s23", 35000),
        ("macbook-air-13-m2", 75000),
        ("galaxy-tab-s9", 19900),
    ]
    first = result.hits[0]
    assert (first.brand, first.name, first.category, first.offers) == ("Apple", "iPhone 13", "Smartphones", 5)
    assert first.grades == ("EXCELLENT", "GOOD", "FAIR") and first.storages == (128, 256)
    assert [(v.key, v.count, v.depth) for v in result.facets["category"]] == [
        ("laptops", 1, 0),
        ("phones", 3, 0),
        ("smartphones", 3, 1),
        ("tablets", 1, 0),
    ]
    assert facet(result, "brand") == [("Apple", 3), ("Samsung", 2)]
    assert facet(result, "model") == [
        ("iphone-13", 5),
        ("iphone-13-pro", 2),
        ("galaxy-s23", 2),
        ("macbook-air-13-m2", 2),
        ("galaxy-tab-s9", 1),
    ]
    assert facet(result, "grade") == [("PREMIUM", 1), ("EXCELLENT", 4), ("VERY_GOOD", 1), ("GOOD", 3), ("FAIR", 1)]
    assert facet(result, "storage") == [("128", 4), ("256", 4), ("512", 1)]
    assert facet(result, "colour") == [
        ("Graphite", 2),
        ("Midnight", 2),
        ("Blue", 1),
        ("Cream", 1),
        ("Phantom Black", 1),
        ("Silver", 1),
    ]
    assert facet(result, "price") == [("10000-20000", 1), ("30000-50000", 2), ("50000-75000", 2), ("75000-100000", 2)]
    assert [v.label for v in result.facets["storage"]] == ["128 GB", "256 GB", "512 GB"]


def test_facets_are_disjunctive_each_counts_with_every_other_filter(shop):
    result = run(shop, filters=Filters(brands=("Apple",), grades=("GOOD",)))
    assert hits(result) == [("iphone-13", 39000)]
    assert facet(result, "brand") == [("Samsung", 2), ("Apple", 1, "selected")]
    assert facet(result, "grade") == [
        ("PREMIUM", 1),
        ("EXCELLENT", 3),
        ("VERY_GOOD", 1),
        ("GOOD", 1, "selected"),
        ("FAIR", 1),
    ]
    assert facet(result, "storage") == [("128", 1)]
    assert facet(result, "category") == [("phones", 1), ("smartphones", 1)]
    assert facet(result, "model") == [("iphone-13", 1)]  # offers: the one GOOD Apple offer


def test_values_of_one_filter_add_up_and_filters_match_one_offer_row(shop):
    both = run(shop, filters=Filters(brands=("Apple", "Samsung"), storages=(512, 128)))
    assert [h.slug for h in both.hits] == [
        "iphone-13",
        "iphone-13-pro",
        "galaxy-s23",
        "macbook-air-13-m2",
        "galaxy-tab-s9",
    ]
    # iPhone 13 is FAIR only in 256 GB: FAIR and 128 GB together match no single offer
    assert run(shop, filters=Filters(grades=("FAIR",), storages=(128,))).total == 0
    assert hits(run(shop, filters=Filters(grades=("FAIR",), storages=(256,)))) == [("iphone-13", 41000)]


def test_a_selected_value_with_no_match_stays_listed_so_it_can_be_removed(shop):
    result = run(shop, filters=Filters(brands=("Google",)))
    assert result.total == 0 and result.hits == []
    assert facet(result, "brand") == [("Apple", 3), ("Samsung", 2), ("Google", 0, "selected")]


def test_price_range_filters_offers_and_the_hit_shows_the_lowest_price_in_range(shop):
    result = run(shop, filters=Filters(min_minor=40000, max_minor=50000))
    assert hits(result) == [("iphone-13", 41000)]
    assert facet(result, "price") == [("10000-20000", 1), ("30000-50000", 2), ("50000-75000", 2), ("75000-100000", 2)]
    bucket = run(shop, filters=Filters(min_minor=30000, max_minor=49999))
    assert hits(bucket) == [("iphone-13", 39000), ("galaxy-s23", 35000)]
    assert ("30000-50000", 2, "selected") in facet(bucket, "price")
    assert [v.label for v in bucket.facets["price"]][:2] == ["100,00\xa0€ – 200,00\xa0€", "300,00\xa0€ – 500,00\xa0€"]


def test_a_category_includes_its_subcategories(shop):
    result = run(shop, filters=Filters(categories=("phones",)))
    assert [h.slug for h in result.hits] == ["iphone-13", "iphone-13-pro", "galaxy-s23"]
    assert [(v.key, v.count, v.selected) for v in result.facets["category"]] == [
        ("laptops", 1, False),
        ("phones", 3, True),
        ("smartphones", 3, False),
        ("tablets", 1, False),
    ]
    assert facet(result, "brand") == [("Apple", 2), ("Samsung", 1)]


def test_model_and_colour_filters(shop):
    result = run(shop, filters=Filters(models=("iphone-13",), colours=("Midnight",)))
    assert hits(result) == [("iphone-13", 46000)]
    assert facet(result, "colour") == [("Blue", 1), ("Midnight", 1, "selected")]
    assert facet(result, "model")[:2] == [("iphone-13", 1, "selected"), ("macbook-air-13-m2", 1)]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("price_asc", ["galaxy-tab-s9", "galaxy-s23", "iphone-13", "iphone-13-pro", "macbook-air-13-m2"]),
        ("price_desc", ["macbook-air-13-m2", "iphone-13-pro", "iphone-13", "galaxy-s23", "galaxy-tab-s9"]),
        ("newest", ["galaxy-s23", "galaxy-tab-s9", "macbook-air-13-m2", "iphone-13", "iphone-13-pro"]),
        ("relevance", ["iphone-13", "iphone-13-pro", "galaxy-s23", "macbook-air-13-m2", "galaxy-tab-s9"]),
    ],
)
def test_sorts(shop, sort, expected):
    assert [h.slug for h in run(shop, sort=sort).hits] == expected


def test_pages(shop):
    pages = [run(shop, sort="price_asc", page=n, page_size=2) for n in (1, 2, 3, 4)]
    assert [[h.slug for h in p.hits] for p in pages] == [
        ["galaxy-tab-s9", "galaxy-s23"],
        ["iphone-13", "iphone-13-pro"],
        ["macbook-air-13-m2"],
        [],
    ]
    assert {(p.total, p.pages) for p in pages} == {(5, 3)}


@pytest.mark.parametrize(
    "q, expected",
    [
        ("iphone", ["iphone-13", "iphone-13-pro"]),
        ("IPHONE 13 pro", ["iphone-13-pro"]),
        ("iPhone13", ["iphone-13", "iphone-13-pro"]),
        ("iphone 13 128", ["iphone-13", "iphone-13-pro"]),
        ("galàxy", ["galaxy-s23", "galaxy-tab-s9"]),
        ("smartphone", ["iphone-13", "iphone-13-pro", "galaxy-s23"]),
        ("phones", ["iphone-13", "iphone-13-pro", "galaxy-s23"]),
        ("samsung 256gb", ["galaxy-s23"]),
        ("midnight", ["iphone-13", "macbook-air-13-m2"]),
        ("mac", ["macbook-air-13-m2"]),
        ("iphone reconditionné pas cher", ["iphone-13", "iphone-13-pro"]),
        ("pixel", []),  # sold in the US only
        ("iphone 12", []),  # no sellable offer
    ],
)
def test_text_matches_word_prefixes_in_name_category_and_configurations(shop, q, expected):
    assert sorted(h.slug for h in run(shop, q).hits) == sorted(expected)


def test_the_market_decides_what_is_found_and_its_currency(shop):
    result = run(shop, "pixel", market="us")
    assert hits(result) == [("pixel-7", 30000)] and result.currency == "USD"
    assert facet(result, "price") == [("30000-50000", 1)]


def test_text_and_facets_together(shop):
    result = run(shop, "galaxy", filters=Filters(categories=("tablets",)))
    assert hits(result) == [("galaxy-tab-s9", 19900)]
    assert [(v.key, v.count) for v in result.facets["category"]] == [("phones", 1), ("smartphones", 1), ("tablets", 1)]


@pytest.mark.parametrize("q", ["", "   ", "!!! ???", "—", "de la"])
def test_empty_or_junk_queries_browse_everything(shop, q):
    result = run(shop, q)
    assert result.total == 5 and result.tokens == () and result.corrected is None


def test_a_word_nothing_resembles_finds_nothing(shop):
    result = run(shop, "zzqxj")
    assert (result.total, result.hits, result.corrected) == (0, [], None)
    assert all(values == [] for values in result.facets.values())


@pytest.mark.parametrize(
    "q, corrected, expected",
    [
        ("iphnoe 13", "iphone 13", ["iphone-13", "iphone-13-pro"]),
        ("samsnug", "samsung", ["galaxy-s23", "galaxy-tab-s9"]),
        ("macbok air", "macbook air", ["macbook-air-13-m2"]),
    ],
)
def test_typos_are_corrected_when_nothing_matched(shop, q, corrected, expected):
    result = run(shop, q)
    assert result.corrected == corrected
    assert sorted(h.slug for h in result.hits) == expected


def test_unknown_category_model_sort_or_page_is_refused(shop):
    with pytest.raises(DomainError) as err:
        run(shop, filters=Filters(categories=("toasters",)))
    assert err.value.code == "SEARCH_CATEGORY_UNKNOWN"
    with pytest.raises(DomainError) as err:
        run(shop, filters=Filters(models=("iphone-99",)))
    assert err.value.code == "SEARCH_MODEL_UNKNOWN"
    with pytest.raises(DomainError) as err:
        run(shop, sort="cheapest")
    assert err.value.code == "SEARCH_SORT_UNKNOWN"
    with pytest.raises(DomainError) as err:
        run(shop, page=0)
    assert err.value.code == "SEARCH_PAGE_INVALID"


@pytest.mark.parametrize("q", ["", "iphone", "galaxy", "apple 13", "zzqxj"])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(categories=("phones",)),
        Filters(brands=("Samsung",)),
        Filters(models=("iphone-13",)),
        Filters(categories=("smartphones", "tablets"), brands=("Apple", "Samsung")),
        Filters(grades=("GOOD",)),
        Filters(brands=("Apple",), storages=(128,)),
        Filters(min_minor=30000, max_minor=49999),
        Filters(grades=("EXCELLENT",), colours=("Blue", "Midnight")),
        Filters(categories=("phones",), grades=("FAIR",)),
    ],
)
def test_the_per_model_rows_answer_exactly_as_the_offer_rows(shop, q, filters):
    """A set with no grade, storage, colour or price condition is read one row per model; the answers must be
    those of the per-offer rows it summarises, facet for facet and hit for hit, in every order."""
    from remarket.catalog.models import Category, ProductModel
    from remarket.search.query import price_edges
    from remarket.search.sql import SearchSQL, fetch
    from remarket.search.text import query_tokens

    categories = list(Category.objects.filter(slug__in=filters.categories).values_list("pk", flat=True))
    if "phones" in filters.categories:
        categories.append(shop.categories["smartphones"].pk)
    models = sorted(ProductModel.objects.filter(slug__in=filters.models).values_list("pk", flat=True))
    args = (shop.mp.fr, query_tokens(q), filters, sorted(categories), models, price_edges("EUR"))
    by_model, by_offer = SearchSQL(*args, per_model=True), SearchSQL(*args, per_model=False)
    assert sorted(fetch(*by_model.facets())) == sorted(fetch(*by_offer.facets()))
    for sort in ("relevance", "price_asc", "price_desc", "newest"):
        model_hits, offer_hits = fetch(*by_model.hits(sort, 3, 1)), fetch(*by_offer.hits(sort, 3, 1))

        def normalise(rows):
            return [(*r[:3], sorted(r[3].split(",")), sorted((r[4] or "").split(",")), *r[5:]) for r in rows]

        assert normalise(model_hits) == normalise(offer_hits)
