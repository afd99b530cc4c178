"""The clerk's parcels (click & collect): what this location expects, holds and handed over; receive a parcel,
hand one over against the customer's code (typed, or scanned by a keyboard-wedge scanner into the field)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.core.errors import DomainError
from remarket.markets.selectors import location_of
from remarket.orders.pickups import (
    STATUS_LABELS,
    pickup_collect,
    pickup_label,
    pickup_receive,
    pickup_status,
    pickups_at_location,
)
from remarket.web.common import render_error, requires


def _context(request, status: str = "") -> dict:
    pickups = pickups_at_location(actor=request.actor, status=status)
    for p in pickups:
        p.label, p.status = pickup_label(p), pickup_status(p)
    return {
        "location": location_of(location_id=request.actor.location_id),
        "pickups": pickups,
        "status": status,
        "statuses": list(STATUS_LABELS.items()),
    }


@requires("pickup.handle")
def pickups(request):
    status = request.GET.get("status", "")
    return render(request, "pos/pickups.html", _context(request, status if status in STATUS_LABELS else ""))


@require_POST
@requires("pickup.handle")
def receive(request, pickup_id: int):
    try:
        pickup_receive(actor=request.actor, pickup_id=pickup_id)
    except DomainError as err:
        return render_error(request, err, "pos/pickups.html", _context(request))
    messages.success(request, _("Parcel %(id)s received: the customer is mailed their code.") % {"id": pickup_id})
    return redirect("pos-pickups")


@require_POST
@requires("pickup.handle")
def collect(request):
    try:
        pickup = pickup_collect(actor=request.actor, code=request.POST.get("code", ""))
    except DomainError as err:
        return render_error(request, err, "pos/pickups.html", _context(request))
    messages.success(
        request,
        _("Hand over parcel %(id)s of order %(order)s.")
        % {"id": pickup.pk, "order": pickup.suborder.order.public_id.hex[:12].upper()},
    )
    return redirect("pos-pickups")
