"""Mails to the customer at each step of a return (outbox handlers of `return.changed`), in the market's
language."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.core.money import fmt
from remarket.events.outbox import handles

from .models import ReturnRequest, ReturnState


def _body(request: ReturnRequest) -> str | None:
    S = ReturnState
    number = str(request.public_id)[:8].upper()
    if request.state == S.LABEL_ISSUED:
        return _(
            "Your return %(number)s is registered. Pack the device and hand it to %(carrier)s with reference "
            "%(tracking)s; the label is free. Deadline to open it was %(day)s."
        ) % {
            "number": number,
            "carrier": request.label_carrier,
            "tracking": request.label_tracking,
            "day": request.deadline_on.isoformat(),
        }
    if request.state == S.DROPOFF_ISSUED:
        return _("Your return %(number)s is registered. Show the code %(code)s at a remarket store or corner.") % {
            "number": number,
            "code": request.dropoff_code,
        }
    if request.state == S.DROPPED_OFF:
        return _("We took your device in at %(location)s; the seller checks it next.") % {
            "location": request.dropoff_location.name if request.dropoff_location else ""
        }
    if request.state == S.RECEIVED:
        return _("The seller received the device of return %(number)s and checks it.") % {"number": number}
    if request.state == S.REFUNDED:
        return _("Return %(number)s is accepted: %(amount)s is on its way back to your card.") % {
            "number": number,
            "amount": fmt(request.refund_minor, request.suborder.order.currency),
        }
    if request.state == S.REFUSED:
        return _("The seller refused return %(number)s: %(reason)s") % {
            "number": number,
            "reason": request.refusal_reason,
        }
    if request.state == S.CANCELLED:
        return _("Return %(number)s is cancelled; you keep the device.") % {"number": number}
    return None  # requested, in transit, inspected: nothing the customer needs to hear


@handles("return.changed")
def mail_return_changed(payload: dict) -> None:
    request = ReturnRequest.objects.select_related("suborder__order__market", "dropoff_location").get(
        pk=payload["return_id"]
    )
    request.state = payload["state"]  # the step this event announces, even when a later one followed
    order = request.suborder.order
    if not order.email:
        return
    with translation.override(site_language(order.market.language)):
        body = _body(request)
        if body:
            send_mail(_("Your return"), body, None, [order.email])
