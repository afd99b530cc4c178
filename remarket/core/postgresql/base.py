import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's own, except how a kept connection is checked at the start of each request (CONN_HEALTH_CHECKS).

    Django asks the server `SELECT 1`: a round trip and a statement for PostgreSQL on every request, 4 % of a
    gunicorn worker's CPU on the checkout API (bench/checkout.py). A connection the server has closed (restart,
    `pg_terminate_backend`, an idle timeout, a proxy hanging up) leaves its socket readable, with the server's
    last message or the end of the stream waiting; a healthy idle connection has nothing to read. So the
    socket is asked first, without waiting, and only a readable one is checked with Django's statement (which
    also reads whatever notice was waiting). A connection not idle outside a transaction (one in a transaction,
    or in one that failed) is checked with the statement, as Django does: a failed one is then closed."""

    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        poller = select.poll()  # not select(): it refuses descriptors above 1023
        try:
            poller.register(conn.fileno(), select.POLLIN)
        except (OSError, ValueError):  # the socket is gone
            return False
        return not poller.poll(0) or super().is_usable()
