"""Every use of Django's private machinery, in one place: what the hot paths' statements (core/db.py) and the
checks on transactions need of Django that its public API does not offer. Each probe is exercised against the
running Django by tests/core/test_django_internals.py, which fails with the probe's name when an upgrade
renames or changes what it relies on. Nothing else in remarket reads a private attribute of Django's."""

from django.db.models import Field, Model, QuerySet


def testcase_atomic(block) -> bool:
    """True for an atomic block a TestCase opened around a test (`Atomic._from_testcase`)."""
    return getattr(block, "_from_testcase", False)


def in_transaction_of_ours(db) -> bool:
    """True when connection `db` has a transaction open that is not one of a TestCase's (`atomic_blocks`)."""
    return not all(testcase_atomic(block) for block in db.atomic_blocks)


def statements_watched(db) -> bool:
    """True when Django's own cursor must run the next statement on `db`: not connected yet, or a health check
    due (Django's cursor reconnects), statements being logged (`CaptureQueriesContext`, the debug toolbar) or
    wrapped (`execute_wrapper`), or the transaction marked for rollback (Django refuses the statement)."""
    return (
        db.connection is None
        or db.queries_logged
        or bool(db.execute_wrappers)
        or db.needs_rollback
        or (db.health_check_enabled and not db.health_check_done)
    )


def driver_cursor(db):
    """A new cursor of the database driver itself, on `db`'s open connection, without Django's wrapper."""
    return db.create_cursor()


def driver_errors_as_django(db):
    """A context manager that raises the driver's errors leaving it as Django's (`IntegrityError`...)."""
    return db.wrap_database_errors


def mark_saved(obj: Model, alias: str) -> Model:
    """Mark an instance whose row was written without `save()` as saved in database `alias` (`_state`), so
    that a later `save()` updates it and relations to it can be followed."""
    obj._state.adding, obj._state.db = False, alias
    return obj


def column_converters(field: Field, alias: str, db) -> tuple[list, object]:
    """The functions a queryset passes a column's values through when reading `field` under table alias `alias`
    on `db` (the backend's, then the field's), and the column expression they expect as their second argument."""
    col = field.get_col(alias)
    return db.ops.get_db_converters(col) + field.get_db_converters(db), col


def concrete_fields(model: type[Model]) -> list[Field]:
    """The fields of `model` that are columns of its table, in the table's column order (`Options.concrete_fields`:
    `_meta.get_fields()` also lists relations and does not keep that order)."""
    return list(model._meta.concrete_fields)


def queryset_sql(queryset: QuerySet) -> tuple[str, tuple]:
    """The SQL a queryset would run and its parameters, to embed it in a statement written out
    (`Query.sql_with_params`)."""
    return queryset.query.sql_with_params()
