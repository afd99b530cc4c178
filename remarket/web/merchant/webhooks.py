"""The merchant's webhooks: subscribe an endpoint to events (its secret shown once), the latest deliveries with
the receiver's answer and time, a replay button and unsubscribing (remarket/webhooks decides)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.core.errors import DomainError
from remarket.events.topics import topic_label
from remarket.web.common import render_error, requires
from remarket.webhooks.models import WebhookDelivery
from remarket.webhooks.selectors import deliveries_for, subscriptions_for
from remarket.webhooks.services import delivery_replay, subscription_create, subscription_delete
from remarket.webhooks.topics import topic_choices

STATES = dict(WebhookDelivery.State.choices)


def _context(request, **extra) -> dict:
    subs = [{"sub": s, "labels": [topic_label(t) for t in s.topics]} for s in subscriptions_for(actor=request.actor)]
    deliveries = [
        {"d": d, "label": topic_label(d.topic), "state": STATES[d.state]} for d in deliveries_for(actor=request.actor)
    ]
    return {"subscriptions": subs, "deliveries": deliveries, "topics": topic_choices(), **extra}


@requires("webhook.manage", merchant=True)
def webhooks(request):
    if request.method == "POST":
        try:
            sub = subscription_create(
                actor=request.actor, url=request.POST.get("url", ""), topics=request.POST.getlist("topics")
            )
        except DomainError as err:
            return render_error(request, err, "merchant/webhooks.html", _context(request, posted=request.POST))
        # the secret is shown on this answer only, as the API shows it in its creation's answer
        return render(request, "merchant/webhooks.html", _context(request, created=sub))
    return render(request, "merchant/webhooks.html", _context(request))


@require_POST
@requires("webhook.manage", merchant=True)
def unsubscribe(request, subscription_id: int):
    try:
        subscription_delete(actor=request.actor, subscription_id=subscription_id)
    except DomainError as err:
        return render_error(request, err, "merchant/webhooks.html", _context(request))
    messages.success(request, _("The subscription is deleted: nothing more is sent to it."))
    return redirect("merchant-webhooks")


@require_POST
@requires("webhook.manage", merchant=True)
def replay(request, delivery_id: int):
    try:
        delivery = delivery_replay(actor=request.actor, delivery_id=delivery_id)
    except DomainError as err:
        return render_error(request, err, "merchant/webhooks.html", _context(request))
    messages.success(request, _("Delivery %(id)s is sent again within a few seconds.") % {"id": delivery.pk})
    return redirect("merchant-webhooks")


urlpatterns = [
    path("", webhooks, name="merchant-webhooks"),
    path("<int:subscription_id>/delete/", unsubscribe, name="merchant-webhook-delete"),
    path("deliveries/<int:delivery_id>/replay/", replay, name="merchant-webhook-replay"),
]
