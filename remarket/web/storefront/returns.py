"""The customer's return pages: open a return of a shipped sub-order's items, follow it, send or cancel it.
Who may open them is the order's rule (orders/access.py); the rules are aftersales/services.py's."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from remarket.accounts.permissions import Actor
from remarket.aftersales import services
from remarket.aftersales.models import Reason, ReturnRequest
from remarket.aftersales.selectors import return_for_customer, return_locations_near
from remarket.aftersales.window import returnable_lines
from remarket.core.errors import DomainError
from remarket.orders.models import Order
from remarket.web.common import render_error

from . import order_links, views

MAX_PHOTO_FIELDS = 5


def _suborder(order: Order, suborder_id: int):
    for sub in order.suborders.all():
        if sub.pk == suborder_id:
            return sub
    raise Http404


def _near(request, order: Order) -> str:
    """Where to look for drop-off places: what the customer typed, else the order's delivery postcode."""
    typed = str(request.GET.get("near") or "")[:100].strip()
    return typed or str((order.shipping_address or {}).get("postal_code") or "")


def return_new(request, market, order_id, suborder_id):
    the_market = views._market(market)
    order = order_links.order_open(request, order_id)
    if not isinstance(order, Order):
        return order
    sub = _suborder(order, suborder_id)
    context = {
        "market": the_market,
        "order": order,
        "sub": sub,
        "lines": returnable_lines(sub),
        "reasons": Reason.choices,
        "modes": ReturnRequest.Mode.choices,
        "locations": return_locations_near(market=the_market, near=_near(request, order)),
        "link_query": order_links.link_query(request),
    }
    if request.method != "POST":
        return render(request, "storefront/return_new.html", context)
    units = {}
    for line, _deadline, left in context["lines"]:
        if request.POST.get(f"line-{line.pk}"):
            typed = str(request.POST.get(f"units-{line.pk}") or left).strip()
            units[line.pk] = int(typed) if typed.isdigit() else -1  # the service refuses what is not a count
    photos = [f.read() for f in request.FILES.getlist("photos")[: MAX_PHOTO_FIELDS + 1]]
    try:
        created = services.return_open(
            actor=Actor.of(request.user),
            suborder_id=sub.pk,
            units=units,
            reason=request.POST.get("reason", ""),
            mode=request.POST.get("mode", ReturnRequest.Mode.PARCEL),
            comment=request.POST.get("comment", "")[:2000],
            photos=photos,
            link_key=order_links.link_key(request),
        )
    except DomainError as err:
        return render_error(request, err, "storefront/return_new.html", context)
    url = reverse("store-return", kwargs={"market": market, "return_id": created.public_id})
    return redirect(url + order_links.link_query(request))


def _follow(request, market, return_id):
    try:
        return return_for_customer(
            actor=Actor.of(request.user), public_id=return_id, link_key=order_links.link_key(request)
        )
    except DomainError:
        raise Http404 from None


def return_page(request, market, return_id):
    the_market = views._market(market)
    followed = _follow(request, market, return_id)
    return render(
        request,
        "storefront/return.html",
        {
            "market": the_market,
            "ret": followed,
            "order": followed.suborder.order,
            "lines": list(followed.lines.all()),
            "link_query": order_links.link_query(request),
        },
    )


@require_POST
def return_action(request, market, return_id, action):
    the_market = views._market(market)
    move = {"send": services.return_send, "cancel": services.return_cancel}.get(action)
    if move is None:
        raise Http404
    try:
        move(actor=Actor.of(request.user), public_id=return_id, link_key=order_links.link_key(request))
    except DomainError as err:
        followed = _follow(request, market, return_id)
        context = {
            "market": the_market,
            "ret": followed,
            "order": followed.suborder.order,
            "lines": list(followed.lines.all()),
        }
        return render_error(request, err, "storefront/return.html", context)
    url = reverse("store-return", kwargs={"market": market, "return_id": return_id})
    return redirect(url + order_links.link_query(request))


urlpatterns = [
    path("orders/<uuid:order_id>/return/<int:suborder_id>/", return_new, name="store-return-new"),
    path("returns/<uuid:return_id>/", return_page, name="store-return"),
    path("returns/<uuid:return_id>/<slug:action>/", return_action, name="store-return-action"),
]
