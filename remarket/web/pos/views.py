"""The till: one page that sells (its behaviour in static/js/pos/, talking to /api/v1/pos with the clerk's
session), a sale's receipt for an 80 mm printer, counter returns, and the service worker that keeps the till
selling while the connection is lost."""

import secrets
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.checkout.counter import (
    CounterLine,
    counter_location,
    counter_return,
    counter_sale,
    counter_sale_get,
    counter_sales_recent,
    sale_status,
)
from remarket.checkout.counter_search import counter_shelf
from remarket.checkout.limits import max_line_quantity
from remarket.checkout.receipts import receipt_of
from remarket.core.errors import DomainError, NotFound
from remarket.web.common import render_error, requires


def _context(request) -> dict:
    location = counter_location(actor=request.actor)
    return {
        "location": location,
        "market": location.channel.market,
        "shelf": [f.as_dict() for f in counter_shelf(actor=request.actor)],
        "recent": counter_sales_recent(actor=request.actor, limit=10),
        # each rendering of the single-device form is one sale: sent twice, it still makes one
        "sale_token": secrets.token_hex(16),
        "max_quantity": max_line_quantity(),
    }


@requires("pos.sell")
def till(request):
    return render(request, "pos/till.html", _context(request))


@require_POST
@requires("pos.sell")
def sell(request):
    """The single-device card form (the page without its script): the till's own sale (checkout/counter.py), its
    id the form's token, so that the form sent twice makes one sale, paid once."""
    try:
        listing_id = int(request.POST.get("listing_id") or 0)
        quantity = int(request.POST.get("quantity") or 1)
        token = request.POST.get("sale_token", "")
        sale_id = uuid.UUID(hex=token) if token else uuid.uuid4()
    except ValueError:
        return render_error(
            request,
            DomainError("POS_INPUT_INVALID", _("Choose a device and a quantity.")),
            "pos/till.html",
            _context(request),
        )
    try:
        sold = counter_sale(
            actor=request.actor,
            sale_id=sale_id,
            lines=[CounterLine(listing_id, quantity)],
            tender="card",
            card_number=request.POST.get("card_number", ""),
            email=request.POST.get("email", ""),
        )
    except DomainError as err:
        return render_error(request, err, "pos/till.html", _context(request))
    if sold.status != "paid":
        refused = DomainError(
            "POS_PAYMENT_NOT_CAPTURED",
            _("The card payment did not go through; the units are back in stock. Try another card.")
            if sold.status == "declined"
            else _("This card asks for a confirmation the page without its script cannot take: use the till."),
            {"order": str(sold.order.public_id)},
            status=402,
        )
        return render_error(request, refused, "pos/till.html", _context(request))
    messages.success(
        request, _("Sold — order %(number)s paid and handed over.") % {"number": sold.order.public_id.hex[:12].upper()}
    )
    return redirect("pos-till")


@requires("pos.sell")
def sale(request, order_id: uuid.UUID):
    """A sale of this store: its receipt (printable on an 80 mm roll) and the return of its units."""
    order = _sale_of_here(request, order_id)
    return render(
        request,
        "pos/receipt.html",
        {
            "order": order,
            "receipt": receipt_of(order=order),
            "status": sale_status(order),
            "returnable": [
                l for sub in order.suborders.all() for l in sub.lines.all() if l.location_id and l.state == 3
            ],
        },
    )


def _sale_of_here(request, order_id: uuid.UUID):
    try:
        return counter_sale_get(actor=request.actor, order_id=order_id)
    except NotFound:
        raise Http404 from None  # another store's sale, or none


@require_POST
@requires("pos.sell")
def sale_return(request, order_id: uuid.UUID):
    _sale_of_here(request, order_id)
    try:
        line_ids = [int(v) for v in request.POST.getlist("line_id")]
        refunds = counter_return(actor=request.actor, order_id=order_id, line_ids=line_ids)
    except ValueError:
        messages.error(request, _("Choose the units brought back."))
    except DomainError as err:
        messages.error(request, f"{err.message} ({err.code})")
    else:
        order = counter_sale_get(actor=request.actor, order_id=order_id)
        receipt = receipt_of(order=order)
        messages.success(
            request,
            _("Returned: %(amount)s refunded.") % {"amount": receipt.money(sum(r.amount_minor for r in refunds))},
        )
    return redirect("pos-sale", order_id=order_id)


def service_worker(request):
    """The till's service worker, served under /pos/ so that its scope is the till."""
    response = render(request, "pos/sw.js", content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/pos/"
    return response
