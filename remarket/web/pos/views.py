import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from remarket.checkout.limits import max_line_quantity
from remarket.checkout.pos import pos_location, pos_sell, pos_stock
from remarket.core.errors import DomainError
from remarket.orders.selectors import orders_at_location
from remarket.web.common import render_error, requires


def _context(request) -> dict:
    location = pos_location(actor=request.actor)
    recent = orders_at_location(location_id=location.pk)
    # each rendering of the form is one sale: sent twice, it still makes one
    return {
        "location": location,
        "market": location.channel.market,
        "stock": pos_stock(actor=request.actor),
        "recent": recent,
        "sale_token": secrets.token_hex(16),
        "max_quantity": max_line_quantity(),
    }


@requires("pos.sell")
def till(request):
    return render(request, "pos/till.html", _context(request))


@require_POST
@requires("pos.sell")
def sell(request):
    try:
        order = pos_sell(
            actor=request.actor,
            listing_id=int(request.POST.get("listing_id") or 0),
            quantity=int(request.POST.get("quantity") or 1),
            card_number=request.POST.get("card_number", ""),
            email=request.POST.get("email", ""),
            sale_token=request.POST.get("sale_token", ""),
        )
    except ValueError:
        return render_error(
            request,
            DomainError("POS_INPUT_INVALID", "Choose a device and a quantity."),
            "pos/till.html",
            _context(request),
        )
    except DomainError as err:
        return render_error(request, err, "pos/till.html", _context(request))
    messages.success(request, f"Sold — order {order.public_id.hex[:12].upper()} paid and handed over.")
    return redirect("pos-till")
