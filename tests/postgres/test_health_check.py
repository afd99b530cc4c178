"""The kept connection's health check (remarket/core/postgresql): no statement while the connection is
healthy, a new connection once the server has closed the old one."""

import select
import time

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _other_session() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )


def _readable(timeout: float = 5.0) -> bool:
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def _request_starts() -> None:
    """What Django does when a request starts with a kept connection (signals.request_started)."""
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def test_a_healthy_connection_is_kept_without_a_statement(monkeypatch):
    connection.ensure_connection()
    assert connection.health_check_enabled
    kept = connection.connection

    def no_statement(*args, **kwargs):
        raise AssertionError("the health check of a healthy connection sent a statement")

    monkeypatch.setattr(kept, "cursor", no_statement)
    monkeypatch.setattr(kept, "execute", no_statement)
    _request_starts()
    assert connection.connection is kept
    monkeypatch.undo()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it():
    connection.ensure_connection()
    old = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with _other_session() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and connection.is_usable():  # the server's goodbye is on its way
        time.sleep(0.01)
    _request_starts()
    assert connection.connection is not old
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend


def test_a_notification_waiting_on_a_healthy_connection_is_read_and_the_connection_kept():
    connection.ensure_connection()
    kept = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("LISTEN remarket_health_check_test")
    with _other_session() as other:
        other.execute("NOTIFY remarket_health_check_test")
    assert _readable(), "the notification did not arrive"
    _request_starts()  # readable, so checked with a statement, which reads the notification: healthy, kept
    assert connection.connection is kept
    assert not _readable(timeout=0)
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")


def test_a_connection_left_in_a_failed_transaction_is_closed():
    connection.ensure_connection()
    old = connection.connection
    old.execute("BEGIN")
    with pytest.raises(psycopg.errors.DivisionByZero):
        old.execute("SELECT 1 / 0")
    assert not connection.is_usable()  # as Django's own check: the statement fails in the failed transaction
    _request_starts()
    assert connection.connection is not old
