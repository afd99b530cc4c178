"""The one place where units move. Every move is a conditional atomic update, taken in primary-key
order so that two checkouts over the same listings cannot deadlock; a zero row count means the units
were not there, and the caller's transaction rolls back whole.

Units at a location move with a `StockMovement` row written in the same transaction (on PostgreSQL in the
same statement): a counter sale's hold is a `sale` movement, its release a `sale_released` one. The other
moves (receive, transfer, return to the merchant, adjust) are `store_stock.py`'s."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from remarket.core import clock
from remarket.core.db import hot_cursor
from remarket.core.errors import Conflict

from .models import Listing, StockMovement


@dataclass(frozen=True)
class Units:
    listing_id: int
    quantity: int
    location_id: int | None = None  # None: the merchant's own stock behind the web channel


def _merged(items: Iterable[Units]) -> list[tuple[tuple[int | None, int], int]]:
    totals: dict[tuple[int | None, int], int] = defaultdict(int)
    for item in items:
        if item.quantity <= 0:
            raise Conflict("STOCK_QUANTITY_INVALID", "A quantity is a whole number above zero.")
        totals[(item.location_id, item.listing_id)] += item.quantity
    return sorted(totals.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))


# Written out rather than built by the ORM on every purchase (a third of a millisecond each, measured): the
# check and the decrement are one statement, so no reader can see the units between them.
RESERVE_ONLINE = (
    'UPDATE "offers_listing" SET "quantity" = ("offers_listing"."quantity" - %s) '
    'WHERE "offers_listing"."id" = %s AND "offers_listing"."quantity" >= %s RETURNING "quantity"'
)
RESERVE_COUNTER = (
    'UPDATE "offers_locationstock" SET "available" = ("offers_locationstock"."available" - %s) '
    'WHERE "offers_locationstock"."location_id" = %s AND "offers_locationstock"."listing_id" = %s '
    'AND "offers_locationstock"."available" >= %s'
)
RELEASE_ONLINE = (
    'UPDATE "offers_listing" SET "quantity" = ("offers_listing"."quantity" + %s) WHERE "offers_listing"."id" = %s'
    ' RETURNING "quantity"'
)
RELEASE_COUNTER = (
    'UPDATE "offers_locationstock" SET "available" = ("offers_locationstock"."available" + %s) '
    'WHERE "offers_locationstock"."location_id" = %s AND "offers_locationstock"."listing_id" = %s'
)


# A counter move and its movement row. PostgreSQL: one statement, the insert reads the updated row (so its row
# count is the update's); elsewhere the insert follows, after the caller has checked the update's row count.
_MOVEMENT_COLUMNS = '"location_id", "listing_id", "kind", "delta", "reason", "at", "actor_id", "order_id"'
_MOVED_PG = (
    'WITH moved AS ({update} RETURNING "location_id", "listing_id") '
    f'INSERT INTO "offers_stockmovement" ({_MOVEMENT_COLUMNS}) '
    "SELECT moved.location_id, moved.listing_id, %s, %s, '', %s, %s, %s FROM moved"
)
_MOVEMENT_INSERT = f"INSERT INTO \"offers_stockmovement\" ({_MOVEMENT_COLUMNS}) VALUES (%s, %s, %s, %s, '', %s, %s, %s)"


def _counter_move(
    cursor,
    update: str,
    params: list,
    *,
    location_id: int,
    listing_id: int,
    kind: str,
    delta: int,
    actor_id: int | None,
    order_id: int | None,
) -> int:
    """Run a counter update with its movement row; the update's row count."""
    at = StockMovement._meta.get_field("at").get_db_prep_value(clock.now(), connection)
    if connection.vendor == "postgresql":
        cursor.execute(_MOVED_PG.format(update=update), [*params, kind, delta, at, actor_id, order_id])
        return cursor.rowcount
    cursor.execute(update, params)
    count = cursor.rowcount
    if count == 1:
        cursor.execute(_MOVEMENT_INSERT, [location_id, listing_id, kind, delta, at, actor_id, order_id])
    return count


# Several listings off one location's shelf (a till's basket), on PostgreSQL in one statement: the rows locked in
# listing order (as one update after the other would take them), each decremented only where enough is left,
# a movement written per row moved; the listings that moved come back, so a short basket names what is missing.
_RESERVE_SHELF_PG = (
    "WITH wanted(listing_id, n) AS (VALUES {values}),"
    ' locked AS (SELECT s.id FROM "offers_locationstock" s JOIN wanted w ON w.listing_id = s.listing_id'
    " WHERE s.location_id = %s ORDER BY s.listing_id FOR UPDATE OF s),"
    ' moved AS (UPDATE "offers_locationstock" s SET "available" = s.available - w.n FROM wanted w'
    " WHERE s.id IN (SELECT id FROM locked) AND s.listing_id = w.listing_id AND s.available >= w.n"
    " RETURNING s.location_id, s.listing_id, w.n)"
    f' INSERT INTO "offers_stockmovement" ({_MOVEMENT_COLUMNS})'
    " SELECT moved.location_id, moved.listing_id, %s, -moved.n, '', %s, %s, %s FROM moved"
    ' RETURNING "listing_id"'
)


def _shelf_reserve(cursor, location_id: int, rows: list[tuple[int, int]], *, actor_id, order_id) -> None:
    """`rows` (listing id, units) off one location's shelf at once, all or nothing (PostgreSQL)."""
    at = StockMovement._meta.get_field("at").get_db_prep_value(clock.now(), connection)
    values = ", ".join(["(%s::bigint, %s::integer)"] * len(rows))
    params = [v for row in rows for v in row]
    cursor.execute(
        _RESERVE_SHELF_PG.format(values=values),
        [*params, location_id, StockMovement.Kind.SALE, at, actor_id, order_id],
    )
    moved = {listing_id for (listing_id,) in cursor.fetchall()}
    for listing_id, qty in rows:
        if listing_id not in moved:
            raise Conflict(
                "STOCK_UNAVAILABLE",
                "Not enough units left for this offer.",
                {"listing_id": listing_id, "location_id": location_id, "requested": qty},
            )


def stock_reserve(items: Iterable[Units], *, order_id: int | None = None, actor_id: int | None = None) -> None:
    """Take units out of availability, all or nothing. Must run inside the caller's transaction. Units at a
    location leave with a `sale` movement naming the order and the clerk; on PostgreSQL a location's several
    listings move in one statement."""
    merged = _merged(items)
    shelves: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (location_id, listing_id), qty in merged:
        if location_id is not None:
            shelves[location_id].append((listing_id, qty))
    batched = {l for l, rows in shelves.items() if len(rows) > 1} if connection.vendor == "postgresql" else set()
    emptied = []  # listings whose last unit this takes: their grade summaries change (summaries.py)
    with hot_cursor() as cursor:
        for (location_id, listing_id), qty in merged:
            if location_id in batched:
                if shelves[location_id][0][0] == listing_id:  # the location's first row: the whole shelf at once
                    _shelf_reserve(cursor, location_id, shelves[location_id], actor_id=actor_id, order_id=order_id)
                continue
            if location_id is None:
                cursor.execute(RESERVE_ONLINE, [qty, listing_id, qty])
                left = cursor.fetchone()
                count = 0 if left is None else 1
                if left is not None and left[0] == 0:
                    emptied.append(listing_id)
            else:
                count = _counter_move(
                    cursor,
                    RESERVE_COUNTER,
                    [qty, location_id, listing_id, qty],
                    location_id=location_id,
                    listing_id=listing_id,
                    kind=StockMovement.Kind.SALE,
                    delta=-qty,
                    actor_id=actor_id,
                    order_id=order_id,
                )
            if count != 1:
                raise Conflict(
                    "STOCK_UNAVAILABLE",
                    "Not enough units left for this offer.",
                    {"listing_id": listing_id, "location_id": location_id, "requested": qty},
                )
    _summaries_follow(emptied)


def _summaries_follow(listing_ids: list[int]) -> None:
    """A listing that ran out or came back changes its grade's summary: recomputed in this transaction."""
    if listing_ids:
        from .summaries import summaries_refresh

        summaries_refresh(variant_ids=Listing.objects.filter(pk__in=listing_ids).values_list("variant_id", flat=True))


def stock_release(items: Iterable[Units], *, order_id: int | None = None) -> None:
    """Give held units back to availability (an unpaid order, an expired hold); at a location with a
    `sale_released` movement."""
    refilled = []  # listings back from zero units: their grade summaries change
    with hot_cursor() as cursor:
        for (location_id, listing_id), qty in _merged(items):
            if location_id is None:
                cursor.execute(RELEASE_ONLINE, [qty, listing_id])
                now = cursor.fetchone()
                if now is not None and now[0] == qty:
                    refilled.append(listing_id)
            else:
                _counter_move(
                    cursor,
                    RELEASE_COUNTER,
                    [qty, location_id, listing_id],
                    location_id=location_id,
                    listing_id=listing_id,
                    kind=StockMovement.Kind.SALE_RELEASED,
                    delta=qty,
                    actor_id=None,
                    order_id=order_id,
                )
    _summaries_follow(refilled)
