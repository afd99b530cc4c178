"""The operator's escalation queue: warranty claims whose deadline passed or that the customer disputed, the
decision due first; a claim's page with its messages and the decision (refund, repair, replace, refuse)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.aftersales import claims
from remarket.aftersales.claims_selectors import claim_attachment_for_operator, claim_for_operator, claims_escalated
from remarket.aftersales.models import Resolution
from remarket.core.errors import DomainError
from remarket.web.common import requires


@requires("claim.decide")
def escalations(request):
    page = Paginator(claims_escalated(actor=request.actor), 25).get_page(request.GET.get("page"))
    return render(request, "ops/claims.html", {"page": page})


def _claim(request, claim_id):
    try:
        return claim_for_operator(actor=request.actor, claim_id=claim_id)
    except DomainError:
        raise Http404 from None


@requires("claim.decide")
def claim_page(request, claim_id):
    return render(request, "ops/claim.html", {"claim": _claim(request, claim_id), "resolutions": Resolution.choices})


@require_POST
@requires("claim.decide")
def claim_move(request, claim_id, action):
    post = request.POST
    moves = {
        "decide": lambda: claims.claim_decide(
            actor=request.actor,
            claim_id=claim_id,
            resolution=post.get("resolution", ""),
            reason=post.get("reason", "")[:600],
        ),
        "message": lambda: claims.claim_message_operator(
            actor=request.actor, claim_id=claim_id, body=post.get("body", "")[:4000]
        ),
    }
    if action not in moves:
        raise Http404
    try:
        moves[action]()
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        messages.error(request, f"{err.message} ({err.code})")
    else:
        messages.success(request, _("Claim %(id)s: done.") % {"id": claim_id})
    return redirect("ops-claim", claim_id=claim_id)


@requires("claim.decide")
def claim_attachment(request, claim_id, attachment_id):
    try:
        found = claim_attachment_for_operator(actor=request.actor, claim_id=claim_id, attachment_id=attachment_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("", escalations, name="ops-claims"),
    path("<int:claim_id>/", claim_page, name="ops-claim"),
    path("<int:claim_id>/attachments/<int:attachment_id>/", claim_attachment, name="ops-claim-attachment"),
    path("<int:claim_id>/<slug:action>/", claim_move, name="ops-claim-move"),
]
