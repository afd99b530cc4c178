"""One injectable clock. Code asks `clock.now()`; tests move time with `clock.frozen(...)`."""

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: dt.timedelta) -> None:
    """Move a frozen clock forward (inside `frozen`)."""
    global _frozen
    assert _frozen is not None, "advance() needs a frozen clock"
    _frozen = _frozen + delta


def local_date(at: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The calendar day at a moment in a time zone: the one definition of a place's "today" (timestamps are
    stored in UTC). A market's is `Market.local_date`; a merchant's or a partner's months start from here."""
    return at.astimezone(zone).date()


def local_month(at: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The first day of the month at a moment in a time zone."""
    return local_date(at, zone).replace(day=1)
