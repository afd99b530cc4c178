"""Opening an order from the storefront (orders/access.py holds the rule), and the page where a guest asks for a
fresh order link."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from remarket.accounts.permissions import Actor
from remarket.core.errors import DomainError
from remarket.core.http import client_ip
from remarket.orders.access import guest_link_resend, order_for_viewer
from remarket.orders.models import Order
from remarket.web.common import render_error

from . import views  # the module, not its names: views imports this module too

_SESSION_ORDERS = "checked_out_orders"  # public ids of the orders this session checked out, newest last
_SESSION_ORDERS_KEPT = 20


def order_link_remember(request, order: Order) -> None:
    """Let the session that checked `order` out open it without a link (the redirect after checkout)."""
    kept = [o for o in request.session.get(_SESSION_ORDERS, []) if o != str(order.public_id)]
    request.session[_SESSION_ORDERS] = [*kept, str(order.public_id)][-_SESSION_ORDERS_KEPT:]


def link_key(request) -> str:
    return request.GET.get("key", "")


def link_query(request) -> str:
    """What the order's own links carry on, so that a guest who came with a link can open its documents."""
    return f"?{urlencode({'key': link_key(request)})}" if link_key(request) else ""


def order_open(request, order_id) -> Order | HttpResponse:
    """The order if the visitor may open it; otherwise the answer: the login page for a customer's order opened
    without a login, the re-send page for an expired guest link, 404 for the rest."""
    try:
        return order_for_viewer(
            public_id=order_id,
            actor=Actor.of(request.user),
            link_key=link_key(request),
            checked_out_here=str(order_id) in request.session.get(_SESSION_ORDERS, []),
        )
    except DomainError as err:
        if err.code == "ORDER_LOGIN_REQUIRED":
            return redirect_to_login(request.get_full_path())
        if err.code == "ORDER_LINK_EXPIRED":
            market = request.resolver_match.kwargs["market"]
            return redirect(
                f"{reverse('store-order-link', kwargs={'market': market})}?"
                f"{urlencode({'expired': '1', 'order': str(order_id)})}"
            )
        raise Http404 from None


def order_link(request, market):
    """A guest gives the order's e-mail and number and gets a fresh link by mail; the answer is the same whether
    or not such an order exists."""
    the_market = views._market(market)
    context = {
        "market": the_market,
        "expired": request.GET.get("expired") == "1",
        "order_number": request.POST.get("order_number", request.GET.get("order", "")),
        "email": request.POST.get("email", ""),
    }
    if request.method != "POST":
        return render(request, "storefront/order_link.html", context)
    try:
        guest_link_resend(
            email=context["email"][:254], order_number=context["order_number"][:64], client_ip=client_ip(request)
        )
    except DomainError as err:
        return render_error(request, err, "storefront/order_link.html", context)
    return render(request, "storefront/order_link.html", {**context, "sent": True})
