"""The counter's returns page: the clerk types the customer's drop-off code and takes the device in. Whether the
location takes returns, and for which orders, is aftersales' rule."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.aftersales.selectors import return_lines_of
from remarket.aftersales.services import return_drop_off
from remarket.core.errors import DomainError
from remarket.markets.selectors import location_of
from remarket.web.common import render_error, requires


def _context(request) -> dict:
    return {"location": location_of(location_id=request.actor.location_id)}


@requires("pos.sell")
def returns(request):
    return render(request, "pos/returns.html", _context(request))


@require_POST
@requires("pos.sell")
def drop_off(request):
    try:
        taken = return_drop_off(actor=request.actor, code=request.POST.get("code", "")[:40])
    except DomainError as err:
        return render_error(request, err, "pos/returns.html", _context(request))
    lines = ", ".join(f"{rl.order_line.title} × {rl.quantity}" for rl in return_lines_of(taken))
    messages.success(
        request,
        _("Return %(id)s taken in: %(lines)s. Hand the device to the seller's pickup.")
        % {"id": taken.pk, "lines": lines},
    )
    return redirect("pos-returns")


urlpatterns = [
    path("", returns, name="pos-returns"),
    path("drop-off/", drop_off, name="pos-return-drop-off"),
]
