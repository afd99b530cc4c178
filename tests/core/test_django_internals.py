"""Each probe of core/django_internals.py against the running Django: an upgrade that renames or changes what a
probe relies on fails here, naming the probe, rather than somewhere in a purchase."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from remarket.core import django_internals as internals
from remarket.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _key(**values) -> IdempotencyKey:
    row = dict(scope="s", route="r", key="k", fingerprint="f", status_code=200, body={"a": 1}, created_at=AT)
    return IdempotencyKey.objects.create(**{**row, **values})


def _open(db):
    db.ensure_connection()
    return db


def test_testcase_atomic_and_in_transaction_of_ours_tell_the_tests_blocks_from_ours():
    assert connection.atomic_blocks, "Django no longer keeps `atomic_blocks` on the connection"
    assert all(internals.testcase_atomic(b) for b in connection.atomic_blocks), (
        "a TestCase's atomic blocks are no longer marked `_from_testcase`"
    )
    assert not internals.in_transaction_of_ours(connection)
    with transaction.atomic():
        assert internals.in_transaction_of_ours(connection), "an atomic block of ours is not seen"
        assert not internals.testcase_atomic(connection.atomic_blocks[-1])
    assert not internals.in_transaction_of_ours(connection)


def test_statements_watched_sees_each_reason_to_use_djangos_cursor():
    db = _open(connection)
    db.health_check_done = True  # as after the request's first statement
    assert internals.statements_watched(db) is False, "an idle, checked connection counts as watched"
    with CaptureQueriesContext(db):
        assert internals.statements_watched(db), "`queries_logged` no longer shows CaptureQueriesContext"
    with db.execute_wrapper(lambda execute, sql, params, many, context: execute(sql, params, many, context)):
        assert internals.statements_watched(db), "`execute_wrappers` no longer shows an execute_wrapper"
    with transaction.atomic():
        transaction.set_rollback(True)
        assert internals.statements_watched(db), "`needs_rollback` no longer shows a transaction marked for rollback"
    assert hasattr(db, "health_check_enabled") and hasattr(db, "health_check_done"), (
        "the connection's health-check flags were renamed"
    )


def test_driver_cursor_is_not_djangos_wrapper_and_takes_the_same_placeholders():
    db = _open(connection)
    cursor = internals.driver_cursor(db)
    try:
        assert not isinstance(cursor, CursorWrapper), "`create_cursor` now gives Django's CursorWrapper"
        cursor.execute("SELECT %s", [7])  # core/db.py writes %s placeholders on every backend
        assert list(cursor.fetchone()) == [7]
    finally:
        cursor.close()


def test_driver_errors_as_django_turns_a_driver_error_into_djangos():
    db = _open(connection)
    _key()
    table = db.ops.quote_name(IdempotencyKey._meta.db_table)
    cursor = internals.driver_cursor(db)
    try:
        with pytest.raises(IntegrityError), transaction.atomic():
            with internals.driver_errors_as_django(db):
                cursor.execute(
                    f"INSERT INTO {table} (scope, route, key, fingerprint, status_code, body, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    ["s", "r", "k", "f", 200, "{}", db.ops.adapt_datetimefield_value(AT)],
                )
    finally:
        cursor.close()


def test_mark_saved_makes_save_update_the_row_written_without_the_orm():
    first = _key()
    copy = IdempotencyKey(pk=first.pk, scope="s", route="r", key="k", fingerprint="g", status_code=201, body={})
    assert copy._state.adding, "a new instance is no longer `_state.adding`"
    internals.mark_saved(copy, "default")
    assert (copy._state.adding, copy._state.db) == (False, "default")
    copy.save(update_fields=["fingerprint"])  # refused for an instance Django thinks unsaved
    assert IdempotencyKey.objects.get(pk=first.pk).fingerprint == "g"


def test_column_converters_read_a_value_as_a_queryset_does():
    made = _key()
    field = IdempotencyKey._meta.get_field("body")
    funcs, col = internals.column_converters(field, "t", connection)
    assert funcs, "a JSON column no longer has a converter (`get_db_converters`)"
    assert col.alias == "t" and col.target is field, "`Field.get_col` no longer gives the column under the alias"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.body FROM {IdempotencyKey._meta.db_table} t WHERE t.id = %s", [made.pk])
        (value,) = cursor.fetchone()
    for func in funcs:
        value = func(value, col, connection)
    assert value == {"a": 1}


def test_concrete_fields_are_the_tables_columns_in_order():
    fields = internals.concrete_fields(IdempotencyKey)
    assert [f.attname for f in fields] == [
        "id",
        "scope",
        "route",
        "key",
        "fingerprint",
        "status_code",
        "body",
        "created_at",
    ], "`Options.concrete_fields` changed"


def test_queryset_sql_gives_a_statement_that_runs():
    _key()
    sql, params = internals.queryset_sql(IdempotencyKey.objects.filter(scope="s").values("key"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT q.key FROM ({sql}) q", params)
        assert cursor.fetchall() == [("k",)], "`Query.sql_with_params` no longer gives the queryset's SQL"


# what only core/django_internals.py may read of Django's
PRIVATE = {
    "_state",
    "_from_testcase",
    "atomic_blocks",
    "needs_rollback",
    "create_cursor",
    "queries_logged",
    "execute_wrappers",
    "wrap_database_errors",
    "health_check_enabled",
    "health_check_done",
    "concrete_fields",
    "sql_with_params",
}


def test_no_other_module_reads_djangos_private_attributes():
    package = Path(__file__).resolve().parents[2] / "remarket"
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "django_internals.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = node.attr if isinstance(node, ast.Attribute) else None
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr", "setattr"):
                name = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), None)
            if name in PRIVATE:
                found.append(f"{path.relative_to(package.parent)}:{node.lineno}: {name}")
    assert not found, "Django's private attributes outside core/django_internals.py:\n" + "\n".join(found)
