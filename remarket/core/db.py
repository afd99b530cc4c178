from django.db import connection


def outside_transaction() -> bool:
    """True when no transaction of ours is open. A test wrapped in a transaction sets
    `connection.remarket_baseline_atomic` to the depth it starts from."""
    return len(connection.atomic_blocks) <= getattr(connection, "remarket_baseline_atomic", 0)


def assert_outside_transaction(what: str) -> None:
    if not outside_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction or while holding a lock")
