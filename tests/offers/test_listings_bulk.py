"""The statements behind listings_apply's chunks (offers/bulk.py): one locked read of listings with their terms,
one UPDATE per table with the columns some row changed, arrays sent as PostgreSQL array text. The same rows give
the same results and per-row errors on SQLite and PostgreSQL (this module runs on both)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.core import clock
from remarket.offers import bulk
from remarket.offers.models import Listing, ListingMarket, ShippingOption
from remarket.offers.services import ListingRow, ShippingRow, listings_apply

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.postgres  # run by `make test-postgres`, left out of the SQLite run


@pytest.fixture
def merchant(marketplace):
    return MerchantFactory()


def _create(merchant, *skus, market="FR", **fields):
    variant = VariantFactory()
    rows = [
        ListingRow(sku=sku, market=market, price="100", quantity=1, variant_id=variant.pk, grade="GOOD", **fields)
        for sku in skus
    ]
    result = listings_apply(merchant=merchant, rows=rows)
    assert result.errors == [] and len(result.created) == len(skus)
    return variant


WRITE = re.compile(r"^\s*(?:WITH\b.*\)\s*)?(UPDATE|INSERT|DELETE)\b", re.S)  # SQLite's bulk updates start WITH


def _writes(queries) -> list[tuple[str, str]]:
    return [(m.group(1), q["sql"]) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))]


def _state():
    listings = {l.sku: (l.quantity, l.comment, l.warranty_months, l.updated_at) for l in Listing.objects.all()}
    terms = {
        (t.listing.sku, t.market.code): (t.price_minor, t.min_price_minor, t.published, round(t.score, 9))
        for t in ListingMarket.objects.select_related("listing", "market")
    }
    return listings, terms


def test_each_row_changes_only_its_own_fields_though_a_chunk_writes_one_update_per_table(merchant, monkeypatch):
    _create(merchant, "A", "B", "C", "D", "E")
    before_listings, before_terms = _state()
    later = clock.now() + dt.timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    rows = [
        ListingRow(sku="A", market="FR", quantity=7),  # stock only
        ListingRow(sku="b", market="FR", comment="Boxed"),  # the listing's comment only, any SKU case
        ListingRow(sku="C", market="FR", price="120.50"),  # the terms only (price, hence score)
        ListingRow(sku="D", market="FR", quantity=1, price="100"),  # nothing
        ListingRow(sku="E", market="FR", quantity=9, price="-1"),  # refused: changes nothing
        ListingRow(sku="E", market="FR", published=False, min_price="50"),
    ]
    with CaptureQueriesContext(connection) as queries:
        result = listings_apply(merchant=merchant, rows=rows)
    assert [(e.index, e.sku, e.code) for e in result.errors] == [(4, "E", "MONEY_NEGATIVE")]
    ids = dict(Listing.objects.values_list("sku", "pk"))
    assert sorted(result.updated) == sorted(ids[s] for s in "ABCE") and result.unchanged == [ids["D"]]
    listings, terms = _state()
    assert listings["A"][:3] == (7, "", 12) and listings["B"][:3] == (1, "Boxed", 12)
    assert listings["C"][:3] == listings["D"][:3] == listings["E"][:3] == (1, "", 12)
    assert {sku for sku in listings if listings[sku][3] == later} == {"A", "B", "C", "E"}
    assert listings["D"] == before_listings["D"]
    assert terms[("C", "FR")][:3] == (12050, None, True) and terms[("C", "FR")][3] < before_terms[("C", "FR")][3]
    assert terms[("E", "FR")][:3] == (10000, 5000, False)
    for sku in "ABD":
        assert terms[(sku, "FR")] == before_terms[(sku, "FR")]
    # listings, then terms: one statement each whatever the mix of changed fields (and the outbox's insert; the
    # grade summaries the product page reads follow, offers/summaries.py)
    assert [kind for kind, sql in _writes(queries) if "offers_" in sql and "offers_gradesummary" not in sql] == [
        "UPDATE",
        "UPDATE",
    ]


def test_a_replay_changes_nothing_and_writes_nothing(merchant):
    _create(merchant, "A", "B")
    rows = [ListingRow(sku="A", market="FR", quantity=3, price="99.90"), ListingRow(sku="B", market="FR", quantity=0)]
    listings_apply(merchant=merchant, rows=rows)
    before = _state()
    with CaptureQueriesContext(connection) as queries:
        again = listings_apply(merchant=merchant, rows=rows)
    assert again.errors == [] and again.updated == [] and len(again.unchanged) == 2 and again.variant_ids == set()
    assert _state() == before
    assert _writes(queries) == []


def test_a_listing_is_read_with_its_terms_in_every_market_the_chunk_names(merchant, marketplace):
    _create(merchant, "A", "B")
    rows = [
        ListingRow(sku="A", market="US", price="130"),  # new terms in a second market
        ListingRow(sku="A", market="FR", price="101"),
        ListingRow(sku="B", market="FR", quantity=4),
    ]
    result = listings_apply(merchant=merchant, rows=rows)
    assert result.errors == []
    again = listings_apply(merchant=merchant, rows=rows + [ListingRow(sku="A", market="US", price="131")])
    assert again.errors == []
    _, terms = _state()
    assert {k: v[0] for k, v in terms.items()} == {("A", "FR"): 10100, ("A", "US"): 13100, ("B", "FR"): 10000}
    assert Listing.objects.get(sku="B").quantity == 4


@pytest.mark.parametrize(
    "sku", ['QUOTE"D', "BACK\\SLASH", "COMMA,1", "{BRACES}", "NULL", "semi;colon", "été-ß", "sp ace", "'single'"]
)
def test_any_sku_is_found_again_whatever_its_characters(merchant, sku):
    _create(merchant, sku, "PLAIN")
    result = listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku=sku, market="FR", quantity=6), ListingRow(sku="PLAIN", market="FR", quantity=2)],
    )
    assert result.errors == [] and result.created == [] and len(result.updated) == 2
    assert dict(Listing.objects.values_list("sku", "quantity")) == {sku: 6, "PLAIN": 2}


def test_shipping_options_are_read_for_the_score_and_replaced_in_the_same_pass(merchant):
    _create(merchant, "A", "B", shipping=[ShippingRow(carrier="UPS", price="5", delay_days=2)])
    score = ListingMarket.objects.get(listing__sku="A").score
    result = listings_apply(
        merchant=merchant,
        rows=[
            ListingRow(sku="A", market="FR", price="100"),  # unchanged: its shipping stays in its score
            ListingRow(sku="B", market="FR", shipping=[ShippingRow(carrier="DHL", price="0", delay_days=5)]),
        ],
    )
    assert result.errors == [] and len(result.unchanged) == 1 and len(result.updated) == 1
    assert ListingMarket.objects.get(listing__sku="A").score == score
    assert list(ShippingOption.objects.filter(terms__listing__sku="B").values_list("carrier", flat=True)) == ["DHL"]
    assert ListingMarket.objects.get(listing__sku="B").score != score


def test_pg_array_text():
    assert bulk.pg_array([]) == "{}"
    assert bulk.pg_array([1, None, 30]) == "{1,NULL,30}"
    assert bulk.pg_array([True, False, None], "bool") == "{t,f,NULL}"
    assert bulk.pg_array(['a"b', "c\\d", None, "NULL"], "text") == '{"a\\"b","c\\\\d",NULL,"NULL"}'
    assert bulk.pg_array([0.1, 1e-300], "float") == "{0.1,1e-300}"


@postgres_only
def test_pg_array_text_reads_back_as_the_same_values_on_postgresql():
    texts = ['a"b', "c\\d", "", " x ", "NULL", None, "{,}", "é", "'"]
    floats = [0.1, 1 / 3, 2.5e-7, 123456.789]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::text[], %s::double precision[], %s::bigint[]",
            [bulk.pg_array(texts, "text"), bulk.pg_array(floats, "float"), bulk.pg_array([2**62, -1])],
        )
        assert cursor.fetchone() == (texts, floats, [2**62, -1])


@postgres_only
def test_feed_updates_of_price_stock_and_score_are_hot_on_postgresql(merchant):
    """No index holds a column a feed changes, and pages keep room (fillfactor 50): the new row versions stay in
    their page and no index is written (the statistics of the current transaction)."""
    _create(merchant, *[f"S{i}" for i in range(50)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('offers_listing', "
            "'offers_listingmarket') ORDER BY relname"
        )
        assert cursor.fetchall() == [("offers_listing", ["fillfactor=50"]), ("offers_listingmarket", ["fillfactor=50"])]
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname IN ('offers_listing', 'offers_listingmarket') ORDER BY relname"
        )
        before = {name: (upd, hot) for name, upd, hot in cursor.fetchall()}
        listings_apply(
            merchant=merchant,
            rows=[ListingRow(sku=f"S{i}", market="FR", quantity=i % 7 + 2, price=f"{150 + i}.90") for i in range(50)],
        )
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname IN ('offers_listing', 'offers_listingmarket') ORDER BY relname"
        )
        after = {name: (upd, hot) for name, upd, hot in cursor.fetchall()}
    for table in ("offers_listing", "offers_listingmarket"):
        updated, hot = after[table][0] - before[table][0], after[table][1] - before[table][1]
        assert (updated, hot) == (50, 50), table


def test_only_a_replayable_import_commits_without_waiting_for_the_disk(merchant):
    _create(merchant, "A")
    for replayable, expected in ((False, 0), (True, 1 if connection.vendor == "postgresql" else 0)):
        with CaptureQueriesContext(connection) as queries:
            listings_apply(
                merchant=merchant,
                rows=[ListingRow(sku="A", market="FR", quantity=int(replayable) + 3)],
                replayable=replayable,
            )
        asks = [q for q in queries.captured_queries if "synchronous_commit" in q["sql"]]
        assert [q["sql"] for q in asks] == ["SET LOCAL synchronous_commit = off"] * expected


def test_plain_amounts_read_without_decimal_as_to_minor_reads_them():
    from remarket.core.errors import DomainError
    from remarket.core.money import to_minor
    from remarket.offers.feeds import _amount_text, amount_text
    from remarket.offers.services import _minor

    texts = [
        "0",
        "7",
        "199",
        "199.",
        "199.9",
        "199.90",
        "199.901",
        "0199.00",
        "1.5",
        "1000000000000.00",
        "10000000000000.00",
        "10000000000000.01",
        " 12.30 ",
        "-5",
        "+5",
        ".5",
        "1e3",
        "１２",
        "١٢",
        "12.٣",
        "1_000",
        "12.3.4",
        "nan",
        "",
        "1,5",
        "1 199,90 €",
    ]
    for currency in ("EUR", "JPY", "KWD"):
        for text in texts:
            try:
                expected = to_minor(text, currency) if text.strip() else None
            except DomainError as err:
                expected = err.code
            try:
                got = _minor(text, currency)
            except DomainError as err:
                got = err.code
            assert got == expected, (text, currency)
    for text in texts:
        assert amount_text(text) == _amount_text(text), text


def test_a_chunk_does_not_write_back_columns_a_row_left_unchanged(merchant, monkeypatch):
    """Another writer's change between the chunk's read and its write (here a quality refresh rewriting a
    score) survives: each row's unchanged columns are kept by the UPDATE, not written back as read."""
    _create(merchant, "X", "Y")
    real = bulk.terms_update

    def meanwhile(changes):
        ListingMarket.objects.filter(listing__sku="Y").update(score=42.0)
        return real(changes)

    monkeypatch.setattr(bulk, "terms_update", meanwhile)
    result = listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku="X", market="FR", price="150"), ListingRow(sku="Y", market="FR", min_price="20")],
    )
    assert result.errors == [] and len(result.updated) == 2
    _, terms = _state()
    assert terms[("Y", "FR")] == (10000, 2000, True, 42.0)
    assert terms[("X", "FR")][:2] == (15000, None) and terms[("X", "FR")][3] != 42.0


def test_a_replayed_non_ascii_sku_finds_its_listing_on_both_databases(merchant):
    """SQLite's lower() folds ASCII letters only, as its unique (merchant, lower(sku)) index does: the SKUs sent
    are folded by the database too, so a listing is found again whatever letters its SKU holds (`listing_ids`
    is the CSV feeds' lookup)."""
    _create(merchant, "ÉCRAN-Ø1", "écran-2")
    again = listings_apply(
        merchant=merchant,
        rows=[ListingRow(sku="ÉCRAN-Ø1", market="FR", quantity=4), ListingRow(sku="écran-2", market="FR", quantity=5)],
    )
    assert again.errors == [] and again.created == []
    assert dict(Listing.objects.filter(merchant=merchant).values_list("sku", "quantity")) == {
        "ÉCRAN-Ø1": 4,
        "écran-2": 5,
    }
    assert sorted(sku for _, sku in bulk.listing_ids(merchant.pk, ["ÉCRAN-Ø1", "ÉCRAN-2"])) == (
        ["ÉCRAN-Ø1"] if connection.vendor == "sqlite" else ["ÉCRAN-Ø1", "écran-2"]
    )
