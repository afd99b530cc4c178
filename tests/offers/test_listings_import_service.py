"""offers/imports.py `listings_import`, the bulk import without its command line."""

import pytest

from remarket.core.errors import DomainError
from remarket.events.models import OutboxEvent
from remarket.offers import imports
from remarket.offers.feeds import feed_table
from remarket.offers.imports import listings_import
from remarket.offers.models import Listing

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _table(variant, n: int, bad: int | None = None):
    rows = [f"A-{i};1;{'-3' if i == bad else 100 + i};GOOD;{variant.public_id}" for i in range(n)]
    return feed_table("\n".join(["sku;quantity;price;grade;product_id", *rows]), limit=None)


def test_an_import_counts_its_rows_reports_the_refused_ones_and_tells_progress_per_chunk(marketplace, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 4)
    merchant, variant = MerchantFactory(), VariantFactory()
    seen = []
    result = listings_import(
        merchant=merchant, market=marketplace.fr, table=_table(variant, 10, bad=6), progress=seen.append
    )
    assert seen == [4, 4, 2]
    assert dict(result.counts) == {"created": 9, "error": 1}
    assert [(r["line"], r["sku"]) for r in result.refused] == [(8, "A-6")]  # the header is line 1
    assert Listing.objects.filter(merchant=merchant).count() == 9
    assert [e.payload for e in OutboxEvent.objects.filter(topic="search.changed")] == [{"variant_ids": [variant.pk]}]


def test_a_chunk_refused_whole_stops_the_import_and_says_from_which_line(marketplace, monkeypatch):
    real = imports.feed_apply
    calls = []

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DomainError("FEED_BROKEN", "broken")
        return real(**kwargs)

    monkeypatch.setattr(imports, "CHUNK", 3)
    monkeypatch.setattr(imports, "feed_apply", second_fails)
    merchant, variant = MerchantFactory(), VariantFactory()
    with pytest.raises(DomainError) as err:
        listings_import(merchant=merchant, market=marketplace.fr, table=_table(variant, 8))
    assert (err.value.code, err.value.details) == ("FEED_BROKEN", {"from_line": 5})
    assert Listing.objects.filter(merchant=merchant).count() == 3
    assert OutboxEvent.objects.filter(topic="search.changed").count() == 1
