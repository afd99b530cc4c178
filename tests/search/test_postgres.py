"""PostgreSQL only (`make test-postgres`): trigram typo correction, the indexes the queries use, and refreshes
racing on real transactions. Deselected on SQLite by this folder's conftest, never skipped."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from remarket.offers.models import ListingMarket
from remarket.search.match import NEIGHBOURS, tokens_corrected
from remarket.search.models import SearchEntry
from remarket.search.selectors import products_search
from remarket.search.services import search_index_rebuild, search_index_refresh

from .conftest import build_shop

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


@pytest.mark.django_db
def test_unknown_words_become_their_nearest_trigram_neighbour(shop):
    assert tokens_corrected(["iphnoe", "13", "samsnug", "glaaxy", "piexl", "zzqxj", "ipho"]) == [
        "iphone",
        "13",
        "samsung",
        "galaxy",
        "pixel",
        "zzqxj",
        "ipho",
    ]
    with connection.cursor() as cursor:  # the candidates are the trigram index's nearest words
        cursor.execute(
            "SELECT array_agg(word) FROM (SELECT word FROM search_word ORDER BY word <-> 'piexl' LIMIT %s) AS near",
            [NEIGHBOURS],
        )
        assert "pixel" in cursor.fetchone()[0]
    result = products_search(market=shop.mp.fr, q="iphnoe 13 pro")
    assert (result.corrected, [h.slug for h in result.hits]) == ("iphone 13 pro", ["iphone-13-pro"])


@pytest.mark.django_db
def test_the_match_and_the_correction_use_their_indexes(shop):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT model_id FROM search_document WHERE tsv @@ to_tsquery('simple', 'iphone:*')")
        assert "search_document_tsv" in "\n".join(r[0] for r in cursor.fetchall())
        cursor.execute("EXPLAIN SELECT word FROM search_word ORDER BY word <-> 'iphnoe' LIMIT 1")
        assert "search_word_trgm" in "\n".join(r[0] for r in cursor.fetchall())


def _reprice(term_id: int, variant_id: int, price: int) -> None:
    try:
        from django.db import transaction

        with transaction.atomic():
            ListingMarket.objects.filter(pk=term_id).update(price_minor=price)
            search_index_refresh(variant_ids=[variant_id])
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_refreshes_racing_on_the_same_variants_serialise_and_end_exact():
    shop = build_shop()
    terms = [shop.offers[k] for k in ("i13-blue-exc-1", "i13-blue-exc-2", "i13-blue-good", "i13-midnight")]
    jobs = [(t.pk, t.listing.variant_id, 30000 + 100 * i + n) for n in range(6) for i, t in enumerate(terms)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: _reprice(*job), jobs))
    after = sorted(SearchEntry.objects.values_list("market_id", "variant_id", "grade", "price_minor", "offers"))
    search_index_rebuild()
    assert sorted(SearchEntry.objects.values_list("market_id", "variant_id", "grade", "price_minor", "offers")) == after
    lowest = min(ListingMarket.objects.filter(pk__in=[t.pk for t in terms]).values_list("price_minor", flat=True))
    assert products_search(market=shop.mp.fr, q="iphone 13").hits[0].price_minor == lowest
