from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.catalog.grades import Grade
from remarket.core.errors import DomainError, NotFound
from remarket.markets.selectors import market_codes
from remarket.merchants.models import Merchant
from remarket.merchants.quality import MIN_ORDERS, RATE_LABELS, THRESHOLDS
from remarket.merchants.selectors import merchant_get, merchant_metrics_history
from remarket.offers.best import standings_for_terms
from remarket.offers.merchant_listings import (
    ListingQuery,
    listing_query_parse,
    models_of_merchant,
    terms_for_merchant_search,
)
from remarket.offers.vat import VatScheme
from remarket.orders.selectors import suborder_for_actor, suborders_page_with_lines
from remarket.orders.services import orderlines_cancel, suborder_accept, suborder_ship
from remarket.orders.states import ORDER_STATE_LABELS, OrderState
from remarket.web.common import render_error, requires

STATE_NAMES = ORDER_STATE_LABELS


def _merchant(request) -> Merchant:
    return merchant_get(merchant_id=request.actor.merchant_id)


@requires("order.fulfil", merchant=True)
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


@requires("order.fulfil", merchant=True)
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
@requires("order.fulfil", merchant=True)
def accept(request, suborder_id):
    return _fulfil(
        request,
        suborder_id,
        lambda: suborder_accept(actor=request.actor, suborder_id=suborder_id),
        _("Order accepted: ship it and enter the tracking number."),
    )


@require_POST
@requires("order.fulfil", merchant=True)
def cancel(request, suborder_id):
    return _fulfil(
        request,
        suborder_id,
        lambda: orderlines_cancel(actor=request.actor, suborder_id=suborder_id),
        _("Order cancelled: the customer is refunded."),
    )


@require_POST
@requires("order.fulfil", merchant=True)
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
        _("Shipped. The customer has been told."),
    )


@requires("listing.view", merchant=True)
def listings(request):
    """The merchant's offers, searched and filtered (offers/merchant_listings.py), 50 a page, the query kept."""
    merchant_id = request.actor.merchant_id
    context = {
        "merchant": _merchant(request),
        "markets": market_codes(),
        "vat_schemes": VatScheme.choices,
        "grades": Grade.choices,
        "models": models_of_merchant(merchant_id=merchant_id),
    }
    try:
        query = listing_query_parse(request.GET)
    except DomainError as err:
        return render_error(request, err, "merchant/listings.html", {**context, "query": ListingQuery(), "page": []})
    page = Paginator(terms_for_merchant_search(merchant_id=merchant_id, query=query), 50).get_page(
        request.GET.get("page")
    )
    standings = standings_for_terms(list(page))
    for term in page:
        term.is_winning, term.price_to_win_minor = standings.get(term.pk, (False, None))
    return render(
        request,
        "merchant/listings.html",
        {**context, "page": page, "query": query, "query_string": urlencode(query.params())},
    )


@requires("listing.view", merchant=True)
def quality(request):
    merchant = _merchant(request)
    return render(
        request,
        "merchant/quality.html",
        {
            "merchant": merchant,
            "history": merchant_metrics_history(merchant_id=merchant.pk),
            "thresholds": [(RATE_LABELS[name], limits) for name, limits in THRESHOLDS.items()],
            "min_orders": MIN_ORDERS,
        },
    )
