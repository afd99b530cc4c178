"""Holds that cannot be squatted: who checks out may keep only so many units held at once, and start only so many
checkouts a minute — per web session, per customer, and (more loosely, as several people share an address) per
client address. Counted from the holds themselves, in the checkout's own transaction, so every app server agrees.

Settings (`REMARKET["CHECKOUT_LIMITS"]`, None switches a limit off): `UNITS_HELD` and `UNITS_HELD_PER_IP`,
`PER_MINUTE` and `PER_MINUTE_PER_IP`. The quantity of one line is bounded by `REMARKET["MAX_LINE_QUANTITY"]`."""

import datetime as dt
import math
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from remarket.core import clock
from remarket.core.db import advisory_lock, fetch_rows
from remarket.core.errors import TooManyRequests

WINDOW = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Holder:
    """Who is checking out. Any part may be unknown; a holder with none is not limited (a clerk's sale)."""

    session_key: str = ""
    customer_id: int | None = None
    client_ip: str = ""

    def columns(self) -> dict:
        return {"session_key": self.session_key, "customer_id": self.customer_id, "client_ip": self.client_ip}

    def lock_key(self) -> int:
        """The most specific identity, as a 32-bit advisory lock key: one checkout of a holder at a time."""
        name = (
            f"s:{self.session_key}"
            if self.session_key
            else f"c:{self.customer_id}"
            if self.customer_id
            else f"i:{self.client_ip}"
        )
        return zlib.crc32(f"checkout-limit|{name}".encode()) - 2**31

    def __bool__(self) -> bool:
        return bool(self.session_key or self.customer_id or self.client_ip)


def max_line_quantity() -> int:
    return settings.REMARKET["MAX_LINE_QUANTITY"]


# per identity: units in holds still open and unexpired, checkouts started in the window, and when the oldest of
# each stops counting; a NULL identity matches nothing
_USAGE_SQL = """
SELECT {sums}
  FROM checkout_stockhold
 WHERE ((released_at IS NULL AND expires_at > %s) OR created_at >= %s)
   AND (session_key = %s OR customer_id = %s OR client_ip = %s)"""
_IDENTITY = ("session_key", "customer_id", "client_ip")
_PER_IDENTITY = (
    "COALESCE(SUM(CASE WHEN released_at IS NULL AND expires_at > %s AND {c} = %s THEN units END), 0), "
    "MIN(CASE WHEN released_at IS NULL AND expires_at > %s AND {c} = %s THEN expires_at END), "
    "COUNT(CASE WHEN created_at >= %s AND {c} = %s THEN 1 END), "
    "MIN(CASE WHEN created_at >= %s AND {c} = %s THEN created_at END)"
)


def holds_limit_check(*, holder: Holder, units: int) -> None:
    """Refuse (429, with the seconds to wait) a checkout of `units` more units that would pass a limit. Runs in
    the checkout's transaction; on PostgreSQL a holder's checkouts queue on an advisory lock so two at once cannot
    both pass the last free unit of their allowance (SQLite's IMMEDIATE transactions queue them already)."""
    limits = settings.REMARKET["CHECKOUT_LIMITS"]
    if not holder or not any(v is not None for v in limits.values()):
        return
    advisory_lock(holder.lock_key())
    now = clock.now()
    # timestamps as the columns store them (naive UTC text on SQLite), so that comparisons are exact
    at, since = (connection.ops.adapt_datetimefield_value(t) for t in (now, now - WINDOW))
    values = [holder.session_key or None, holder.customer_id, holder.client_ip or None]
    params: list = []
    for value in values:
        params += [at, value, at, value, since, value, since, value]
    sql = _USAGE_SQL.format(sums=", ".join(_PER_IDENTITY.format(c=c) for c in _IDENTITY))
    (row,) = fetch_rows(sql, [*params, at, since, *values])
    for n, value in enumerate(values):
        if value is None:
            continue
        held, first_expiry, started, first_start = row[4 * n : 4 * n + 4]
        per_ip = _IDENTITY[n] == "client_ip"
        held_max = limits.get("UNITS_HELD_PER_IP" if per_ip else "UNITS_HELD")
        rate_max = limits.get("PER_MINUTE_PER_IP" if per_ip else "PER_MINUTE")
        if rate_max is not None and started >= rate_max:
            raise TooManyRequests(
                "CHECKOUT_RATE_LIMITED",
                _("Too many checkouts in a short time. Please wait a minute and try again."),
                retry_after=_seconds_until(_aware(first_start) + WINDOW, now),
            )
        if held_max is not None and held + units > held_max:
            raise TooManyRequests(
                "CHECKOUT_HOLD_LIMIT",
                _(
                    "You already have %(held)s devices reserved in unpaid orders; at most %(max)s can be reserved at "
                    "once. Pay or cancel an order, or wait until its reservation ends."
                )
                % {"held": held, "max": held_max},
                retry_after=_seconds_until(_aware(first_expiry), now) if first_expiry else 60,
            )


def _aware(value) -> dt.datetime:
    """A timestamp from a raw query: SQLite gives text or a naive UTC datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))
