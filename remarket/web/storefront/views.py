from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.analytics.selectors import order_impact
from remarket.catalog.selectors import categories_by_id, product_models
from remarket.checkout.cart import (
    cart_add,
    cart_checked_out,
    cart_items,
    cart_of_unpaid,
    cart_remove,
    cart_version,
    saved_cart_get,
    saved_cart_put,
)
from remarket.checkout.limits import Holder
from remarket.checkout.quote import Quote, checkout_quote
from remarket.checkout.services import Item, checkout_confirm_action, checkout_pay, checkout_start, shipping_options_for
from remarket.checkout.validation import US_STATES
from remarket.core.errors import DomainError, NotFound
from remarket.core.http import client_ip, session_key
from remarket.core.i18n import site_language
from remarket.markets.models import Market
from remarket.markets.selectors import market_for_visitor, market_get, web_channel_get
from remarket.offers.selectors import lowest_prices_by_model, offer_published, terms_in_market
from remarket.orders.models import Order
from remarket.payments.gateway import gateway
from remarket.payments.models import PaymentIntent
from remarket.web.common import render_error

from . import order_links


def _market(code: str) -> Market:
    if code != code.lower():
        raise Http404
    try:
        market = market_get(code=code)
    except NotFound:
        raise Http404 from None
    translation.activate(site_language(market.language))  # each country site speaks its market's language
    return market


def home_redirect(request):
    """`/`: the country site the visitor chose before (the `market` cookie), or the one their browser's languages
    point to."""
    market = market_for_visitor(
        accept_language=request.headers.get("Accept-Language", ""), remembered=request.COOKIES.get("market", "")
    )
    if market is None:
        raise Http404
    return redirect("store-home", market=market.code.lower())


def market_choose(request, market):
    """The country switcher: this site, remembered for the visitor's next visit to `/` (a cookie, no session)."""
    the_market = _market(market)
    response = redirect("store-home", market=the_market.code.lower())
    response.set_cookie("market", the_market.code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def home(request, market):
    the_market = _market(market)
    prices = lowest_prices_by_model(market=the_market)
    products = [p for p in product_models(by_category=True) if p.pk in prices]
    for p in products:
        p.from_minor = prices[p.pk]
    return render(
        request,
        "storefront/home.html",
        {"market": the_market, "products": products, "categories": categories_by_id()},
    )


def cart_load(request) -> dict:
    """The visitor's cart: saved for a customer, in the session otherwise."""
    if request.user.is_authenticated:
        return saved_cart_get(user_id=request.user.pk)
    return request.session.get("cart", {})


def cart_store(request, cart: dict) -> None:
    if request.user.is_authenticated:
        saved_cart_put(user_id=request.user.pk, cart=cart)
    else:
        request.session["cart"] = cart


def _cart_lines(request, market: Market):
    items = cart_items(cart_load(request), market=market.code)
    terms = terms_in_market(market=market, listing_ids=[i for i, _ in items])
    lines = [{"term": terms[i], "quantity": q, "total": terms[i].price_minor * q} for i, q in items if i in terms]
    return lines, sum(l["total"] for l in lines)


def cart(request, market):
    the_market = _market(market)
    lines, total = _cart_lines(request, the_market)
    return render(request, "storefront/cart.html", {"market": the_market, "lines": lines, "total": total})


@require_POST
def cart_add_view(request, market):
    the_market = _market(market)
    try:
        listing_id, quantity = int(request.POST.get("listing_id", "")), int(request.POST.get("quantity", "1"))
    except ValueError:
        return render_error(
            request,
            DomainError("CART_INPUT_INVALID", "Choose an offer and a quantity."),
            "storefront/cart.html",
            {"market": the_market, "lines": [], "total": 0},
        )
    if not offer_published(market=the_market, listing_id=listing_id):
        raise Http404
    try:
        cart_store(
            request, cart_add(cart_load(request), market=the_market.code, listing_id=listing_id, quantity=quantity)
        )
    except DomainError as err:
        lines, total = _cart_lines(request, the_market)
        return render_error(
            request, err, "storefront/cart.html", {"market": the_market, "lines": lines, "total": total}
        )
    return redirect("store-cart", market=market)


@require_POST
def cart_remove_view(request, market):
    _market(market)
    try:
        listing_id = int(request.POST.get("listing_id", ""))
    except ValueError:
        return redirect("store-cart", market=market)
    cart_store(request, cart_remove(cart_load(request), listing_id=listing_id))
    return redirect("store-cart", market=market)


ADDRESS_FIELDS = ("first_name", "last_name", "street", "postal_code", "city", "phone", "state")


def _quote(request, market: Market, lines, options, data) -> Quote | None:
    """Goods, shipping and tax for the address typed so far; None while it says too little (a US state)."""
    if not lines:
        return None
    address = {
        "country": market.code,
        "state": data.get("state", "").upper(),
        "postal_code": data.get("postal_code", ""),
    }
    try:
        return checkout_quote(
            market=market,
            channel=web_channel_get(market=market),
            items=[Item(l["term"].listing_id, l["quantity"]) for l in lines],
            shipping_address=address,
            shipping_choice={m: data.get(f"shipping_{m}", "") for m in options},
        )
    except DomainError:
        return None


def checkout_quote_view(request, market):
    """The checkout's price summary for the address and shipping chosen so far (htmx swaps it in)."""
    the_market = _market(market)
    lines, total = _cart_lines(request, the_market)
    options = shipping_options_for(terms=[l["term"] for l in lines])
    return render(
        request,
        "storefront/_quote.html",
        {
            "market": the_market,
            "total": total,
            "quote": _quote(request, the_market, lines, options, request.GET),
            "oob": True,  # the form's shown_total follows the quote (CHECKOUT_TOTAL_CHANGED)
        },
    )


def _checkout_owner(request) -> str:
    """Whose cart a checkout key belongs to: the customer, or the visitor's session."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"session:{session_key(request, create=True)}"


def _cart_back(request, order: Order) -> None:
    """The cart of an order that was not paid, back in the visitor's cart (a new version: a new order)."""
    cart_store(request, cart_of_unpaid(order))


def _shown_total(data) -> int | None:
    """The total the checkout page showed when Pay was pressed (its quote's, kept current by htmx): none shown
    yet (a US address without its state) is never a match; a post without the field (a script) is not checked."""
    if "shown_total" not in data:
        return None
    shown = data["shown_total"]
    return int(shown) if shown.isdigit() else -1


def checkout(request, market):
    the_market = _market(market)
    cart_now = cart_load(request)
    lines, total = _cart_lines(request, the_market)
    options = shipping_options_for(terms=[l["term"] for l in lines])
    merchants = {l["term"].listing.merchant_id: l["term"].listing.merchant for l in lines}
    context = {
        "market": the_market,
        "lines": lines,
        "total": total,
        "form": request.POST,
        "email": request.user.email if request.user.is_authenticated else "",
        "cart_version": cart_version(cart_now),
        "shipping": [{"merchant": merchants[m], "options": o} for m, o in options.items()],
        "states": sorted(US_STATES) if the_market.code == "US" else None,
        "quote_params": ",".join(["state", "postal_code", *(f"shipping_{m}" for m in options)]),
        "payment_field": gateway().browser_field(),
        "quote": _quote(request, the_market, lines, options, request.POST),
    }
    if request.method != "POST":
        return render(request, "storefront/checkout.html", context)
    # a form from before versions (or a script) checks out the cart as it is now
    posted = request.POST.get("cart_version") or cart_version(cart_now)
    if posted != cart_version(cart_now) and lines:
        return render_error(
            request,
            DomainError(
                "CHECKOUT_CART_CHANGED",
                _("Your cart changed since this page was shown: check it and pay again."),
                status=409,
            ),
            "storefront/checkout.html",
            context,
        )
    choice = {m: request.POST.get(f"shipping_{m}", "") for m in options}
    address = {f: request.POST.get(f, "") for f in ADDRESS_FIELDS} | {"country": the_market.code}
    customer_id = request.user.pk if request.user.is_authenticated else None
    try:
        order = checkout_start(
            market=the_market,
            channel=web_channel_get(market=the_market),
            items=[Item(l["term"].listing_id, l["quantity"]) for l in lines],
            email=request.POST.get("email", ""),
            shipping_address=address,
            customer_id=customer_id,
            shipping_choice=choice,
            holder=Holder(session_key(request, create=True), customer_id, client_ip(request)),
            checkout_key=f"web:{_checkout_owner(request)}:{posted}" if posted else "",
            expected_total_minor=_shown_total(request.POST),
        )
    except DomainError as err:
        return render_error(request, err, "storefront/checkout.html", context)
    order_links.order_link_remember(request, order)  # this session opens its order without a link
    if not order.replayed:  # a repeated submit shows the order the first one made, and charges nothing
        cart_store(request, cart_checked_out(cart_now))
        intent = checkout_pay(order=order, card_number=request.POST.get("card_number", ""))
        if intent.status == PaymentIntent.Status.FAILED:  # nothing charged: the cart comes back for another card
            _cart_back(request, order)
    else:
        intent = order.payment
    if intent.status == PaymentIntent.Status.REQUIRES_ACTION:
        return redirect("store-confirm", market=market, order_id=order.public_id)
    return redirect("store-order", market=market, order_id=order.public_id)


def confirm(request, market, order_id):
    """The 3-D Secure step: the sandbox's page where the customer approves or declines, or Stripe's, run in the
    browser by Stripe.js with the PaymentIntent's client secret; either way the answer is then read from the
    gateway."""
    the_market = _market(market)
    order = order_links.order_open(request, order_id)
    if not isinstance(order, Order):
        return order
    if request.method == "POST":
        intent = checkout_confirm_action(order=order, success=request.POST.get("approve") == "yes")
        if intent.status in (PaymentIntent.Status.FAILED, PaymentIntent.Status.VOIDED):
            _cart_back(request, order)
        return redirect(
            reverse("store-order", kwargs={"market": market, "order_id": order.public_id})
            + order_links.link_query(request)
        )
    provider = gateway()
    context = {"market": the_market, "order": order, "payment_field": provider.browser_field()}
    if order.payment.status == PaymentIntent.Status.REQUIRES_ACTION:
        context["client_secret"] = provider.action_secret(ref=order.payment.gateway_ref)
    return render(request, "storefront/confirm.html", context)


def order(request, market, order_id):
    the_market = _market(market)
    the_order = order_links.order_open(request, order_id)
    if not isinstance(the_order, Order):
        return the_order
    return render(
        request,
        "storefront/order.html",
        {
            "market": the_market,
            "order": the_order,
            "link_query": order_links.link_query(request),
            "impact": order_impact(order_id=the_order.pk),
        },
    )
