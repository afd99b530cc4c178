"""What checkout tells customers after its transactions commit (outbox handlers)."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.core.money import fmt
from remarket.events.outbox import handles
from remarket.orders.models import Order


@handles("payment.capture_refunded")
def mail_capture_refunded(payload: dict) -> None:
    """The customer was charged for an order we could not honour: say so, and that the money is on its way back."""
    order = Order.objects.select_related("market").get(pk=payload["order_id"])
    if not order.email:
        return
    with translation.override(site_language(order.market.language)):
        send_mail(
            _("Your payment is being refunded"),
            _(
                "We could not complete order %(id)s, but your card was charged %(amount)s. We are refunding the "
                "whole amount now; depending on your bank it shows on your statement within 5 to 10 days."
            )
            % {"id": order.public_id, "amount": fmt(payload["amount_minor"], payload["currency"])},
            None,
            [order.email],
        )
