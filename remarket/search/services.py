"""Keeping the search index current. Everything is recomputed from the catalog and the offers, set-based:

- `search_index_refresh(variant_ids=...)` after offers change (listings_apply, a merchant's status, stock
  moved by an order), `search_index_refresh(model_ids=...)` after the catalog changes (a model renamed,
  variants added), in the caller's transaction; writes usually reach it through the outbox (handlers.py);
- `search_index_rebuild()` from scratch (after a bulk load such as the demo or a full import, or to repair).

A refresh makes the entries of its variants exactly what the offers say (rows that did not change are not
rewritten), then the per-model rows (`SearchModel`, `SearchModelValue`) of every market × model concerned, and
writes a new `SearchStamp` in the same transaction: the version cached results are keyed by.

Concurrent refreshes are serialised by row locks taken FOR NO KEY UPDATE, first on the variants, then on the
product models, each in primary-key order in every refresh: two refreshes cannot deadlock, and the locks never
conflict with the KEY SHARE locks that inserting listings or variants takes."""

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Min

from remarket.catalog.models import Category, ProductModel, Variant
from remarket.core.django_internals import queryset_sql
from remarket.markets.models import Market
from remarket.offers.models import Listing, ListingMarket

from .models import SearchDocument, SearchEntry, SearchModel, SearchModelValue, SearchStamp, SearchWord
from .query import price_edges
from .sql import distinct_list
from .text import document_text

BATCH = 500
PRUNE_EVERY = 500  # stamps
ENTRY_COLUMNS = (
    "market_id",
    "variant_id",
    "grade",
    "model_id",
    "category_id",
    "brand",
    "storage_gb",
    "colour",
    "release_year",
    "price_minor",
    "offers",
)
MODEL_COLUMNS = (
    "market_id",
    "model_id",
    "category_id",
    "brand",
    "release_year",
    "price_minor",
    "offers",
    "grades",
    "storages",
)


@dataclass(frozen=True)
class IndexRefresh:
    documents: int
    entries: int


def search_index_refresh(*, variant_ids: Iterable[int] = (), model_ids: Iterable[int] = ()) -> IndexRefresh:
    """Recompute the entries of `variant_ids` (their offers changed) and the documents and entries of
    `model_ids` (their catalog rows changed), then the per-model rows of every market × model whose entries
    may have changed. Returns how many documents and entries were written."""
    models = sorted(set(model_ids))
    variants = set(variant_ids)
    documents = entries = 0
    with transaction.atomic():
        if models:
            variants |= set(Variant.objects.filter(model_id__in=models).values_list("pk", flat=True))
        pairs: set[tuple[int, int]] = set()  # (market, model) whose per-model rows follow
        for batch in _batches(sorted(variants)):
            # Locks: variants first, then models, each in primary-key order — the same order in every refresh.
            list(
                Variant.objects.filter(pk__in=batch)
                .order_by("pk")
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)
            )
            indexed = SearchEntry.objects.filter(variant_id__in=batch).values_list("market_id", "model_id")
            pairs.update(indexed.distinct())  # before: a market or model may lose these variants' offers
            entries += _entries_sync(variant_ids=batch)
            pairs.update(indexed.distinct())  # after
        touched = sorted({model for _, model in pairs} | set(models))
        for batch in _batches(touched):
            list(
                ProductModel.objects.filter(pk__in=batch)
                .order_by("pk")
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)
            )
        for batch in _batches(models):
            documents += _documents_write(batch)
        for batch in _batches(sorted(pairs)):
            _models_sync(pairs=batch)
        if variants or models:
            _stamp()
    return IndexRefresh(documents, entries)


def _batches(items: list) -> Iterable[list]:
    return (items[start : start + BATCH] for start in range(0, len(items), BATCH))


def search_merchant_refresh(*, merchant_id: int) -> IndexRefresh:
    """After a merchant's status changed (suspended, reinstated): every variant it lists."""
    variants = Listing.objects.filter(merchant_id=merchant_id).values_list("variant_id", flat=True).distinct()
    return search_index_refresh(variant_ids=list(variants))


def search_index_rebuild() -> IndexRefresh:
    """The whole index from the catalog and the offers, in one transaction. Searches keep reading the old
    index until it commits; on PostgreSQL, concurrent refreshes wait for it."""
    documents = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE search_document, search_entry, search_model, search_model_value, "
                    "search_word, search_stamp IN SHARE ROW EXCLUSIVE MODE"
                )
        for model in (SearchModelValue, SearchModel, SearchEntry, SearchDocument, SearchWord):
            model.objects.all().delete()
        for batch in _batches(list(ProductModel.objects.order_by("pk").values_list("pk", flat=True))):
            documents += _documents_write(batch)
        entries = _entries_sync(variant_ids=None)
        _models_sync(pairs=None)
        _stamp()
    if connection.vendor == "postgresql":
        # A rebuild leaves every old row dead: vacuum them now rather than have searches step over them until
        # autovacuum comes (VACUUM cannot run inside a transaction: ANALYZE only, then).
        tables = "search_document, search_entry, search_model, search_model_value, search_word"
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {tables}")
    return IndexRefresh(documents, entries)


def _stamp() -> None:
    """A new version of the index, visible with the change it marks (same transaction)."""
    stamp = SearchStamp.objects.create(token=secrets.token_hex(16))
    if stamp.pk % PRUNE_EVERY == 0:
        SearchStamp.objects.filter(pk__lt=stamp.pk).delete()


def _category_path(categories: dict[int, Category], category_id: int | None) -> list[str]:
    names, seen = [], set()
    while category_id is not None and category_id in categories and category_id not in seen:  # a root: None
        seen.add(category_id)
        category = categories[category_id]
        names.append(category.name)
        category_id = category.parent_id
    return names


def _documents_write(model_ids: list[int]) -> int:
    categories = {c.pk: c for c in Category.objects.only("id", "name", "parent_id")}
    configs: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    for model_id, storage, colour in (
        Variant.objects.filter(model_id__in=model_ids)
        .order_by("storage_gb", "colour")
        .values_list("model_id", "storage_gb", "colour")
    ):
        configs[model_id].append((storage, colour))
    documents, words = [], set()
    for model in ProductModel.objects.filter(pk__in=model_ids):
        title, body = document_text(
            brand=model.brand,
            name=model.name,
            slug=model.slug,
            categories=_category_path(categories, model.category_id),
            release_year=model.release_year,
            storages=sorted({s for s, _ in configs[model.pk] if s}),
            colours=list(dict.fromkeys(c for _, c in configs[model.pk] if c)),
            specs=model.specs,
        )
        documents.append(SearchDocument(model_id=model.pk, title=title, body=body))
        words.update(title.split())
        words.update(body.split())
    SearchDocument.objects.filter(model_id__in=model_ids).delete()
    SearchDocument.objects.bulk_create(documents, batch_size=BATCH)
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in sorted(words)], batch_size=1000, ignore_conflicts=True)
    return len(documents)


def _entries_sync(*, variant_ids: list[int] | None) -> int:
    """The entries of these variants (all when None) made exactly the sellable offers grouped per market ×
    variant × grade. The SELECT is the ORM's, so the joins and the rules of what is sellable stay in one place."""
    offers = ListingMarket.objects.on_sale()
    if variant_ids is not None:
        offers = offers.filter(listing__variant_id__in=variant_ids)
    fields = {
        "market_id": "market_id",
        "variant_id": "listing__variant_id",
        "grade": "listing__grade",
        "model_id": "listing__variant__model_id",
        "category_id": "listing__variant__model__category_id",
        "brand": "listing__variant__model__brand",
        "storage_gb": "listing__variant__storage_gb",
        "colour": "listing__variant__colour",
        "release_year": "listing__variant__model__release_year",
    }
    grouped = offers.values(*fields.values()).annotate(price_minor=Min("price_minor"), offers=Count("pk")).order_by()
    sql, params = queryset_sql(grouped)
    renamed = ", ".join(
        [f'q."{alias}" AS {column}' for column, alias in fields.items()] + ["q.price_minor", "q.offers"]
    )
    return _sync(
        "search_entry",
        ("market_id", "variant_id", "grade"),
        ENTRY_COLUMNS,
        f"SELECT {renamed} FROM ({sql}) AS q",
        params,
        *_scope("variant_id", variant_ids),
    )


def _models_sync(*, pairs: list[tuple[int, int]] | None) -> None:
    """The per-model rows of these (market, model) pairs (all when None), from their entries: `search_model`,
    `search_model_value`, and on PostgreSQL `search_model.facet_values` (the same values as an array)."""
    if pairs is None:
        where, params = "1 = 1", []
    else:  # model_id IN (...) first: the index on model_id narrows the rows the pairs are checked on
        models = sorted({model for _, model in pairs})
        where = (
            f"model_id IN ({', '.join(['%s'] * len(models))}) AND (market_id, model_id) IN "
            f"(VALUES {', '.join(['(%s, %s)'] * len(pairs))})"
        )
        params = [*models, *(x for pair in pairs for x in pair)]
    _sync(
        "search_model",
        ("market_id", "model_id"),
        MODEL_COLUMNS,
        "SELECT market_id, model_id, MAX(category_id) AS category_id, MAX(brand) AS brand, "
        "MAX(release_year) AS release_year, MIN(price_minor) AS price_minor, SUM(offers) AS offers, "
        f"{distinct_list('grade')} AS grades, COALESCE({distinct_list('storage_gb')}, '') AS storages "
        f"FROM search_entry WHERE {where} GROUP BY market_id, model_id",
        params,
        where,
        params,
    )
    # One pass over the entries, each row unpivoted into its four facet values (a union for VALUES, since SQLite
    # has no LATERAL), then the distinct (market, model, facet, value).
    facets = " UNION ALL ".join(f"SELECT '{f}' AS facet" for f in ("grade", "storage", "colour", "price"))
    _sync(
        "search_model_value",
        ("market_id", "model_id", "facet", "value"),
        ("market_id", "model_id", "facet", "value"),
        "SELECT DISTINCT market_id, model_id, facet, value FROM (SELECT e.market_id, e.model_id, f.facet, "
        "CASE f.facet WHEN 'grade' THEN e.grade WHEN 'storage' THEN CAST(e.storage_gb AS TEXT) "
        f"WHEN 'colour' THEN NULLIF(e.colour, '') ELSE CAST({_bucket_by_market()} AS TEXT) END AS value "
        f"FROM search_entry e CROSS JOIN ({facets}) AS f WHERE {where}) AS unpivoted WHERE value IS NOT NULL",
        params,
        where,
        params,
    )
    if connection.vendor == "postgresql":  # the same values on the per-model rows (migration 0004)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_model m SET facet_values = v.items FROM (SELECT market_id, model_id, "
                "array_agg(facet || ':' || value ORDER BY facet, value) AS items FROM search_model_value "
                f"WHERE {where} GROUP BY market_id, model_id) AS v WHERE m.market_id = v.market_id "
                "AND m.model_id = v.model_id AND m.facet_values IS DISTINCT FROM v.items",
                params,
            )


def _scope(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "1 = 1", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _sync(
    table: str,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    select: str,
    params: Sequence,
    scope: str,
    scope_params: list,
) -> int:
    """Make the rows of `table` within `scope` exactly the rows of `select` (which names `columns`): delete those
    it no longer has, insert the new ones, update the changed ones. Unchanged rows are not written, which keeps
    a refresh after a price change to a few index updates. Returns how many rows were inserted or updated."""
    same = " AND ".join(f"n.{k} = {table}.{k}" for k in keys)
    others = [c for c in columns if c not in keys]
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    on_conflict = (
        (
            f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in others)} WHERE "
            + " OR ".join(f"{table}.{c} {differs} excluded.{c}" for c in others)
        )
        if others
        else "DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {scope} AND NOT EXISTS (SELECT 1 FROM ({select}) AS n WHERE {same})",
            [*scope_params, *params],
        )
        # WHERE true: SQLite needs it to read ON CONFLICT after INSERT ... SELECT
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM ({select}) AS n "
            f"WHERE true ON CONFLICT ({', '.join(keys)}) {on_conflict}",
            params,
        )
        return max(cursor.rowcount, 0)


def _bucket_by_market() -> str:
    """The price bucket of an entry (its index in query.price_edges), by its market's currency."""
    by_currency: dict[str, list[int]] = defaultdict(list)
    for pk, currency in Market.objects.values_list("pk", "currency"):
        by_currency[currency].append(pk)
    whens = []
    for currency, market_ids in sorted(by_currency.items()):
        edges = price_edges(currency)
        bucket = " ".join(f"WHEN price_minor < {int(e)} THEN {i}" for i, e in enumerate(edges))
        whens.append(
            f"WHEN market_id IN ({', '.join(str(int(m)) for m in market_ids)}) THEN CASE {bucket} ELSE {len(edges)} END"
        )
    return f"CASE {' '.join(whens)} END" if whens else "NULL"
