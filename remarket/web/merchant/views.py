from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from remarket.core.errors import DomainError, NotFound
from remarket.markets.selectors import market_codes
from remarket.merchants.models import Merchant
from remarket.merchants.quality import MIN_ORDERS, THRESHOLDS
from remarket.merchants.selectors import merchant_get, merchant_metrics_history
from remarket.offers.best import standings_for_terms
from remarket.offers.selectors import terms_for_merchant
from remarket.offers.vat import VatScheme
from remarket.orders.selectors import suborder_for_actor, suborders_page_with_lines
from remarket.orders.services import orderlines_cancel, suborder_accept, suborder_ship
from remarket.orders.states import OrderState
from remarket.web.common import render_error, requires

STATE_NAMES = {
    OrderState.NEW: "New",
    OrderState.AWAITING_PAYMENT: "Awaiting payment",
    OrderState.PAID: "To accept",
    OrderState.TO_SHIP: "To ship",
    OrderState.UNPAID: "Not paid",
    OrderState.SHIPPED: "Shipped",
}


def _merchant(request) -> Merchant:
    return merchant_get(merchant_id=request.actor.merchant_id)


@requires("order.fulfil")
def orders(request):
    state = request.GET.get("state")
    state = int(state) if state and state.isdigit() and int(state) in OrderState.ALL else None
    qs = suborders_page_with_lines(actor=request.actor, state=state)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "merchant/orders.html",
        {"page": page, "state": state, "states": STATE_NAMES, "merchant": _merchant(request)},
    )


def _sub_or_404(request, suborder_id):
    try:
        return suborder_for_actor(actor=request.actor, suborder_id=suborder_id)
    except NotFound:
        raise Http404 from None


@requires("order.fulfil")
def order(request, suborder_id):
    sub = _sub_or_404(request, suborder_id)
    return render(request, "merchant/order.html", {"sub": sub, "states": STATE_NAMES, "merchant": _merchant(request)})


def _fulfil(request, suborder_id: int, action, done: str):
    """Run one fulfilment service on the merchant's sub-order; a refusal shows the order again with its code."""
    try:
        action()
    except NotFound:
        raise Http404 from None
    except DomainError as err:
        return render_error(
            request,
            err,
            "merchant/order.html",
            {"sub": _sub_or_404(request, suborder_id), "states": STATE_NAMES, "form": request.POST},
        )
    messages.success(request, done)
    return redirect("merchant-order", suborder_id=suborder_id)


@require_POST
@requires("order.fulfil")
def accept(request, suborder_id):
    return _fulfil(
        request,
        suborder_id,
        lambda: suborder_accept(actor=request.actor, suborder_id=suborder_id),
        "Order accepted: ship it and enter the tracking number.",
    )


@require_POST
@requires("order.fulfil")
def cancel(request, suborder_id):
    return _fulfil(
        request,
        suborder_id,
        lambda: orderlines_cancel(actor=request.actor, suborder_id=suborder_id),
        "Order cancelled: the customer is refunded.",
    )


@require_POST
@requires("order.fulfil")
def ship(request, suborder_id):
    serials = {}
    for key, value in request.POST.items():
        if key.startswith("imei_") and key[5:].isdigit() and value.strip():
            digits = value.replace(" ", "").replace("-", "")
            serials[int(key[5:])] = {"imei": value} if digits.isdigit() else {"serial_number": value}
    return _fulfil(
        request,
        suborder_id,
        lambda: suborder_ship(
            actor=request.actor,
            suborder_id=suborder_id,
            tracking_number=request.POST.get("tracking_number", ""),
            carrier=request.POST.get("carrier", ""),
            serials=serials,
        ),
        "Shipped. The customer has been told.",
    )


@requires("listing.view")
def listings(request):
    qs = terms_for_merchant(merchant_id=request.actor.merchant_id)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    standings = standings_for_terms(list(page))
    for term in page:
        term.is_winning, term.price_to_win_minor = standings.get(term.pk, (False, None))
    return render(
        request,
        "merchant/listings.html",
        {
            "page": page,
            "merchant": _merchant(request),
            "markets": market_codes(),
            "vat_schemes": VatScheme.choices,
        },
    )


@requires("listing.view")
def quality(request):
    merchant = _merchant(request)
    return render(
        request,
        "merchant/quality.html",
        {
            "merchant": merchant,
            "history": merchant_metrics_history(merchant_id=merchant.pk),
            "thresholds": THRESHOLDS,
            "min_orders": MIN_ORDERS,
        },
    )
