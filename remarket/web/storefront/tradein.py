"""The storefront's trade-in: the questionnaire, the best quote, accepting it with an identity check, and a page
to follow the trade-in (send it, answer a counter-offer). The rules are buyback/services.py's."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from remarket.accounts.permissions import Actor
from remarket.buyback import services
from remarket.buyback.models import Grade, IdentityCheck
from remarket.buyback.reasons import COUNTER_OFFER_REASONS, SUSPEND_REASONS
from remarket.buyback.selectors import buyback_variants, tradein_for_customer, tradein_last_check, tradein_locations
from remarket.core.errors import DomainError, NotFound
from remarket.web.common import render_error
from remarket.web.tradein_forms import answers_of, identity_of, questions, quote_minor_of

from . import views


def _context(market, **more) -> dict:
    return {"market": market, "variants": buyback_variants(market=market), "questions": questions(), **more}


def tradein_start(request, market):
    """The questionnaire; posted, the best quote and the identity form."""
    the_market = views._market(market)
    if request.method != "POST":
        return render(request, "storefront/tradein.html", _context(the_market))
    answers, variant_id = answers_of(request.POST), request.POST.get("variant_id", "")
    try:
        quote = services.tradein_quote(market=the_market, variant_id=variant_id, answers=answers)
    except DomainError as err:
        return render_error(
            request, err, "storefront/tradein.html", _context(the_market, answers=answers, variant_id=variant_id)
        )
    return render(
        request,
        "storefront/tradein.html",
        _context(the_market, quote=quote, grade_label=Grade(quote.grade).label, answers=answers, variant_id=variant_id),
    )


@require_POST
def tradein_accept(request, market):
    the_market = views._market(market)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/{market}/trade-in/")
    answers = answers_of(request.POST)
    try:
        made = services.tradein_accept(
            actor=Actor.of(request.user),
            market=the_market,
            variant_id=request.POST.get("variant_id", ""),
            answers=answers,
            quote_minor=quote_minor_of(request.POST),
            identity=identity_of(request.POST),
        )
    except DomainError as err:
        return render_error(request, err, "storefront/tradein.html", _context(the_market, answers=answers))
    return redirect("store-tradein", market, made.reference)


def _mine(request, reference):
    return tradein_for_customer(actor=Actor.of(request.user), reference=reference)


def tradein_page(request, market, reference):
    the_market = views._market(market)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        tradein = _mine(request, reference)
    except NotFound:
        return render(request, "404.html", status=404)
    return render(request, "storefront/tradein_follow.html", _follow(the_market, tradein))


def _follow(market, tradein, **more) -> dict:
    last_check = tradein_last_check(tradein=tradein)
    return {
        "market": market,
        "t": tradein,
        "status_label": tradein.get_status_display(),
        "grade_label": Grade(tradein.grade).label,
        "check": last_check,
        "failed": last_check is not None and last_check.outcome == IdentityCheck.Outcome.FAILED,
        "counter_reasons": [COUNTER_OFFER_REASONS[r][0] for r in tradein.counter_reasons if r in COUNTER_OFFER_REASONS],
        "suspend_reasons": [SUSPEND_REASONS[r][0] for r in tradein.suspend_reasons if r in SUSPEND_REASONS],
        "locations": tradein_locations(market)[:10],
        "photos": list(tradein.files.all()),
        **more,
    }


ACTIONS = {
    "ship": lambda actor, ref, post: services.tradein_ship(
        actor=actor, reference=ref, tracking_number=post.get("tracking_number", "")[:60]
    ),
    "cancel": lambda actor, ref, post: services.tradein_cancel(actor=actor, reference=ref),
    "accept-counter-offer": lambda actor, ref, post: services.tradein_counter_accept(actor=actor, reference=ref),
    "refuse-counter-offer": lambda actor, ref, post: services.tradein_counter_refuse(actor=actor, reference=ref),
    "identity": lambda actor, ref, post: services.tradein_identity(
        actor=actor, reference=ref, identity=identity_of(post)
    ),
}


@require_POST
def tradein_act(request, market, reference, action):
    the_market = views._market(market)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/{market}/trade-in/{reference}/")
    if action not in ACTIONS:
        return render(request, "404.html", status=404)
    try:
        ACTIONS[action](Actor.of(request.user), reference, request.POST)
    except DomainError as err:
        try:
            tradein = _mine(request, reference)
        except NotFound:
            return render(request, "404.html", status=404)
        return render_error(request, err, "storefront/tradein_follow.html", _follow(the_market, tradein))
    return redirect("store-tradein", market, reference)


urlpatterns = [
    path("trade-in/", tradein_start, name="store-tradein-start"),
    path("trade-in/accept/", tradein_accept, name="store-tradein-accept"),
    path("trade-in/<str:reference>/", tradein_page, name="store-tradein"),
    path("trade-in/<str:reference>/<str:action>/", tradein_act, name="store-tradein-act"),
]
