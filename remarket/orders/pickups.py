"""Click & collect and ship-to-store: a sub-order shipped to a location that offers pickup, received there by a
clerk, collected by the customer with a code — or sent back after `PICKUP_DAYS` and refunded.

States, as the customer, the merchant and the clerk read them: awaiting shipment to the store → in transit (the
merchant shipped it) → ready for pickup (the clerk received it) → collected, or returned uncollected (the worker,
after the set days; the customer is refunded through the payment and the ledger like any refund).

The pickup code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), derived from a random
salt with the installation's secret key: the database holds the salt and a keyed digest of the code (the index
the clerk's typing is looked up by), never the code, so a copy of the tables opens no parcel."""

import datetime as dt
import hashlib
import hmac
import io
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.db import update_rows
from remarket.core.errors import DomainError, NotFound
from remarket.events.outbox import emit
from remarket.markets.locator import Near, locations_offering, locations_with_service
from remarket.markets.models import Location

from .models import Order, OrderHistory, Pickup, Shipment, SubOrder
from .states import LineState

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# what each state is called for people; "in_transit" is an awaiting pickup whose sub-order has shipped
STATUS_LABELS = {
    "awaiting": gettext_lazy("Awaiting shipment to the store"),
    "in_transit": gettext_lazy("On its way to the store"),
    "ready": gettext_lazy("Ready for pickup"),
    "collected": gettext_lazy("Collected"),
    "returned": gettext_lazy("Returned uncollected, refunded"),
}
STATUSES = tuple(STATUS_LABELS)


def pickup_days() -> int:
    return int(settings.REMARKET.get("PICKUP_DAYS", 14))


# -- the code ---------------------------------------------------------------------------------------------------


def _keyed(purpose: str, value: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def _code_of(salt: str) -> str:
    n = int.from_bytes(_keyed("pickup-code", salt), "big")
    chars = []
    for _position in range(CODE_LENGTH):
        n, i = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[i])
    return "".join(chars)


def _digest(code: str) -> str:
    return _keyed("pickup-digest", code).hex()


def code_normalize(typed: str) -> str:
    """What a clerk typed or a scanner sent: case, spaces and dashes do not matter."""
    return "".join(ch for ch in str(typed or "").upper() if ch not in " -\t\r\n")


def pickup_code(pickup: Pickup) -> str:
    """The customer's code, as shown and mailed (ABCD-EFGH)."""
    code = _code_of(pickup.code_salt)
    return f"{code[:4]}-{code[4:]}"


def pickup_qr_svg(pickup: Pickup) -> str:
    """The code as an inline SVG QR code (what the clerk's scanner reads: the code itself)."""
    return segno.make(_code_of(pickup.code_salt), error="m").svg_inline(scale=4, border=2)


def pickup_qr_png(pickup: Pickup) -> bytes:
    out = io.BytesIO()
    segno.make(_code_of(pickup.code_salt), error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


# -- where one can collect --------------------------------------------------------------------------------------


def _pickup_places(market):
    """The market's active stores and partner corners that offer pickup (markets/locator.py)."""
    return locations_with_service(market=market, service=Location.Service.PICKUP)


def pickup_locations_for(*, market, near: str = "", limit: int = 10) -> list[Near]:
    """Places to collect at: the market's active locations offering pickup, nearest first to `near` (a postcode,
    a town or "lat,lon") with the distance and today's opening hours; by name when `near` says nothing we can
    place (the network's locator, `locations_offering`)."""
    return locations_offering(market=market, service=Location.Service.PICKUP, near=near, limit=limit)


def pickup_location_get(*, market, location_id) -> Location:
    try:
        location_id = int(location_id)
    except (TypeError, ValueError):
        location_id = 0
    location = _pickup_places(market).filter(pk=location_id).first()
    if location is None:
        raise DomainError(
            "PICKUP_LOCATION_UNAVAILABLE", _("This place does not take parcels for collection; choose another one.")
        )
    return location


def pickups_open(*, order: Order, location: Location) -> list[Pickup]:
    """One pickup per sub-order of a new order that ships, each with its own code: a till's sub-order of shelf
    units only is handed over at the counter, not collected. Runs inside checkout's transaction."""
    now = clock.now()
    pickups = []
    shipping = SubOrder.objects.filter(order=order, lines__location__isnull=True).distinct().order_by("pk")
    for sub in shipping:
        salt = secrets.token_hex(16)
        pickups.append(
            Pickup(suborder=sub, location=location, code_salt=salt, code_digest=_digest(_code_of(salt)), created_at=now)
        )
    return Pickup.objects.bulk_create(pickups)


# -- what people see --------------------------------------------------------------------------------------------


def pickup_status(pickup: Pickup) -> str:
    """The state as people follow it (STATUS_LABELS): awaiting shipment becomes in transit once it shipped."""
    if pickup.state == Pickup.State.AWAITING:
        return "in_transit" if hasattr(pickup.suborder, "shipment") else "awaiting"
    return pickup.state


def pickup_label(pickup: Pickup) -> str:
    return str(STATUS_LABELS[pickup_status(pickup)])


def pickups_of_order(*, order: Order) -> list[Pickup]:
    return list(
        Pickup.objects.select_related("location", "suborder__merchant", "suborder__shipment")
        .filter(suborder__order=order)
        .order_by("suborder_id")
    )


def pickups_at_location(*, actor: Actor, status: str = "") -> list[Pickup]:
    """The parcels a clerk's location expects, holds or handed over, newest first."""
    location_id = _clerk_location(actor)
    qs = Pickup.objects.select_related("suborder__order", "suborder__merchant", "suborder__shipment", "location")
    qs = qs.filter(location_id=location_id)
    if status in ("ready", "collected", "returned"):
        qs = qs.filter(state=status)
    elif status == "in_transit":
        qs = qs.filter(state=Pickup.State.AWAITING, suborder__shipment__isnull=False)
    elif status == "awaiting":
        qs = qs.filter(state=Pickup.State.AWAITING, suborder__shipment__isnull=True)
    return list(qs.order_by("-created_at", "-pk")[:200])


# -- the clerk --------------------------------------------------------------------------------------------------


def _clerk_location(actor: Actor) -> int:
    require(actor, "pickup.handle")
    if not actor.location_id:
        raise DomainError("PICKUP_NO_LOCATION", _("Your account belongs to no location."), status=403)
    return actor.location_id


def _history(pickup: Pickup, what: str) -> None:
    sub = pickup.suborder
    OrderHistory.objects.create(order_id=sub.order_id, suborder=sub, at=clock.now(), what=what)


def _move(pickup: Pickup, *, to: str, values: dict) -> None:
    """A conditional update from the state the pickup was read in: a concurrent clerk makes it fall short."""
    if not update_rows(Pickup, where={"pk": pickup.pk, "state": pickup.state}, values={"state": to, **values}):
        raise DomainError("PICKUP_CHANGED_CONCURRENTLY", _("This parcel changed meanwhile; reload."), status=409)
    pickup.state = to
    for name, value in values.items():
        setattr(pickup, name, value)


@transaction.atomic
def pickup_receive(*, actor: Actor, pickup_id: int) -> Pickup:
    """The clerk received the parcel at their location: ready for pickup until the set days have passed, and
    the customer is mailed the code."""
    location_id = _clerk_location(actor)
    pickup = (
        Pickup.objects.select_related("suborder", "location")
        .select_for_update(of=("self",))
        .filter(pk=pickup_id, location_id=location_id)
        .first()
    )
    if pickup is None:  # also when it is another location's: a clerk sees only their own
        raise NotFound("PICKUP_NOT_FOUND", _("There is no parcel %(id)s for this location.") % {"id": pickup_id})
    if pickup.state != Pickup.State.AWAITING:
        raise DomainError("PICKUP_ALREADY_RECEIVED", _("This parcel was received already."), status=409)
    if not Shipment.objects.filter(suborder_id=pickup.suborder_id).exists():
        raise DomainError(
            "PICKUP_NOT_SHIPPED", _("The merchant has not shipped this parcel yet; receive it once it has."), status=409
        )
    now = clock.now()
    _move(
        pickup,
        to=Pickup.State.READY,
        values={
            "received_at": now,
            "received_by_id": actor.user_id,
            "expires_at": now + dt.timedelta(days=pickup_days()),
        },
    )
    _history(pickup, f"received at {pickup.location}, ready for pickup")
    emit("pickup.ready", {"pickup_id": pickup.pk})
    return pickup


@transaction.atomic
def pickup_collect(*, actor: Actor, code: str) -> Pickup:
    """The customer shows their code (typed or scanned): the parcel is handed over, once."""
    location_id = _clerk_location(actor)
    typed = code_normalize(code)
    pickup = None
    if len(typed) == CODE_LENGTH and set(typed) <= set(ALPHABET):
        # looked up by the keyed digest: the index compares digests, never the code
        pickup = (
            Pickup.objects.select_related("suborder", "location")
            .select_for_update(of=("self",))
            .filter(code_digest=_digest(typed), location_id=location_id)
            .first()
        )
    if pickup is None or not hmac.compare_digest(pickup.code_digest, _digest(typed)):
        # a wrong code and another location's code read the same: nothing says which parcels exist elsewhere
        raise DomainError("PICKUP_CODE_INVALID", _("This code opens no parcel here; check it and type it again."))
    now = clock.now()
    if pickup.state == Pickup.State.COLLECTED:
        raise DomainError("PICKUP_CODE_USED", _("This parcel was collected already."), status=409)
    if pickup.state == Pickup.State.RETURNED or (pickup.expires_at and pickup.expires_at <= now):
        raise DomainError(
            "PICKUP_CODE_EXPIRED", _("This parcel waited past its collection date and goes back."), status=410
        )
    if pickup.state != Pickup.State.READY:
        raise DomainError("PICKUP_NOT_READY", _("This parcel has not arrived at this location yet."), status=409)
    _move(pickup, to=Pickup.State.COLLECTED, values={"collected_at": now, "collected_by_id": actor.user_id})
    _history(pickup, f"collected at {pickup.location}")
    emit("pickup.collected", {"pickup_id": pickup.pk})
    return pickup


# -- the worker -------------------------------------------------------------------------------------------------


def pickups_return_expired(*, now: dt.datetime | None = None) -> int:
    """Parcels not collected by their date go back to the merchant and the customer is refunded (each in its own
    transaction, so one failure stops nothing else). Returns how many went back."""
    from .services import _lines_refund

    now = now or clock.now()
    due = list(
        Pickup.objects.filter(state=Pickup.State.READY, expires_at__lte=now).order_by("pk").values_list("pk", flat=True)
    )
    returned = 0
    for pk in due:
        with transaction.atomic():
            pickup = (
                Pickup.objects.select_related("suborder__order", "location")
                .select_for_update(of=("self",))
                .filter(pk=pk, state=Pickup.State.READY)
                .first()
            )
            if pickup is None:
                continue  # collected or returned meanwhile
            sub = SubOrder.objects.select_for_update().select_related("order", "merchant").get(pk=pickup.suborder_id)
            _move(pickup, to=Pickup.State.RETURNED, values={"returned_at": now})
            if sub.lines.filter(state=LineState.SHIPPED).exists():
                _lines_refund(
                    sub,
                    to=LineState.REFUNDED_AFTER_SHIPPING,
                    only_from=(LineState.SHIPPED,),
                    line_ids=list(sub.lines.filter(state=LineState.SHIPPED).values_list("pk", flat=True)),
                    reason=f"returned uncollected from {pickup.location}",
                )
            emit("pickup.returned", {"pickup_id": pickup.pk})
        returned += 1
    return returned
