"""The statements behind `listings_apply`'s chunks: one read of the listings a chunk names with their market
terms (locked, on PostgreSQL), one of their shipping options, and one UPDATE per table for the rows that
changed. No rules here: services.py decides what changes, this module only reads and writes it.

On PostgreSQL each column travels as one array, written as PostgreSQL's own array text (`{1,2,3}`) and
parsed by the server. Built with `str.join`, that costs about a microsecond a row; handing psycopg Python
lists cost ten times more (its array dumper checks and quotes every element in Python: a quarter of the
chunk's Python time, measured with cProfile on 10,000-row files). On SQLite the values are bound one by one."""

from collections.abc import Iterable

from django.db import connection

from .models import Listing, ListingMarket

# what listings_with_terms reads, as the records' attribute names (the primary key as pk)
LISTING_FIELDS = (
    "pk",
    "sku",
    "variant_id",
    "grade",
    "quantity",
    "warranty_months",
    "comment",
    "vat_scheme",
    "purchase_price_minor",
    "purchase_currency",
    "battery_health_pct",
)
TERM_FIELDS = (
    "pk",
    "listing_id",
    "market_id",
    "price_minor",
    "min_price_minor",
    "max_price_minor",
    "published",
    "auto_reprice",
    "score",
)
SQLITE_BATCH = 10_000  # bound values per statement, well under SQLite's 32,766


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values, kind: str = "int") -> str:
    """`values` as the text of a PostgreSQL array; `kind` is int, float, bool or text. None is NULL."""
    items: Iterable[str]
    if kind == "text":
        items = ["NULL" if v is None else _quoted(v) for v in values]
    elif kind == "bool":
        items = ["NULL" if v is None else "t" if v else "f" for v in values]
    elif None in values:
        items = ["NULL" if v is None else repr(v) for v in values]
    else:
        items = map(repr, values)  # repr(float) is the shortest text that reads back as the same double
    return "{" + ",".join(items) + "}"


def _kind(field) -> str:
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return "bool"
    if internal == "FloatField":
        return "float"
    if internal in ("CharField", "TextField"):
        return "text"
    if internal in ("IntegerField", "BigIntegerField", "PositiveSmallIntegerField", "BigAutoField"):
        return "int"
    raise ValueError(f"{field.name}: no array text for {internal}")  # e.g. a timestamp: pass it in `same`


def _select(postgres: bool, market_ids: list[int]) -> str:
    columns = ", ".join(
        [f"l.{'id' if c == 'pk' else c}" for c in LISTING_FIELDS]
        + [f"t.{'id' if c == 'pk' else c}" for c in TERM_FIELDS]
    )
    markets = (
        "t.market_id = ANY(%s::bigint[])" if postgres else f"t.market_id IN ({', '.join(['%s'] * len(market_ids))})"
    )
    return (
        f"SELECT {columns} FROM offers_listing l LEFT JOIN offers_listingmarket t ON t.listing_id = l.id "
        f"AND {markets} WHERE l.merchant_id = %s AND "
    )


def listings_with_terms(merchant_id: int, skus: list[str], market_ids: list[int]) -> list[tuple]:
    """A merchant's listings whose SKU is one of `skus` whatever its case, each joined with its terms in `market_ids`
    (one row per listing and market; the term's columns None where it has none there): LISTING_FIELDS, then
    TERM_FIELDS. On PostgreSQL the listings are locked until the transaction ends, in primary-key order, so that
    what the rules checked is what gets written. Both sides are lower-cased by the database, as the unique
    (merchant, lower(sku)) index folds them: SQLite's lower() folds ASCII letters only."""
    if not skus:
        return []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # NO KEY UPDATE, the lock the UPDATE takes anyway: a checkout inserting an order line for one of
            # these listings (its foreign key check takes KEY SHARE) does not wait for the import
            cursor.execute(
                _select(True, market_ids) + "lower(l.sku) = ANY(lower(%s)::text[]) ORDER BY l.id "
                "FOR NO KEY UPDATE OF l",
                [pg_array(market_ids), merchant_id, pg_array(skus, "text")],
            )
            return cursor.fetchall()
        out = []
        # unordered: asked for primary-key order, SQLite (no statistics) reads every row of the other columns' index
        for start in range(0, len(skus), SQLITE_BATCH):
            batch = skus[start : start + SQLITE_BATCH]
            cursor.execute(
                _select(False, market_ids) + f"lower(l.sku) IN ({', '.join(['lower(%s)'] * len(batch))})",
                [*market_ids, merchant_id, *batch],
            )
            out.extend(cursor.fetchall())
        return out


def listing_ids(merchant_id: int, skus: list[str]) -> list[tuple[int, str]]:
    """(id, sku) of a merchant's listings whose SKU is one of `skus` whatever its case (folded by the database,
    as `listings_with_terms`), unlocked."""
    if not skus:
        return []
    sql = "SELECT id, sku FROM offers_listing WHERE merchant_id = %s AND lower(sku) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql + "= ANY(lower(%s)::text[])", [merchant_id, pg_array(skus, "text")])
            return cursor.fetchall()
        out = []
        for start in range(0, len(skus), SQLITE_BATCH):
            batch = skus[start : start + SQLITE_BATCH]
            cursor.execute(sql + f"IN ({', '.join(['lower(%s)'] * len(batch))})", [merchant_id, *batch])
            out.extend(cursor.fetchall())
        return out


def shipping_of(term_ids: list[int]) -> list[tuple]:
    """(terms_id, carrier, price_minor, delay_days) of these terms' shipping options."""
    if not term_ids:
        return []
    sql = "SELECT terms_id, carrier, price_minor, delay_days FROM offers_shippingoption WHERE terms_id "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql + "= ANY(%s::bigint[])", [pg_array(term_ids)])
            return cursor.fetchall()
        out = []
        for start in range(0, len(term_ids), SQLITE_BATCH):
            batch = term_ids[start : start + SQLITE_BATCH]
            cursor.execute(sql + f"IN ({', '.join(['%s'] * len(batch))})", batch)
            out.extend(cursor.fetchall())
        return out


def rows_update(model, changes: dict, **same) -> int:
    """Write the changed rows of `model` in one statement (PostgreSQL; batches of a few thousand rows on
    SQLite). `changes` maps a primary key to (record, names of the fields it changed); `same` are values every
    row gets (the chunk's `updated_at`). The statement sets the union of the changed fields; for each row, a
    field it did not change is sent as NULL and kept by COALESCE — so a concurrent write of another column of
    the same row (a quality refresh rewriting scores) is not overwritten with what this chunk read. Nullable
    fields (min and max price, purchase price) cannot say "keep" with NULL: they are sent as read, which is safe
    because only listings_apply writes them, under the lock of their listing."""
    if not changes:
        return 0
    meta = model._meta
    targets = [meta.get_field(f) for f in sorted(set().union(*(changed for _, changed in changes.values())))]
    ids = list(changes)
    columns = [
        [getattr(record, f.attname) if f.null or f.attname in changed else None for record, changed in changes.values()]
        for f in targets
    ]
    table, names = meta.db_table, [f.column for f in targets]
    v = ", ".join(["id", *names])
    assignments = [f"{c} = v.{c}" if f.null else f"{c} = COALESCE(v.{c}, {table}.{c})" for f, c in zip(targets, names)]
    constants = []
    for name, value in same.items():
        field = meta.get_field(name)
        assignments.append(f"{field.column} = %s")
        constants.append(field.get_db_prep_value(value, connection))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(["%s::bigint[]", *(f"%s::{f.db_type(connection)}[]" for f in targets)])
            # The BETWEEN repeats what the join implies, for the planner: without it, it merge-joined the sorted
            # array with the primary key index read from its first entry, i.e. every row below the chunk's (a
            # 10,000-row chunk of the last merchant's listings read 500,000 index entries: 160-250 ms, not 40-60).
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} FROM unnest({arrays}) AS v({v}) "
                f"WHERE {table}.id = v.id AND {table}.id BETWEEN %s AND %s",
                [
                    *constants,
                    pg_array(ids),
                    *(pg_array(values, _kind(f)) for f, values in zip(targets, columns)),
                    min(ids),
                    max(ids),
                ],
            )
            return cursor.rowcount
        updated, width = 0, 1 + len(targets)
        per = max(1, SQLITE_BATCH // width)
        one = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(ids), per):
            batch = range(start, min(start + per, len(ids)))
            cursor.execute(
                f"WITH v({v}) AS (VALUES {', '.join([one] * len(batch))}) "
                f"UPDATE {table} SET {', '.join(assignments)} FROM v WHERE {table}.id = v.id",
                [*[x for i in batch for x in (ids[i], *(column[i] for column in columns))], *constants],
            )
            updated += cursor.rowcount
        return updated


def listings_update(changes: dict, updated_at) -> int:
    return rows_update(Listing, changes, updated_at=updated_at)


def terms_update(changes: dict) -> int:
    return rows_update(ListingMarket, changes)


def commit_without_flush() -> None:
    """PostgreSQL: this transaction's COMMIT returns without waiting for its WAL to reach the disk. A crash
    within the next fraction of a second (3 × wal_writer_delay at most) can lose the transaction — whole, never
    half of it; the database stays consistent. Only for writes the caller can replay (see listings_apply)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
