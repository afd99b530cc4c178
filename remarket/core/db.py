from django.db import connection


def outside_transaction() -> bool:
    """True when no transaction of ours is open (the ones a TestCase wraps each test in do not count)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def assert_outside_transaction(what: str) -> None:
    if not outside_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction or while holding a lock")


def bulk_set(model, fields: list[str], rows: list[tuple]) -> int:
    """Set `fields` of many rows in one statement per batch: rows are (pk, value, ...) tuples.

    `UPDATE ... FROM (VALUES ...)` on PostgreSQL and SQLite ≥ 3.33 alike — several times faster than
    `bulk_update`'s CASE expressions on the large feeds it serves."""
    if not rows:
        return 0
    meta = model._meta
    targets = [meta.pk] + [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    names = [quote(f.column) for f in targets]
    if connection.vendor == "postgresql":
        one = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in targets) + ")"
    else:
        one = "(" + ", ".join(["%s"] * len(targets)) + ")"
    assignments = ", ".join(f"{n} = v.{n}" for n in names[1:])
    per_batch = max(1, 30000 // len(targets))
    plain = (int, float, str, bool, type(None))
    converted: dict = {}  # the same timestamp is usually set on every row: convert it once
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start:start + per_batch]
            params = [value if isinstance(value, plain) else
                      converted.get((f, value)) or converted.setdefault((f, value), f.get_db_prep_value(value, connection))
                      for row in batch for f, value in zip(targets, row)]
            cursor.execute(
                f"WITH v({', '.join(names)}) AS (VALUES {', '.join([one] * len(batch))}) "
                f"UPDATE {quote(meta.db_table)} SET {assignments} FROM v "
                f"WHERE {quote(meta.db_table)}.{names[0]} = v.{names[0]}", params)
            updated += cursor.rowcount
    return updated


def select_in(model, columns: tuple[str, ...], where: str, params: list, in_column: str, values: list,
              for_update: bool = False) -> list[tuple]:
    """`SELECT columns FROM model WHERE <where> AND <in_column> IN (values)`, in batches, as plain tuples.
    For the bulk paths, where building querysets over tens of thousands of values costs more than the query."""
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) if c != "pk" else quote(meta.pk.column) for c in columns)
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    out: list[tuple] = []
    values = list(values)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 10000):
            batch = values[start:start + 10000]
            cursor.execute(f"SELECT {names} FROM {quote(meta.db_table)} WHERE {where} AND {in_column} IN "
                           f"({', '.join(['%s'] * len(batch))}) ORDER BY {quote(meta.pk.column)}{lock}",
                           [*params, *batch])
            out.extend(cursor.fetchall())
    return out
