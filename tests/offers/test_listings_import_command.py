import pytest
from django.core.management import CommandError, call_command

from remarket.offers.models import Listing, ListingMarket

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_the_bulk_import_applies_a_file_beyond_the_ws_limit(tmp_path, marketplace, settings):
    settings.FEED_MAX_ROWS = 10  # the /ws/ limit does not apply to the command line
    merchant, variant = MerchantFactory(slug="acme"), VariantFactory()
    lines = ["sku;quantity;price;min_price;grade;product_id"]
    lines += [f"ACME-{i};{i % 5};{100 + i},50;90;GOOD;{variant.public_id}" for i in range(25)]
    lines.append("ACME-BAD;2;-3;;GOOD;" + str(variant.public_id))
    path = tmp_path / "feed.csv"
    path.write_text("\n".join(lines), encoding="latin-1")
    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("listings_import", str(path), merchant="acme", market="FR")
    assert Listing.objects.filter(merchant=merchant).count() == 25
    assert ListingMarket.objects.get(listing__sku="ACME-7").price_minor == 10750


def test_unknown_merchant_or_file_is_a_clear_error(tmp_path, marketplace):
    with pytest.raises(CommandError, match="No file"):
        call_command("listings_import", str(tmp_path / "none.csv"), merchant="x")
    (tmp_path / "f.csv").write_text("sku;quantity\nA;1\n")
    with pytest.raises(CommandError, match="No merchant"):
        call_command("listings_import", str(tmp_path / "f.csv"), merchant="nobody")


def test_the_bulk_import_tells_the_search_index_once_for_the_whole_file(tmp_path, marketplace, monkeypatch):
    from remarket.events.models import OutboxEvent
    from remarket.offers import imports, services

    monkeypatch.setattr(imports, "CHUNK", 7)  # several feed_apply calls,
    monkeypatch.setattr(services, "CHUNK", 3)  # each of several listings_apply transactions
    merchant, variants = MerchantFactory(slug="acme"), [VariantFactory() for _ in range(3)]
    lines = ["sku;quantity;price;grade;product_id"]
    lines += [f"ACME-{i};1;{100 + i};GOOD;{variants[i % 3].public_id}" for i in range(20)]
    path = tmp_path / "feed.csv"
    path.write_text("\n".join(lines))
    call_command("listings_import", str(path), merchant="acme", market="FR")
    events = list(OutboxEvent.objects.filter(topic="search.changed"))
    assert [e.payload for e in events] == [{"variant_ids": sorted(v.pk for v in variants)}]
    assert Listing.objects.filter(merchant=merchant).count() == 20
    assert ListingMarket.objects.filter(listing__merchant=merchant, score__gt=0).count() == 20


def test_a_bulk_import_that_fails_midway_still_tells_the_search_index_what_it_applied(
    tmp_path, marketplace, monkeypatch
):
    from remarket.events.models import OutboxEvent
    from remarket.offers import feeds, imports

    merchant, variant = MerchantFactory(slug="acme"), VariantFactory()
    calls = []
    real = feeds.feed_apply

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            from remarket.core.errors import DomainError

            raise DomainError("FEED_BROKEN", "broken")
        return real(**kwargs)

    monkeypatch.setattr(imports, "CHUNK", 5)
    monkeypatch.setattr(imports, "feed_apply", second_fails)
    lines = ["sku;quantity;price;grade;product_id"] + [f"ACME-{i};1;100;GOOD;{variant.public_id}" for i in range(10)]
    path = tmp_path / "feed.csv"
    path.write_text("\n".join(lines))
    with pytest.raises(CommandError, match="FEED_BROKEN"):
        call_command("listings_import", str(path), merchant="acme", market="FR")
    assert Listing.objects.filter(merchant=merchant).count() == 5
    assert [e.payload for e in OutboxEvent.objects.filter(topic="search.changed")] == [{"variant_ids": [variant.pk]}]


def test_a_large_create_refreshes_the_planners_statistics_as_it_goes(tmp_path, marketplace, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from remarket.offers import imports

    monkeypatch.setattr(imports, "CHUNK", 4)
    monkeypatch.setattr(imports, "ANALYZE_EVERY", 4)
    MerchantFactory(slug="acme")
    variant = VariantFactory()
    lines = ["sku;quantity;price;grade;product_id"] + [f"A-{i};1;100;GOOD;{variant.public_id}" for i in range(10)]
    (tmp_path / "feed.csv").write_text("\n".join(lines))
    with CaptureQueriesContext(connection) as queries:
        call_command("listings_import", str(tmp_path / "feed.csv"), merchant="acme", market="FR")
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert analyzed == ["ANALYZE offers_listing", "ANALYZE offers_listingmarket"] * 2  # after 4 and 8 created
