"""The customer's mail when a parcel is ready for pickup: where, until when, the code and its QR code."""

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.events.outbox import handles

from .handlers import _language, order_url
from .models import Pickup
from .pickups import pickup_code, pickup_qr_png


@handles("pickup.ready")
def mail_pickup_ready(payload: dict) -> None:
    pickup = Pickup.objects.select_related("suborder__order__market", "location").get(pk=payload["pickup_id"])
    order = pickup.suborder.order
    if not order.email:
        return
    with translation.override(_language(order)):
        assert pickup.expires_at is not None, "a pickup is ready once received, which sets its deadline"
        at = pickup.expires_at.astimezone(order.market.zone)
        message = EmailMessage(
            _("Your remarket parcel is ready for pickup"),
            _(
                "Your parcel is waiting for you at %(place)s (%(town)s) until %(date)s.\n\n"
                "Your pickup code: %(code)s\n"
                "Show it (or the QR code attached) at the counter.\n\n"
                "Not collected by then, it goes back and you are refunded."
            )
            % {
                "place": pickup.location.name,
                "town": pickup.location.town,
                "date": at.strftime("%Y-%m-%d"),
                "code": pickup_code(pickup),
            }
            + "\n\n"
            + _("Your order: %(url)s") % {"url": order_url(order)},
            None,
            [order.email],
        )
        message.attach("pickup-code.png", pickup_qr_png(pickup), "image/png")
        message.send()
