"""Click & collect in the storefront: the checkout for collection at a location (a locator by postcode, town
or coordinates, nearest first, swapped in by htmx), and the pickup's state and code on the order page
(templatetags/pickups.py)."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from remarket.checkout.cart import cart_checked_out, cart_version
from remarket.checkout.limits import Holder
from remarket.checkout.quote import checkout_quote
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core.errors import DomainError
from remarket.core.http import client_ip, session_key
from remarket.markets.selectors import web_channel_get
from remarket.orders.pickups import pickup_location_get, pickup_locations_for
from remarket.payments.models import PaymentIntent
from remarket.web.common import render_error

from . import order_links
from .views import _cart_lines, _checkout_owner, _market, cart_load, cart_store

CONTACT_FIELDS = ("first_name", "last_name", "phone")


def _near(request) -> str:
    return str(request.GET.get("near") or request.POST.get("near") or "")[:100]


def pickup_locations(request, market):
    """The locator's list (htmx partial): places nearest first, with distance."""
    the_market = _market(market)
    return render(
        request,
        "storefront/_pickup_locations.html",
        {
            "market": the_market,
            "places": pickup_locations_for(market=the_market, near=_near(request)),
            "chosen": request.GET.get("pickup_location", ""),
        },
    )


def _quote(market, lines, location_id):
    if not lines or not location_id:
        return None
    try:
        location = pickup_location_get(market=market, location_id=location_id)
        return checkout_quote(
            market=market,
            channel=web_channel_get(market=market),
            items=[Item(l["term"].listing_id, l["quantity"]) for l in lines],
            shipping_address={"country": market.code, "state": location.region, "postal_code": location.postcode},
            pickup=True,
        )
    except DomainError:
        return None


def pickup_checkout(request, market):
    """Checking out the cart for collection at a location; pays like the delivery checkout."""
    the_market = _market(market)
    cart_now = cart_load(request)
    lines, total = _cart_lines(request, the_market)
    data = request.POST if request.method == "POST" else request.GET
    chosen = data.get("pickup_location", "")
    context = {
        "market": the_market,
        "lines": lines,
        "total": total,
        "form": data,
        "near": _near(request),
        "chosen": chosen,
        "email": request.user.email if request.user.is_authenticated else "",
        "cart_version": cart_version(cart_now),
        "places": pickup_locations_for(market=the_market, near=_near(request)),
        "quote": _quote(the_market, lines, chosen),
    }
    if request.method != "POST":
        return render(request, "storefront/pickup_checkout.html", context)
    posted = request.POST.get("cart_version") or cart_version(cart_now)
    if posted != cart_version(cart_now) and lines:
        err = DomainError(
            "CHECKOUT_CART_CHANGED",
            _("Your cart changed since this page was shown: check it and pay again."),
            status=409,
        )
        return render_error(request, err, "storefront/pickup_checkout.html", context)
    customer_id = request.user.pk if request.user.is_authenticated else None
    try:
        if not chosen:
            raise DomainError("PICKUP_LOCATION_REQUIRED", _("Choose where you will collect your order."))
        order = checkout_start(
            market=the_market,
            channel=web_channel_get(market=the_market),
            items=[Item(l["term"].listing_id, l["quantity"]) for l in lines],
            email=request.POST.get("email", ""),
            shipping_address={f: request.POST.get(f, "") for f in CONTACT_FIELDS},
            customer_id=customer_id,
            holder=Holder(session_key(request, create=True), customer_id, client_ip(request)),
            checkout_key=f"web:{_checkout_owner(request)}:{posted}" if posted else "",
            pickup_location_id=chosen,
        )
    except DomainError as err:
        return render_error(request, err, "storefront/pickup_checkout.html", context)
    order_links.order_link_remember(request, order)
    if not order.replayed:
        cart_store(request, cart_checked_out(cart_now))
        intent = checkout_pay(order=order, card_number=request.POST.get("card_number", ""))
    else:
        intent = order.payment
    if intent.status == PaymentIntent.Status.REQUIRES_ACTION:
        return redirect("store-confirm", market=market, order_id=order.public_id)
    return redirect("store-order", market=market, order_id=order.public_id)
