"""The hand-written statements of the hot paths, built from the models' fields: inserts, conditional updates
and reads that skip the ORM's per-call compilation (see the note above `insert_rows`), and the helpers around
transactions the services share. What these need of Django's private machinery is in core/django_internals.py;
which modules may write SQL at all is declared in tests/test_sql_boundary.py (CONTRIBUTING: "Hand-written SQL")."""

import datetime as dt
from collections.abc import Sequence
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from .django_internals import (
    column_converters,
    concrete_fields,
    driver_cursor,
    driver_errors_as_django,
    in_transaction_of_ours,
    mark_saved,
    statements_watched,
)

# rows of one table for `insert_together`: the model and its rows as {attname: value}
TableRows = tuple[type[models.Model], list[dict]]


def outside_transaction() -> bool:
    """True when no transaction of ours is open (the ones a TestCase wraps each test in do not count)."""
    return not in_transaction_of_ours(connection)


def assert_outside_transaction(what: str) -> None:
    if not outside_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction or while holding a lock")


def advisory_lock(key: int, *, wait: bool = True) -> bool:
    """Serialize the transactions that take the same `key` (a signed 64-bit number) until they end: on PostgreSQL
    a transaction-level advisory lock, waited for, or with `wait=False` tried (False when another transaction
    holds it). Elsewhere True at once: SQLite's IMMEDIATE transactions queue every writer already."""
    if connection.vendor != "postgresql":
        return True
    assert connection.in_atomic_block, "an advisory lock lasts until the end of the transaction it is taken in"
    if wait:
        fetch_rows("SELECT pg_advisory_xact_lock(%s)", [key])
        return True
    ((taken,),) = fetch_rows("SELECT pg_try_advisory_xact_lock(%s)", [key])
    return taken


class hot_cursor:  # named as a function: used as `with hot_cursor() as cursor`
    """A cursor for the hot paths' statements: the backend's own, without Django's wrapper (≈ 0.03 ms of CPU per
    statement, ≈ 0.6 ms per purchase), once the request's connection is open and health-checked. Database
    errors still arrive as Django's exceptions. Whenever statements are being watched — counted by
    `CaptureQueriesContext` or the debug toolbar, or seen by an `execute_wrapper` — Django's cursor is used, so
    tests and instrumentation see every statement; so it is in a transaction already marked for rollback, where
    Django refuses the statement. The kept cursor serves one statement at a time: read its results before the
    next `hot_cursor()` block. `db`: the default connection when the caller has looked it up already. A class
    rather than a generator: entered for every statement of a purchase, it costs two calls instead of six."""

    __slots__ = ("db", "django_cursor")

    def __init__(self, db=None):
        # the connection itself: `connection` looks it up on every attribute read
        self.db = connections[DEFAULT_DB_ALIAS] if db is None else db

    def __enter__(self):
        db = self.db
        if statements_watched(db):
            self.django_cursor = db.cursor()
            return self.django_cursor
        self.django_cursor = None
        cursor = db.__dict__.get("hot_cursor")
        if cursor is None or cursor.connection is not db.connection:
            # one per connection, kept: the driver remembers how it adapted each type of value on the cursor
            cursor = db.__dict__["hot_cursor"] = driver_cursor(db)
        return cursor

    def __exit__(self, exc_type, exc_value, traceback):
        if self.django_cursor is not None:
            self.django_cursor.__exit__(exc_type, exc_value, traceback)  # closes it
            return False
        # the driver's errors as Django's (raised from here), the others as they are
        return driver_errors_as_django(self.db).__exit__(exc_type, exc_value, traceback)


# --- the hot paths' writes: one statement each, no model machinery ----------------------------------------
# A row written once and never read back in the same request does not need a model instance, save(), signals
# or a compiled queryset: through the ORM an INSERT or UPDATE costs 0.2–0.7 ms of CPU, through these helpers
# about 0.05 ms. The SQL of each shape is built once per process; values are converted by their model field
# (timestamps, JSON, UUIDs, decimals), so SQLite and PostgreSQL read back exactly what the ORM would write.

_PLAIN = (int, float, str, bool, type(None))
_sql_cache: dict[tuple, tuple] = {}


def _db_value(field, value, db, converted: dict | None = None):
    """`value` as the field writes it on connection `db`; `converted` remembers conversions within one statement
    (the same timestamp is usually written to several columns and rows)."""
    if type(value) in _PLAIN:
        return value
    if (
        type(value) is dt.datetime
        and value.tzinfo is not None
        and db.vendor == "postgresql"
        and isinstance(field, models.DateTimeField)
    ):
        return value  # what the field would give: the driver sends an aware timestamp as it is
    if converted is None or not isinstance(value, dt.datetime):
        return field.get_db_prep_save(value, db)
    key = (field.attname, value)  # one model per statement: its attnames name its fields
    if key not in converted:
        converted[key] = field.get_db_prep_save(value, db)
    return converted[key]


def _insert_shape(model) -> tuple:
    key = ("insert", model)
    if key not in _sql_cache:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [f for f in concrete_fields(model) if not f.primary_key or not f.auto_created]
        _sql_cache[key] = (
            fields,
            # a concrete field always has a column (the stubs type `column` for every field)
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(cast(str, f.column)) for f in fields)}) VALUES ",
            f" RETURNING {quote(meta.pk.column)}",
        )
    return _sql_cache[key]


def _row_params(fields: list, rows: list[dict], db, params: list) -> list:
    """`params` extended with each row's values for `fields`, as each field writes them (a field left out gets
    its model default)."""
    converted: dict = {}
    for row in rows:
        for f in fields:
            value = row[f.attname] if f.attname in row else f.get_default()
            params.append(value if type(value) in _PLAIN else _db_value(f, value, db, converted))
    return params


def _insert_statement(model, rows: list[dict], db) -> tuple[str, list]:
    """The INSERT ... RETURNING of `rows` and its parameters."""
    fields, head, tail = _insert_shape(model)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return head + ", ".join([one] * len(rows)) + tail, _row_params(fields, rows, db, [])


def insert_rows(model, rows: list[dict]) -> list[int]:
    """Insert `rows` ({field attname: value}) with one INSERT ... RETURNING; returns their primary keys in order.
    A field left out gets its model default, as `Model(...)` would give it (no `pre_save`: pass timestamps)."""
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    sql, params = _insert_statement(model, rows, db)
    with hot_cursor(db) as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def insert_together(parts: Sequence[TableRows]) -> list[list[int]]:
    """Several `insert_rows` of one transaction that do not depend on each other (no row refers to a row written
    here): on PostgreSQL one statement, `WITH p0 AS (INSERT ... RETURNING id), p1 AS (...) SELECT ...`, so one
    round trip instead of one per table; elsewhere one INSERT after the other. Returns each part's primary keys
    in the order of its rows. A failing row fails them all: the statement is one."""
    db = connections[DEFAULT_DB_ALIAS]
    written = [(n, model, rows) for n, (model, rows) in enumerate(parts) if rows]
    if db.vendor != "postgresql" or len(written) < 2:
        return [insert_rows(model, rows) for model, rows in parts]
    ctes, selects, params = [], [], []
    for n, model, rows in written:
        sql, values = _insert_statement(model, rows, db)
        ctes.append(f"p{n} AS ({sql})")
        selects.append(f"SELECT {n}, {db.ops.quote_name(cast(str, model._meta.pk.column))} FROM p{n}")
        params.extend(values)
    with hot_cursor(db) as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params)
        found = cursor.fetchall()
    keys: list[list[int]] = [[] for _ in parts]
    for n, pk in found:
        keys[n].append(pk)
    # one sequence per table, drawn row by row: ascending keys are the rows' order
    return [sorted(k) for k in keys]


def insert_with_children(model, row: dict, child, link: str, children: list[dict]) -> int:
    """Insert one row and the rows of another table that refer to it by `link` (their foreign key's attname,
    filled in here), e.g. a ledger transaction and its entries; returns the first row's key. On PostgreSQL one
    statement, `WITH p AS (INSERT ... RETURNING id) INSERT INTO <child> SELECT p.id, v.* FROM p, (VALUES ...) v`,
    each value cast to its column's type; elsewhere two INSERTs."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not children:
        pk = insert_rows(model, [row])[0]
        insert_rows(child, [{**r, link: pk} for r in children])
        return pk
    key = ("children", model, child, link, len(children))
    if key not in _sql_cache:
        quote = db.ops.quote_name
        head, tail = _insert_shape(model)[1:]
        fields = [f for f in _insert_shape(child)[0] if f.attname != link]
        one = "(" + ", ".join(f"CAST(%s AS {f.cast_db_type(db)})" for f in fields) + ")"
        names = ", ".join(f"c{n}" for n in range(len(fields)))
        column = quote(child._meta.get_field(link).column)
        _sql_cache[key] = (
            f"WITH p AS ({head}({', '.join(['%s'] * len(_insert_shape(model)[0]))}){tail}) "
            f"INSERT INTO {quote(child._meta.db_table)} ({column}, {', '.join(quote(f.column) for f in fields)}) "
            f"SELECT p.{quote(model._meta.pk.column)}, {names} FROM p, (VALUES {', '.join([one] * len(children))}) "
            f"AS v({names}) RETURNING {column}",
            fields,
        )
    sql, fields = _sql_cache[key]
    params = _row_params(fields, children, db, _insert_statement(model, [row], db)[1])
    with hot_cursor(db) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def insert_objects(objs: list, *, along: Sequence[TableRows] = ()) -> list:
    """Insert new, unsaved instances of one model with `insert_rows`: their primary keys are set and they are
    marked as saved (no `save()`, no signals). For instances built anyway, e.g. priced order lines. `along`:
    rows of other tables written in the same statement (`insert_together`)."""
    if not objs:
        return objs
    fields, _, _ = _insert_shape(type(objs[0]))
    rows = [{f.attname: getattr(o, f.attname) for f in fields} for o in objs]
    pks = insert_together([(type(objs[0]), rows), *along])[0]
    for obj, pk in zip(objs, pks):
        obj.pk = pk
        mark_saved(obj, DEFAULT_DB_ALIAS)
    return objs


def saved(model, pk: int, **values):
    """An instance of a row just written by `insert_rows` (or read as values), marked as saved."""
    return mark_saved(model(pk=pk, **values), DEFAULT_DB_ALIAS)


def _update_statement(model, where: dict, values: dict, db) -> tuple[str, list]:
    """The UPDATE of `update_rows` and its parameters (the SQL of each shape built once per process)."""
    meta = model._meta
    shape = tuple((k, None if v is None else len(v) if isinstance(v, list) else 0) for k, v in where.items())
    key = ("update", model, tuple(values), shape)
    if key not in _sql_cache:
        quote, conditions = connection.ops.quote_name, []
        for name, kind in shape:
            column = quote(meta.get_field(name).column if name != "pk" else meta.pk.column)
            conditions.append(
                f"{column} IS NULL"
                if kind is None
                else f"{column} IN ({', '.join(['%s'] * kind)})"
                if kind
                else f"{column} = %s"
            )
        sets = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in values)
        _sql_cache[key] = (
            f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {' AND '.join(conditions)}",
            [meta.get_field(n) for n in values],
            [meta.pk if n == "pk" else meta.get_field(n) for n, _ in shape],
        )
    sql, set_fields, where_fields = _sql_cache[key]
    converted: dict = {}
    params = [_db_value(f, v, db, converted) for f, v in zip(set_fields, values.values())]
    for f, v in zip(where_fields, where.values()):
        if isinstance(v, list):
            params.extend(_db_value(f, x, db) for x in v)
        elif v is not None:
            params.append(_db_value(f, v, db))
    return sql, params


def update_rows(model, *, where: dict, values: dict) -> int:
    """`UPDATE <model> SET <values> WHERE <where>` and its row count. `where` maps attnames to a value
    (`=`), None (`IS NULL`) or a list (`IN`); all conditions are ANDed. The conditional updates of the hot paths
    (`... WHERE state = 8`) check the count as they would with `QuerySet.update`."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, params = _update_statement(model, where, values, db)
    with hot_cursor(db) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def update_together(updates: list[tuple[type, dict, dict]]) -> list[int]:
    """Several `update_rows` (model, where, values) of one transaction that touch different rows: on PostgreSQL
    one statement (`WITH u0 AS (UPDATE ... RETURNING 1), ... SELECT` each one's count), elsewhere one after the
    other. Returns each update's row count. Each sees the rows as they were before the statement: none may
    depend on another's change."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or len(updates) < 2:
        return [update_rows(model, where=where, values=values) for model, where, values in updates]
    ctes, counts, params = [], [], []
    for n, (model, where, values) in enumerate(updates):
        sql, statement_params = _update_statement(model, where, values, db)
        ctes.append(f"u{n} AS ({sql} RETURNING 1)")
        counts.append(f"(SELECT count(*) FROM u{n})")
        params.extend(statement_params)
    with hot_cursor(db) as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {', '.join(counts)}", params)
        return list(cursor.fetchone())


def fetch_rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    """A read the hot paths issue as written (no queryset to compile), as plain tuples. Columns are given in
    the SQL; keep to numbers and text (timestamps come back as text on SQLite)."""
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _object_shape(model, alias: str, db) -> tuple:
    """The columns of `model` under `alias` as a SELECT list, their attnames, and the converters of those that
    have some (worked out once per process)."""
    key = ("objects", model, alias)
    if key not in _sql_cache:
        quote, fields = db.ops.quote_name, concrete_fields(model)
        converters = []
        for i, f in enumerate(fields):
            funcs, col = column_converters(f, alias, db)
            if funcs:
                converters.append((i, funcs, col))
        _sql_cache[key] = (
            ", ".join(f"{alias}.{quote(f.column)}" for f in fields),
            [f.attname for f in fields],
            converters,
        )
    return _sql_cache[key]


def _object_of(model, shape: tuple, values: list, db):
    _, names, converters = shape
    for i, funcs, col in converters:
        for func in funcs:
            values[i] = func(values[i], col, db)
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


def fetch_objects(
    model,
    where: str,
    params: list | tuple = (),
    *,
    joins: str = "",
    extra: dict[str, str] | None = None,
    related: dict[str, tuple] | None = None,
) -> list:
    """Instances of `model` read with one statement written out, `SELECT t.<every column>[, <related>][, <extra>]
    FROM <its table> t <joins> WHERE <where>`: what `Model.objects.raw` does for a request's few rows, without
    working out the columns and their converters on every call (≈ 0.1 instead of ≈ 0.3 ms a statement). Values
    pass through the fields' converters as a queryset's would (SQLite's timestamps, JSON...). Each `related`
    entry, `{attribute: (model, alias)}`, builds the row of that model that `joins` joins under `alias` and sets
    it as the attribute (a relation's cache, as `select_related` would); each `extra` SQL expression is set as
    the attribute named by its key."""
    db = connections[DEFAULT_DB_ALIAS]
    shapes = [(model, _object_shape(model, "t", db))]
    attributes = list((related or {}).keys())
    shapes += [(other, _object_shape(other, alias, db)) for other, alias in (related or {}).values()]
    extra = extra or {}
    sql = (
        f"SELECT {', '.join(shape[0] for _, shape in shapes)}{''.join(f', {e}' for e in extra.values())}"
        f" FROM {db.ops.quote_name(model._meta.db_table)} t {joins} WHERE {where}"
    )
    objs = []
    with hot_cursor(db) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        built, at = [], 0
        for each, shape in shapes:
            width = len(shape[1])
            built.append(_object_of(each, shape, list(row[at : at + width]), db))
            at += width
        obj = built[0]
        for name, other in zip(attributes, built[1:]):
            setattr(obj, name, other)
        for name, value in zip(extra, row[at:]):
            setattr(obj, name, value)
        objs.append(obj)
    return objs
