"""The counter's trade-in page: the clerk runs the questionnaire with the customer, shows the best quote, checks
the identity and the device, and buys it; the quote becomes a credit code for the till. A device traded in
online can be handed in here too (by its reference). The rules are buyback/counter.py's."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.buyback.counter import counter_tradein_quote, counter_tradein_take
from remarket.buyback.selectors import buyback_variants
from remarket.buyback.services import tradein_hand_in
from remarket.checkout.counter import counter_location
from remarket.core.errors import DomainError
from remarket.core.money import fmt
from remarket.web.common import render_error, requires
from remarket.web.tradein_forms import answers_of, identity_of, questions, quote_minor_of


def _context(request, **more) -> dict:
    location = counter_location(actor=request.actor)
    market = location.channel.market
    return {
        "location": location,
        "market": market,
        "variants": buyback_variants(market=market),
        "questions": questions(),
        **more,
    }


@requires("buyback.counter")
def tradein(request):
    return render(request, "pos/tradein.html", _context(request))


@require_POST
@requires("buyback.counter")
def quote(request):
    answers = answers_of(request.POST)
    variant_id = request.POST.get("variant_id", "")
    try:
        found = counter_tradein_quote(actor=request.actor, variant_id=variant_id, answers=answers)
    except DomainError as err:
        return render_error(request, err, "pos/tradein.html", _context(request, answers=answers))
    return render(request, "pos/tradein.html", _context(request, quote=found, answers=answers))


@require_POST
@requires("buyback.counter")
def take(request):
    answers = answers_of(request.POST)
    try:
        done = counter_tradein_take(
            actor=request.actor,
            variant_id=request.POST.get("variant_id", ""),
            answers=answers,
            identity=identity_of(request.POST),
            email=request.POST.get("email", ""),
            quote_minor=quote_minor_of(request.POST),
        )
    except DomainError as err:
        return render_error(request, err, "pos/tradein.html", _context(request, answers=answers))
    credit = done.credit
    messages.success(
        request,
        _("Trade-in %(ref)s bought: credit %(code)s of %(amount)s, to use at the till.")
        % {
            "ref": done.trade_in.reference,
            "code": credit.code,
            "amount": fmt(credit.amount_minor, credit.currency, locale=request.money_locale),
        },
    )
    return render(request, "pos/tradein.html", _context(request, credit=credit))


@require_POST
@requires("buyback.counter")
def hand_in(request):
    try:
        taken = tradein_hand_in(actor=request.actor, reference=request.POST.get("reference", "")[:40])
    except DomainError as err:
        return render_error(request, err, "pos/tradein.html", _context(request))
    messages.success(request, _("Trade-in %(ref)s handed in: send the device to its buyer.") % {"ref": taken.reference})
    return redirect("pos-tradein")


urlpatterns = [
    path("", tradein, name="pos-tradein"),
    path("quote/", quote, name="pos-tradein-quote"),
    path("take/", take, name="pos-tradein-take"),
    path("hand-in/", hand_in, name="pos-tradein-hand-in"),
]
