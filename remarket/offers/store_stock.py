"""Units at a store or partner corner: the one service they move through outside a sale.

Receive, transfer between locations, return to the merchant and adjust each change `LocationStock.available`
by a conditional update and write a `StockMovement` in the same transaction; a counter sale's hold and release
do the same in `stock.py`. So per location and listing the movements sum to what is on hand, and a move of
more than is there is refused (`STOCK_NOT_ON_HAND`) with nothing changed. The units stay the listing's
merchant's (the operator's first-party merchant, or a merchant's on consignment): a move changes where they
are, never whose.

Who may move them: operator staff anywhere, a clerk at their own location only. Partner managers read the
stock and movements of their partner's locations (`stock_readable`)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core import clock
from remarket.core.errors import Conflict, DomainError, Forbidden, NotFound
from remarket.core.text import text_check
from remarket.markets.models import Location

from .models import Listing, LocationStock, StockMovement

MAX_UNITS = 10_000  # per move: a larger number is a typing error, not a delivery
Kind = StockMovement.Kind


def _location(location_id: int) -> Location:
    location = Location.objects.select_related("channel").filter(pk=location_id).first()
    if location is None:
        raise NotFound("LOCATION_NOT_FOUND", _("There is no such location."), {"location_id": location_id})
    return location


def stock_readable(actor: Actor, location: Location) -> bool:
    """Whether the actor may see this location's stock and movements."""
    if actor.role == Role.OPERATOR:
        return True
    if actor.role == Role.CLERK:
        return actor.location_id == location.pk
    if actor.role == Role.PARTNER:  # the partner manager: every location of its partner's channels
        return actor.partner_id is not None and location.channel.partner_id == actor.partner_id
    return False


def _require_mover(actor: Actor, location: Location) -> None:
    if actor.role == Role.OPERATOR or (actor.role == Role.CLERK and actor.location_id == location.pk):
        return
    raise Forbidden(
        "STOCK_LOCATION_FORBIDDEN",
        _("You may move units only at your own location."),
        {"location_id": location.pk},
    )


def _require_readable(actor: Actor, location: Location) -> None:
    if not stock_readable(actor, location):
        raise Forbidden(
            "STOCK_LOCATION_FORBIDDEN", _("You may see only your own location's stock."), {"location_id": location.pk}
        )


def _quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_UNITS:
        raise DomainError(
            "STOCK_QUANTITY_INVALID",
            _("A quantity is a whole number from 1 to %(most)s.") % {"most": MAX_UNITS},
            {"quantity": quantity},
        )
    return quantity


def _reason(reason: str, *, required: bool = False) -> str:
    reason = text_check(reason or "", code="STOCK_REASON_INVALID", field="reason").strip()
    if len(reason) > 200:
        raise DomainError("STOCK_REASON_INVALID", _("A reason is at most 200 characters."), {"field": "reason"})
    if required and not reason:
        raise DomainError("STOCK_REASON_REQUIRED", _("Say why the stock is adjusted."), {"field": "reason"})
    return reason


def _listing(listing_id: int) -> Listing:
    listing = Listing.objects.filter(pk=listing_id).first()
    if listing is None:
        raise NotFound("LISTING_NOT_FOUND", _("There is no such listing."), {"listing_id": listing_id})
    return listing


def _take(location: Location, listing_id: int, quantity: int) -> None:
    """`quantity` units off the shelf, or STOCK_NOT_ON_HAND with nothing changed."""
    taken = LocationStock.objects.filter(location=location, listing_id=listing_id, available__gte=quantity).update(
        available=F("available") - quantity
    )
    if taken != 1:
        on_hand = (
            LocationStock.objects.filter(location=location, listing_id=listing_id)
            .values_list("available", flat=True)
            .first()
        )
        raise Conflict(
            "STOCK_NOT_ON_HAND",
            _("Only %(on_hand)s units of this listing are on hand here.") % {"on_hand": on_hand or 0},
            {"location_id": location.pk, "listing_id": listing_id, "requested": quantity, "on_hand": on_hand or 0},
        )


def _put(location: Location, listing_id: int, quantity: int) -> None:
    if not location.is_active:
        raise Conflict(
            "LOCATION_INACTIVE", _("This location is closed: it receives no units."), {"location_id": location.pk}
        )
    stock, created = LocationStock.objects.get_or_create(
        location=location, listing_id=listing_id, defaults={"available": quantity}
    )
    if not created:
        LocationStock.objects.filter(pk=stock.pk).update(available=F("available") + quantity)


def _movement(location: Location, listing_id: int, kind: str, delta: int, actor: Actor, reason: str, **more):
    return StockMovement.objects.create(
        location=location,
        listing_id=listing_id,
        kind=kind,
        delta=delta,
        reason=reason,
        at=clock.now(),
        actor_id=actor.user_id,
        **more,
    )


@transaction.atomic
def store_stock_receive(
    *, actor: Actor, location_id: int, listing_id: int, quantity: int, reason: str = ""
) -> StockMovement:
    """Units of a listing arrive at a location (from its merchant)."""
    location = _location(location_id)
    _require_mover(actor, location)
    quantity, reason = _quantity(quantity), _reason(reason)
    _listing(listing_id)
    _put(location, listing_id, quantity)
    return _movement(location, listing_id, Kind.RECEIVE, quantity, actor, reason)


@transaction.atomic
def store_stock_transfer(
    *, actor: Actor, from_location_id: int, to_location_id: int, listing_id: int, quantity: int, reason: str = ""
) -> tuple[StockMovement, StockMovement]:
    """Units leave one location for another: a `transfer_out` and a `transfer_in`, each naming the other end.
    The actor acts at the origin."""
    origin, destination = _location(from_location_id), _location(to_location_id)
    _require_mover(actor, origin)
    if origin.pk == destination.pk:
        raise DomainError("STOCK_TRANSFER_SAME_LOCATION", _("A transfer goes to another location."))
    quantity, reason = _quantity(quantity), _reason(reason)
    # both rows locked in primary-key order, as every other stock move takes them
    for location in sorted((origin, destination), key=lambda l: l.pk):
        if location is origin:
            _take(origin, listing_id, quantity)
        else:
            _listing(listing_id)
            _put(destination, listing_id, quantity)
    out = _movement(origin, listing_id, Kind.TRANSFER_OUT, -quantity, actor, reason, counterpart=destination)
    into = _movement(destination, listing_id, Kind.TRANSFER_IN, quantity, actor, reason, counterpart=origin)
    return out, into


@transaction.atomic
def store_stock_return_to_merchant(
    *, actor: Actor, location_id: int, listing_id: int, quantity: int, reason: str = ""
) -> StockMovement:
    """Units go back to the listing's merchant (unsold consignment, a faulty device)."""
    location = _location(location_id)
    _require_mover(actor, location)
    quantity, reason = _quantity(quantity), _reason(reason)
    _take(location, listing_id, quantity)
    return _movement(location, listing_id, Kind.RETURN_TO_MERCHANT, -quantity, actor, reason)


@transaction.atomic
def store_stock_adjust(*, actor: Actor, location_id: int, listing_id: int, delta: int, reason: str) -> StockMovement:
    """A count that differs from the books (a unit found, broken or missing): `delta` units up or down, with the
    reason why."""
    location = _location(location_id)
    _require_mover(actor, location)
    reason = _reason(reason, required=True)
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise DomainError("STOCK_QUANTITY_INVALID", _("An adjustment moves at least one unit."), {"delta": delta})
    _quantity(abs(delta))
    if delta < 0:
        _take(location, listing_id, -delta)
    else:
        _listing(listing_id)
        _put(location, listing_id, delta)
    return _movement(location, listing_id, Kind.ADJUST, delta, actor, reason)


# --- reads ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    received: int  # every unit that came in: receipts, transfers in, released holds, positive adjustments
    moved_out: int  # every unit that went out
    on_hand: int  # LocationStock.available

    @property
    def balances(self) -> bool:
        return self.received - self.moved_out == self.on_hand


def store_stock_balance(*, location_id: int, listing_id: int) -> Balance:
    """The movements' sums beside the shelf's count: `balances` holds unless a unit moved around this service."""
    sums = StockMovement.objects.filter(location_id=location_id, listing_id=listing_id).aggregate(
        received=Sum("delta", filter=Q(delta__gt=0), default=0),
        out=Sum("delta", filter=Q(delta__lt=0), default=0),
    )
    on_hand = (
        LocationStock.objects.filter(location_id=location_id, listing_id=listing_id)
        .values_list("available", flat=True)
        .first()
    )
    return Balance(received=sums["received"], moved_out=-sums["out"], on_hand=on_hand or 0)


def store_stock_for(*, actor: Actor, location_id: int):
    """The location's stock rows with their listing, merchant (the units' owner) and variant."""
    location = _location(location_id)
    _require_readable(actor, location)
    return (
        LocationStock.objects.filter(location=location)
        .select_related("listing__merchant", "listing__variant__model")
        .order_by("listing_id")
    )


def stock_movements_for(*, actor: Actor, location_id: int, listing_id: int | None = None):
    """The location's movements, newest first."""
    location = _location(location_id)
    _require_readable(actor, location)
    movements = StockMovement.objects.filter(location=location)
    if listing_id is not None:
        movements = movements.filter(listing_id=listing_id)
    return movements.select_related("counterpart").order_by("-at", "-pk")
