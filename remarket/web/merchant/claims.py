"""The merchant's warranty claims queue (nearest deadline first) and a claim's page: its messages, the answer
(repair, replace, refund, refuse with a reason), a message with photos, the device sent back."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.aftersales import claims
from remarket.aftersales.claim_labels import PROBLEM_TYPE_LABELS, TRANSFER_ACTION_LABELS
from remarket.aftersales.claims_selectors import claim_attachment_for_merchant, claim_for_merchant, claims_for_merchant
from remarket.aftersales.models import ClaimState, Resolution
from remarket.core.errors import DomainError
from remarket.web.common import requires

MAX_PHOTO_FIELDS = 5


@requires("order.fulfil")
def claims_queue(request):
    state = request.GET.get("state")
    state = state if state in ClaimState.values else None
    active = state is None and request.GET.get("all") != "1"
    rows = claims_for_merchant(actor=request.actor, state=state, active=active)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "merchant/claims.html",
        {"page": page, "state": state, "states": ClaimState.choices, "active": active},
    )


def _claim(request, claim_id):
    try:
        return claim_for_merchant(actor=request.actor, claim_id=claim_id)
    except DomainError:
        raise Http404 from None


@requires("order.fulfil")
def claim_page(request, claim_id):
    claim = _claim(request, claim_id)
    return render(
        request,
        "merchant/claim.html",
        {
            "claim": claim,
            "resolutions": Resolution.choices,
            "problem_types": [(code, PROBLEM_TYPE_LABELS.get(code, code)) for code in claims.PROBLEM_TYPES],
            "actions": [(code, TRANSFER_ACTION_LABELS.get(code, code)) for code in claims.TRANSFER_ACTIONS],
            "answerable": claim.state in ("open", "repairing", "replacing"),
        },
    )


@require_POST
@requires("order.fulfil")
def claim_move(request, claim_id, action):
    post = request.POST
    photos = [f.read() for f in request.FILES.getlist("photos")[: MAX_PHOTO_FIELDS + 1]]
    moves = {
        "answer": lambda: claims.claim_answer(
            actor=request.actor,
            claim_id=claim_id,
            resolution=post.get("resolution", ""),
            reason=post.get("reason", "")[:600],
        ),
        "message": lambda: claims.claim_message_merchant(
            actor=request.actor,
            claim_id=claim_id,
            body=post.get("body", "")[:4000],
            photos=photos,
            problem_type=post.get("problem_type", ""),
        ),
        "transfer": lambda: claims.claim_transfer(
            actor=request.actor,
            claim_id=claim_id,
            carrier=post.get("carrier", "")[:300],
            tracking_number=post.get("tracking_number", "")[:300],
            action=post.get("action", ""),
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
    return redirect("merchant-claim", claim_id=claim_id)


@requires("order.view_merchant")
def claim_attachment(request, claim_id, attachment_id):
    try:
        found = claim_attachment_for_merchant(actor=request.actor, claim_id=claim_id, attachment_id=attachment_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("", claims_queue, name="merchant-claims"),
    path("<int:claim_id>/", claim_page, name="merchant-claim"),
    path("<int:claim_id>/attachments/<int:attachment_id>/", claim_attachment, name="merchant-claim-attachment"),
    path("<int:claim_id>/<slug:action>/", claim_move, name="merchant-claim-move"),
]
