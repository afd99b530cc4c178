from django.db import connection


def outside_transaction() -> bool:
    """True when no transaction of ours is open (the ones a TestCase wraps each test in do not count)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def assert_outside_transaction(what: str) -> None:
    if not outside_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction or while holding a lock")


def bulk_set(model, fields: list[str], rows: list[tuple]) -> int:
    """Set `fields` of many rows in one statement per batch: rows are (pk, value, ...) tuples.

    PostgreSQL: `UPDATE ... FROM unnest(<one array per column>)`, one parameter per column whatever the row
    count (building and parsing a statement with tens of thousands of placeholders cost more than running it).
    SQLite ≥ 3.33: `UPDATE ... FROM (VALUES ...)`. Both several times faster than `bulk_update`'s CASE
    expressions on the large feeds they serve."""
    if not rows:
        return 0
    meta = model._meta
    targets = [meta.pk] + [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    names = [quote(f.column) for f in targets]
    table = quote(meta.db_table)
    assignments = ", ".join(f"{n} = v.{n}" for n in names[1:])
    plain = (int, float, str, bool, type(None))
    converted: dict = {}  # the same timestamp is usually set on every row: convert it once

    def prep(f, value):
        if isinstance(value, plain):
            return value
        key = (f, value)
        if key not in converted:
            converted[key] = f.get_db_prep_value(value, connection)
        return converted[key]

    updated = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in targets)
            sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
                   f"WHERE {table}.{names[0]} = v.{names[0]}")
            for start in range(0, len(rows), 50_000):
                batch = rows[start:start + 50_000]
                cursor.execute(sql, [[prep(f, row[i]) for row in batch] for i, f in enumerate(targets)])
                updated += cursor.rowcount
            return updated
        one = "(" + ", ".join(["%s"] * len(targets)) + ")"
        per_batch = max(1, 30000 // len(targets))
        for start in range(0, len(rows), per_batch):
            batch = rows[start:start + per_batch]
            params = [prep(f, value) for row in batch for f, value in zip(targets, row)]
            cursor.execute(
                f"WITH v({', '.join(names)}) AS (VALUES {', '.join([one] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{names[0]} = v.{names[0]}", params)
            updated += cursor.rowcount
    return updated


def select_in(model, columns: tuple[str, ...], where: str, params: list, in_column: str, values: list,
              for_update: bool = False) -> list[tuple]:
    """`SELECT columns FROM model WHERE <where> AND <in_column> IN (values)`, in batches, as plain tuples.
    For the bulk paths, where building querysets over tens of thousands of values costs more than the query.
    On PostgreSQL the values travel as one array (`= ANY(%s)`): one parameter instead of thousands of
    placeholders for the driver to split and the server to parse. Rows come in primary-key order only when
    locked (the order locks are taken in): asked for that order, SQLite (no statistics) reads every row of the
    `where` columns' index (a whole market's terms) rather than looking the values up."""
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) if c != "pk" else quote(meta.pk.column) for c in columns)
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    order = f" ORDER BY {quote(meta.pk.column)}{lock}" if lock else ""
    out: list[tuple] = []
    values = list(values)
    postgres = connection.vendor == "postgresql"
    size = 50_000 if postgres else 10_000
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            batch = values[start:start + size]
            if postgres:
                condition, batch_params = f"{in_column} = ANY(%s::{_array_type(meta, in_column)}[])", [batch]
            else:
                condition, batch_params = f"{in_column} IN ({', '.join(['%s'] * len(batch))})", batch
            cursor.execute(f"SELECT {names} FROM {quote(meta.db_table)} WHERE {where} AND {condition}{order}",
                           [*params, *batch_params])
            out.extend(cursor.fetchall())
    return out


def _array_type(meta, column: str) -> str:
    """The SQL type of a column (text for an expression such as lower(sku)). The array of values is cast to
    it: compared across types (bigint = ANY(int4[])), PostgreSQL can neither hash the array nor use the
    column's index, and scans each row against every value."""
    for f in meta.concrete_fields:
        if column in (f.column, f.attname, f.name):
            return f.db_type(connection)
    return "text"
