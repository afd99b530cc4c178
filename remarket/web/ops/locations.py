"""The operator's location network: every store and partner corner, filtered by partner, state and service, and
one location's edit form (markets/locations.py `location_update` decides what is accepted)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from remarket.core.errors import DomainError, NotFound
from remarket.markets.hours import hours_text
from remarket.markets.locations import location_update
from remarket.markets.models import Location
from remarket.markets.selectors import location_get, locations_filtered, partners_by_name
from remarket.offers.selectors import units_by_location
from remarket.web.common import render_error, requires

PAGE = 100


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@requires("ops.dashboard")
def locations(request):
    partner_id = _int(request.GET.get("partner"))
    active = {"yes": True, "no": False}.get(request.GET.get("active", ""))
    service = request.GET.get("service") or None
    found = locations_filtered(partner_id=partner_id, active=active, service=service)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    units = units_by_location(location_ids=[l.pk for l in page])
    rows = [{"location": l, "hours": hours_text(l.hours), "units": units.get(l.pk, 0)} for l in page]
    return render(
        request,
        "ops/locations.html",
        {
            "rows": rows,
            "page": page,
            "partners": partners_by_name(),
            "services": Location.Service.choices,
            "chosen": {"partner": partner_id, "active": request.GET.get("active", ""), "service": service or ""},
            "query": _without_page(request),
        },
    )


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires("ops.dashboard")
def location_edit(request, code: str):
    try:
        location = location_get(code=code)
    except NotFound:
        raise Http404(code) from None
    context = {"location": location, "services": Location.Service.choices}
    if request.method != "POST":
        context["form"] = {
            "hours": hours_text(location.hours),
            "closed_dates": " ".join(location.closed_dates),
            "services": location.services,
        }
        return render(request, "ops/location_edit.html", context)
    post = request.POST
    context["form"] = {
        "hours": post.get("hours", ""),
        "closed_dates": post.get("closed_dates", ""),
        "services": post.getlist("services"),
    }
    try:
        location_update(
            actor=request.actor,
            location_id=location.pk,
            name=post.get("name", ""),
            street=post.get("street", ""),
            postcode=post.get("postcode", ""),
            town=post.get("town", ""),
            region=post.get("region", ""),
            latitude=post.get("latitude", ""),
            longitude=post.get("longitude", ""),
            hours=post.get("hours", ""),
            closed_dates=post.get("closed_dates", ""),
            services=post.getlist("services"),
            is_active=post.get("is_active") == "on",
        )
    except DomainError as err:
        return render_error(request, err, "ops/location_edit.html", context)
    messages.success(request, _("Location %(code)s saved.") % {"code": location.code})
    return redirect("ops-locations")
