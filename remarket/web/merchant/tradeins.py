"""The merchant's trade-in queue (the earliest deadline first) and its moves: received, validated (which pays
the customer), counter-offered with reasons and photos, suspended, resumed, sent back; the files of a trade-in."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.buyback import services
from remarket.buyback.models import Status
from remarket.buyback.reasons import COUNTER_OFFER_REASONS, SUSPEND_REASONS
from remarket.buyback.selectors import tradein_file, tradeins_queue
from remarket.core.errors import DomainError
from remarket.core.money import to_minor
from remarket.web.common import requires

MAX_FILES = 5


@requires("buyback.manage")
def queue(request):
    status = request.GET.get("status")
    status = status if status in Status.values else None
    page = Paginator(tradeins_queue(actor=request.actor, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "merchant/tradeins.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "counter_reasons": [(k, v[0]) for k, v in COUNTER_OFFER_REASONS.items()],
            "suspend_reasons": [(k, v[0]) for k, v in SUSPEND_REASONS.items()],
        },
    )


def _counter(request, reference):
    try:
        price_minor = to_minor(request.POST.get("price", "")[:20] or "x", request.POST.get("currency", "EUR")[:3])
    except DomainError:
        raise DomainError("BUYBACK_COUNTER_PRICE_INVALID", _("A counter-offer is a positive price.")) from None
    return services.tradein_counter_offer(
        actor=request.actor,
        reference=reference,
        price_minor=price_minor,
        reasons=request.POST.getlist("reasons")[:20],
        files=[(f.name, f.read()) for f in request.FILES.getlist("files")[: MAX_FILES + 1]],
        comment=request.POST.get("comment", "")[:300],
    )


@require_POST
@requires("buyback.manage")
def move(request, reference, action):
    moves = {
        "receive": lambda: services.tradein_receive(actor=request.actor, reference=reference),
        "validate": lambda: services.tradein_validate(actor=request.actor, reference=reference),
        "counter-offer": lambda: _counter(request, reference),
        "suspend": lambda: services.tradein_suspend(
            actor=request.actor, reference=reference, reasons=request.POST.getlist("reasons")[:20]
        ),
        "resume": lambda: services.tradein_resume(actor=request.actor, reference=reference),
        "send-back": lambda: services.tradein_send_back(actor=request.actor, reference=reference),
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
        messages.success(request, _("Trade-in %(ref)s: done.") % {"ref": reference})
    return redirect("merchant-tradeins")


@requires("buyback.manage")
def file_download(request, file_id):
    try:
        found = tradein_file(actor=request.actor, file_id=file_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="tradein-{found.trade_in_id}-{found.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("", queue, name="merchant-tradeins"),
    path("files/<int:file_id>", file_download, name="merchant-tradein-file"),
    path("<str:reference>/<slug:action>/", move, name="merchant-tradein-move"),
]
