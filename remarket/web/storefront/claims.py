"""The customer's warranty claim pages ("help" on the order page): open a claim about a shipped item still under
warranty, follow it with its messages, write to the seller, dispute an answer. Who may open them is the order's
rule (orders/access.py); the rules are aftersales/claims.py's."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from remarket.accounts.permissions import Actor
from remarket.aftersales import claims
from remarket.aftersales.claims_selectors import claim_attachment_for_customer, claim_for_customer, claimable_lines
from remarket.aftersales.models import ClaimIssue, Resolution
from remarket.core.errors import DomainError
from remarket.orders.models import Order
from remarket.web.common import render_error

from . import order_links, views
from .returns import MAX_PHOTO_FIELDS, _suborder


def _photos(request) -> list[bytes]:
    return [f.read() for f in request.FILES.getlist("photos")[: MAX_PHOTO_FIELDS + 1]]


def claim_new(request, market, order_id, suborder_id):
    the_market = views._market(market)
    order = order_links.order_open(request, order_id)
    if not isinstance(order, Order):
        return order
    sub = _suborder(order, suborder_id)
    context = {
        "market": the_market,
        "order": order,
        "sub": sub,
        "lines": claimable_lines(sub),
        "issues": ClaimIssue.choices,
        "wishes": [
            (Resolution.REPAIR, Resolution.REPAIR.label),
            (Resolution.REPLACE, Resolution.REPLACE.label),
            (Resolution.REFUND, Resolution.REFUND.label),
        ],
        "link_query": order_links.link_query(request),
    }
    if request.method != "POST":
        return render(request, "storefront/claim_new.html", context)
    try:
        line_id = int(request.POST.get("line", ""))
    except ValueError:
        line_id = 0
    try:
        created = claims.claim_open(
            actor=Actor.of(request.user),
            order_line_id=line_id,
            issue=request.POST.get("issue", ""),
            problem=request.POST.get("problem", "")[:4000],
            wanted=request.POST.get("wanted", ""),
            photos=_photos(request),
            link_key=order_links.link_key(request),
        )
    except DomainError as err:
        return render_error(request, err, "storefront/claim_new.html", context)
    url = reverse("store-claim", kwargs={"market": market, "claim_id": created.public_id})
    return redirect(url + order_links.link_query(request))


def _follow(request, claim_id):
    try:
        return claim_for_customer(
            actor=Actor.of(request.user), public_id=claim_id, link_key=order_links.link_key(request)
        )
    except DomainError:
        raise Http404 from None


def _context(request, the_market, claim) -> dict:
    return {
        "market": the_market,
        "claim": claim,
        "order": claim.suborder.order,
        "disputable": claim.state in ("repairing", "replacing", "refused"),
        "link_query": order_links.link_query(request),
    }


def claim_page(request, market, claim_id):
    the_market = views._market(market)
    return render(request, "storefront/claim.html", _context(request, the_market, _follow(request, claim_id)))


@require_POST
def claim_action(request, market, claim_id, action):
    the_market = views._market(market)
    actor, key = Actor.of(request.user), order_links.link_key(request)
    moves = {
        "message": lambda: claims.claim_message_customer(
            actor=actor,
            public_id=claim_id,
            body=request.POST.get("body", "")[:4000],
            photos=_photos(request),
            link_key=key,
        ),
        "dispute": lambda: claims.claim_dispute(
            actor=actor, public_id=claim_id, reason=request.POST.get("body", "")[:4000], link_key=key
        ),
    }
    if action not in moves:
        raise Http404
    try:
        moves[action]()
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        return render_error(
            request, err, "storefront/claim.html", _context(request, the_market, _follow(request, claim_id))
        )
    url = reverse("store-claim", kwargs={"market": market, "claim_id": claim_id})
    return redirect(url + order_links.link_query(request))


def claim_attachment(request, market, claim_id, attachment_id):
    try:
        found = claim_attachment_for_customer(
            actor=Actor.of(request.user),
            public_id=claim_id,
            attachment_id=attachment_id,
            link_key=order_links.link_key(request),
        )
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("orders/<uuid:order_id>/help/<int:suborder_id>/", claim_new, name="store-claim-new"),
    path("claims/<uuid:claim_id>/", claim_page, name="store-claim"),
    path("claims/<uuid:claim_id>/attachments/<int:attachment_id>/", claim_attachment, name="store-claim-attachment"),
    path("claims/<uuid:claim_id>/<slug:action>/", claim_action, name="store-claim-action"),
]
