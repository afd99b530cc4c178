"""What a partner manager reads: every location of their partner — sales, pickups, stock and commission, per
location and per month (in the partner's market's time zone) — and the partner's monthly statement. Every
reader takes the actor and scopes to its partner: another partner's locations are not found."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.ledger.partners import PartnerStatement, partner_statement
from remarket.ledger.payouts import period_bounds
from remarket.markets.models import Channel, Location, Partner
from remarket.offers.models import LocationStock

from .models import OrderLine, Pickup
from .states import LineState

SOLD = (
    LineState.PAID,
    LineState.ACCEPTED,
    LineState.SHIPPED,
    LineState.REFUNDED_BEFORE_SHIPPING,
    LineState.REFUNDED_AFTER_SHIPPING,
)
REFUNDED = (LineState.REFUNDED_BEFORE_SHIPPING, LineState.REFUNDED_AFTER_SHIPPING, LineState.CANCELLED)


def _partner_id(actor: Actor) -> int:
    require(actor, "partner.report")
    if not actor.partner_id:
        raise DomainError("PARTNER_NONE", _("Your account belongs to no partner."), status=403)
    return actor.partner_id


def partner_of(*, actor: Actor) -> Partner:
    return Partner.objects.get(pk=_partner_id(actor))


def partner_market(partner_id: int):
    channel = Channel.objects.select_related("market").filter(partner_id=partner_id).order_by("pk").first()
    if channel is None:
        raise NotFound("PARTNER_NO_NETWORK", _("This partner has no locations yet."))
    return channel.market


def partner_zone(partner_id: int) -> ZoneInfo:
    return partner_market(partner_id).zone


def partner_locations(*, actor: Actor):
    return Location.objects.filter(channel__partner_id=_partner_id(actor)).order_by("name", "pk")


def partner_location_get(*, actor: Actor, location_id: int) -> Location:
    location = partner_locations(actor=actor).filter(pk=location_id).first()
    if location is None:  # also another partner's
        raise NotFound("LOCATION_NOT_FOUND", _("There is no location %(id)s.") % {"id": location_id})
    return location


def month_parse(value: str | None, zone: dt.tzinfo, now: dt.datetime) -> dt.date:
    """YYYY-MM, or the current month in `zone`."""
    if not value:
        return clock.local_month(now, zone)
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise DomainError("PERIOD_INVALID", _("A month is written YYYY-MM."), {"period": value}) from None


@dataclass
class LocationMonth:
    """One location's month: what sold there or was collected there, what it earned the partner."""

    location: Location
    orders: int = 0
    units: int = 0
    gmv_minor: int = 0  # the lines' prices as the buyer sees them (VAT in)
    refunded_minor: int = 0
    commission_minor: int = 0  # the partner's, net of reversals
    pickups: dict = field(default_factory=dict)  # status → count, parcels that arrived for collection this month
    stock_units: int = 0  # on hand now (counter stock)


def partner_report(*, actor: Actor, month: dt.date, location_id: int | None = None) -> list[LocationMonth]:
    """Each location of the actor's partner (or one of them) for one month, with zeros where nothing happened."""
    partner_id = _partner_id(actor)
    zone = partner_zone(partner_id)
    start, end = period_bounds(month, zone)
    locations = partner_locations(actor=actor)
    if location_id is not None:
        locations = locations.filter(pk=partner_location_get(actor=actor, location_id=location_id).pk)
    rows = {l.pk: LocationMonth(location=l, pickups=defaultdict(int)) for l in locations}
    ids = list(rows)
    at_location = Q(suborder__order__location_id__in=ids) | Q(suborder__order__pickup_location_id__in=ids)
    lines = (
        OrderLine.objects.filter(at_location, state__in=SOLD + (LineState.CANCELLED,))
        .filter(suborder__order__created_at__gte=start, suborder__order__created_at__lt=end)
        .values_list(
            "suborder__order_id",
            "suborder__order__location_id",
            "suborder__order__pickup_location_id",
            "state",
            "quantity",
            "total_minor",
            "partner_commission_minor",
        )
    )
    orders: dict[int, set] = defaultdict(set)
    for order_id, sold_at, collect_at, state, quantity, total, commission in lines:
        row = rows.get(sold_at if sold_at in rows else collect_at)
        if row is None:
            continue
        orders[row.location.pk].add(order_id)
        row.units += quantity
        row.gmv_minor += total
        if state in REFUNDED:
            row.refunded_minor += total
        else:
            row.commission_minor += commission
    for pk, order_ids in orders.items():
        rows[pk].orders = len(order_ids)
    for location_id_, pickup_state, shipment_id in Pickup.objects.filter(
        location_id__in=ids, created_at__gte=start, created_at__lt=end
    ).values_list("location_id", "state", "suborder__shipment__id"):
        status = "in_transit" if pickup_state == Pickup.State.AWAITING and shipment_id else pickup_state
        rows[location_id_].pickups[status] += 1
    for location_id_, units in (
        LocationStock.objects.filter(location_id__in=ids)
        .values("location_id")
        .annotate(u=Sum("available"))
        .values_list("location_id", "u")
        .order_by()
    ):
        rows[location_id_].stock_units = units or 0
    return list(rows.values())


def partner_statement_for(*, actor: Actor, month: dt.date) -> PartnerStatement:
    """The actor's partner's statement for a month, in its market's currency and time zone."""
    require(actor, "statement.view_partner")
    partner_id = _partner_id(actor)
    market = partner_market(partner_id)
    start, end = period_bounds(month, market.zone)
    return partner_statement(partner_id=partner_id, currency=market.currency, period=month, start=start, end=end)
