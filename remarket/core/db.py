from django.db import connection


def outside_transaction() -> bool:
    """True when no transaction of ours is open (the ones a TestCase wraps each test in do not count)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def assert_outside_transaction(what: str) -> None:
    if not outside_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction or while holding a lock")
