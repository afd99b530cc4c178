"""The merchant's returns queue (oldest deadline first) and its moves: received, inspected (refunds), refused."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.aftersales import services
from remarket.aftersales.models import ReturnState
from remarket.aftersales.selectors import returns_for_merchant
from remarket.core.errors import DomainError
from remarket.web.common import requires


@requires("order.fulfil", merchant=True)
def returns(request):
    state = request.GET.get("state")
    state = state if state in ReturnState.values else None
    page = Paginator(returns_for_merchant(actor=request.actor, state=state), 25).get_page(request.GET.get("page"))
    return render(request, "merchant/returns.html", {"page": page, "state": state, "states": ReturnState.choices})


@require_POST
@requires("order.fulfil", merchant=True)
def return_move(request, return_id, action):
    moves = {
        "receive": lambda: services.return_receive(actor=request.actor, return_id=return_id),
        "inspect": lambda: services.return_inspect(actor=request.actor, return_id=return_id),
        "refuse": lambda: services.return_refuse(
            actor=request.actor, return_id=return_id, reason=request.POST.get("reason", "")[:600]
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
        done = {
            "receive": _("Return %(id)s: received."),
            "inspect": _("Return %(id)s: inspected, the customer is refunded."),
            "refuse": _("Return %(id)s: refused."),
        }
        messages.success(request, done[action] % {"id": return_id})
    return redirect("merchant-returns")


urlpatterns = [
    path("", returns, name="merchant-returns"),
    path("<int:return_id>/<slug:action>/", return_move, name="merchant-return-move"),
]
